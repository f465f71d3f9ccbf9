import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { MongoClient } from 'mongodb';
import { describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';

function io(env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdin: new PassThrough(),
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env,
    },
    out: () => ({ stdout, stderr }),
  };
}

describe('sladesk db serve', () => {
  it('refuses a wrong command line, and says there is nothing to serve with MONGODB_URI set', async () => {
    const wrong = io({ SLADESK_LOCALE: 'en' });
    expect(await runCli(['db', 'dump'], wrong.io)).toBe(2);
    expect(wrong.out().stderr).toMatch(/^sladesk: Usage: sladesk db serve/);
    const external = io({ SLADESK_LOCALE: 'sv', MONGODB_URI: 'mongodb://127.0.0.1:1/' });
    expect(await runCli(['db', 'serve'], external.io)).toBe(2);
    expect(external.out().stderr).toBe(
      'sladesk: MONGODB_URI är satt: servicedesken använder den servern, det finns ingen inbyggd databas att köra\n',
    );
  });

  it.skipIf(inject('ferretDbBinary') === null)(
    'serves the data directory’s database until SIGTERM, printing its address',
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'sladesk-db-serve-'));
      const bin = new URL('../../bin/sladesk.js', import.meta.url).pathname;
      const child = spawn(process.execPath, [bin, 'db', 'serve'], {
        env: { ...process.env, MONGODB_URI: '', SLADESK_DATA_DIR: dataDir, SLADESK_LOCALE: 'en' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      try {
        const uri = await new Promise<string>((resolve, reject) => {
          void exited.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
          child.stdout.on('data', (chunk: Buffer) => {
            stdout += chunk.toString();
            const found = /^(mongodb:\/\/127\.0\.0\.1:\d+\/)\n/.exec(stdout);
            if (found) resolve(found[1]!);
          });
        });
        const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
        try {
          await client
            .db('sladesk')
            .collection('probe')
            .insertOne({ _id: 'one' as never });
          expect(await client.db('sladesk').collection('probe').countDocuments()).toBe(1);
        } finally {
          await client.close();
        }
        expect(stderr).toContain(`mongodump --uri ${uri} --db sladesk`);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      await rm(dataDir, { recursive: true, force: true });
    },
    60_000,
  );
});
