import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  ensureFerretDb,
  NO_DATABASE_MESSAGE,
  NoDatabaseError,
  startFerretDb,
} from '../../src/store/embedded-ferretdb.ts';

const binary = inject('ferretDbBinary');

async function ping(uri: string): Promise<unknown> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 2_000 });
  try {
    return await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

function acceptsConnections(uri: string): Promise<boolean> {
  const { hostname, port } = new URL(uri);
  return new Promise((settle) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      settle(true);
    });
    socket.once('error', () => settle(false));
  });
}

describe.skipIf(binary === null)('embedded FerretDB', () => {
  const dirs: string[] = [];
  const dataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sladesk-ferretdb-test-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('runs two instances side by side and stops each one', async () => {
    const first = await startFerretDb({ dataDir: await dataDir(), binary: binary ?? undefined });
    const second = await startFerretDb({ dataDir: await dataDir(), binary: binary ?? undefined });
    try {
      expect(first.uri).not.toBe(second.uri);
      expect(await ping(first.uri)).toMatchObject({ ok: 1 });
      expect(await ping(second.uri)).toMatchObject({ ok: 1 });
    } finally {
      await first.stop();
      await second.stop();
    }
    expect(await acceptsConnections(first.uri)).toBe(false);
    expect(await acceptsConnections(second.uri)).toBe(false);
    await first.stop();
  });
});

describe('startFerretDb with a server that cannot start', () => {
  it('fails at once with the exit status and the tail of its output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sladesk-broken-ferretdb-'));
    try {
      const broken = join(dir, 'ferretdb');
      await writeFile(broken, '#!/bin/sh\necho "listener exploded" >&2\nexit 3\n', { mode: 0o755 });
      const started = Date.now();
      await expect(startFerretDb({ dataDir: join(dir, 'data'), binary: broken })).rejects.toThrow(
        /exited with code 3[\s\S]*listener exploded/,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ensureFerretDb without a usable Go', () => {
  it('tells the operator how to get a database when Go is missing', async () => {
    const installDir = await mkdtemp(join(tmpdir(), 'sladesk-no-go-'));
    try {
      const failure = await ensureFerretDb({
        installDir,
        env: { PATH: join(installDir, 'empty') },
        logger: { info: () => {} },
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(NoDatabaseError);
      expect((failure as Error).message).toBe(NO_DATABASE_MESSAGE);
    } finally {
      await rm(installDir, { recursive: true, force: true });
    }
  });

  it('names the Go it found when that Go is too old to fetch a newer toolchain', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sladesk-old-go-'));
    try {
      await writeFile(join(dir, 'go'), '#!/bin/sh\necho go1.19.8\n', { mode: 0o755 });
      await expect(
        ensureFerretDb({ installDir: join(dir, 'install'), env: { PATH: dir }, logger: { info: () => {} } }),
      ).rejects.toThrow(`${NO_DATABASE_MESSAGE} The Go on PATH (go1.19.8) is too old`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
