import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { openDatabase } from '../../src/store/database.ts';

const logger = createLogger({ logLevel: 'silent' });
const embedded = inject('ferretDbBinary') !== null;

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
});
