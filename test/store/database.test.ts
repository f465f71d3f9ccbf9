import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { openDatabase } from '../../src/store/database.ts';
import { DatabaseUnreachableError, isDatabaseUnreachable } from '../../src/store/database-errors.ts';
import { freeLoopbackPort, startFerretDb } from '../../src/store/embedded-ferretdb.ts';

const logger = createLogger({ logLevel: 'silent' });
const embedded = inject('ferretDbBinary') !== null;
const binary = inject('ferretDbBinary') ?? undefined;

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

describe('openDatabase', () => {
  const dirs: string[] = [];
  const dataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sladesk-database-test-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('connects to MONGODB_URI when it is set', async () => {
    const database = await openDatabase({ mongodbUri: inject('mongoUri'), dataDir: await dataDir() }, logger);
    try {
      expect(database.uri).toBe(inject('mongoUri'));
      expect(await database.connection.db?.admin().command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await database.close();
    }
  });

  it.skipIf(!embedded)('uses the database named in the URI, else "sladesk"', async () => {
    const named = await openDatabase(
      { mongodbUri: `${inject('mongoUri')}desk_named`, dataDir: await dataDir() },
      logger,
    );
    const unnamed = await openDatabase({ mongodbUri: inject('mongoUri'), dataDir: await dataDir() }, logger);
    try {
      expect(named.connection.name).toBe('desk_named');
      expect(unnamed.connection.name).toBe('sladesk');
    } finally {
      await named.close();
      await unnamed.close();
    }
  });

  it.skipIf(!embedded)(
    'starts FerretDB in the data dir without MONGODB_URI, and keeps data across restarts',
    async () => {
      const dir = await dataDir();
      const first = await openDatabase({ dataDir: dir }, logger);
      await first.connection.collection('notes').insertOne({ text: 'kept' });
      await first.close();
      expect(await acceptsConnections(first.uri)).toBe(false);

      const second = await openDatabase({ dataDir: dir }, logger);
      try {
        expect(await second.connection.collection('notes').findOne({}, { projection: { _id: 0 } })).toEqual({
          text: 'kept',
        });
      } finally {
        await second.close();
        await second.close();
      }
    },
  );

  it('says when MONGODB_URI does not answer by the end of start-up, without its password', async () => {
    const port = await freeLoopbackPort();
    const failure = await openDatabase(
      { mongodbUri: `mongodb://desk:Hunter%2F2@127.0.0.1:${port}/desk`, dataDir: await dataDir() },
      logger,
      { startupTimeoutMs: 300, selectionTimeoutMs: 100 },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DatabaseUnreachableError);
    const { where, message } = failure as DatabaseUnreachableError;
    expect(where).toBe(`mongodb://[REDACTED]@127.0.0.1:${port}/desk`);
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).not.toMatch(/Hunter/);
  });

  it.skipIf(!embedded)(
    'fails operations as unreachable while an external database is down, and reconnects when it is back',
    async () => {
      const dir = await dataDir();
      let server = await startFerretDb({ dataDir: dir, binary });
      const database = await openDatabase({ mongodbUri: server.uri, dataDir: await dataDir() }, logger, {
        selectionTimeoutMs: 500,
      });
      try {
        const notes = database.connection.collection('notes');
        await notes.insertOne({ text: 'before' });
        expect(database.isUp()).toBe(true);
        await server.stop();
        // Every operation fails at once, as "unreachable" (a request answers 503 for it).
        const failure = await notes.findOne({}).catch((error: unknown) => error);
        expect(isDatabaseUnreachable(failure), String(failure)).toBe(true);
        expect(
          await notes.insertOne({ text: 'lost' }).catch((error: unknown) => isDatabaseUnreachable(error)),
        ).toBe(true);

        server = await startFerretDb({ dataDir: dir, binary, port: server.port });
        let found: unknown;
        for (let tries = 0; found === undefined && tries < 200; tries++) {
          found = await notes.findOne({}, { projection: { _id: 0 } }).catch(() => undefined);
          if (found === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(found).toEqual({ text: 'before' });
        expect(database.isUp()).toBe(true);
      } finally {
        await database.close();
        await server.stop();
      }
    },
    60_000,
  );
});
