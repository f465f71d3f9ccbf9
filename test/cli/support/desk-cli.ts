import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import mongoose from 'mongoose';
import { afterAll, inject } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.ts';

/** One run of the CLI: its exit code, what it printed, and that as JSON. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json(): Record<string, unknown>;
}

/**
 * The desk commands run in-process, as an operator would run them, against a database of the
 * file's own on the test server (named after `name`, dropped after the file). Each run may add
 * variables to the environment (SLADESK_PUBLIC_URL…).
 */
export function useDeskCli(name: string): {
  uri: string;
  sladesk(env: Record<string, string>, ...args: string[]): Promise<CliRun>;
} {
  const database = `${name}_${randomBytes(4).toString('hex')}`;
  const url = new URL(inject('mongoUri'));
  url.pathname = `/${database}`;
  const uri = url.toString();

  afterAll(async () => {
    const connection = await mongoose.createConnection(uri).asPromise();
    await connection.dropDatabase();
    await connection.close();
  });

  return {
    uri,
    async sladesk(env, ...args) {
      let stdout = '';
      let stderr = '';
      const code = await runCli(args, {
        stdin: Readable.from([]),
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        env: { MONGODB_URI: uri, SLADESK_LOCALE: 'en', LOG_LEVEL: 'silent', ...env },
      });
      return { code, stdout, stderr, json: () => JSON.parse(stdout) as Record<string, unknown> };
    },
  };
}
