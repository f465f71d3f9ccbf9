import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureFerretDb, startFerretDb } from '../src/store/embedded-ferretdb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The server every database test talks to: MONGODB_URI, or a FerretDB started for this run. */
    mongoUri: string;
    /** The FerretDB binary when the run uses the embedded server; null with MONGODB_URI. */
    ferretDbBinary: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.MONGODB_URI?.trim();
  if (external) {
    project.provide('mongoUri', external);
    project.provide('ferretDbBinary', null);
    return async () => {};
  }

  const binary = await ensureFerretDb();
  const dataDir = await mkdtemp(join(tmpdir(), 'sladesk-test-db-'));
  const server = await startFerretDb({ dataDir, binary }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  project.provide('mongoUri', server.uri);
  project.provide('ferretDbBinary', binary);
  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
