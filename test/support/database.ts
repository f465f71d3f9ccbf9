import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, inject } from 'vitest';

/**
 * Gives the calling test file its own empty database on the run's server, dropped afterwards,
 * so files running in parallel never see each other's documents.
 * Call at the top of a test file (or describe block); use the accessor inside tests and hooks.
 */
export function useTestDatabase(label = 'test'): () => Connection {
  let connection: Connection | undefined;

  beforeAll(async () => {
    // FerretDB keeps each database in a file named after it: letters, digits and _ only.
    const safeLabel = label.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 30);
    const name = `${safeLabel}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    connection = await mongoose
      .createConnection(inject('mongoUri'), { dbName: name, serverSelectionTimeoutMS: 10_000 })
      .asPromise();
  });

  afterAll(async () => {
    if (!connection) return;
    try {
      await connection.dropDatabase();
    } finally {
      await connection.close();
      connection = undefined;
    }
  });

  return () => {
    if (!connection) {
      throw new Error('useTestDatabase: the connection opens in beforeAll; use it inside tests or hooks');
    }
    return connection;
  };
}
