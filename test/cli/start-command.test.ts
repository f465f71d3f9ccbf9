import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe, expect, inject, it } from 'vitest';

const database = `start_${randomBytes(4).toString('hex')}`;
const uri = (() => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/${database}`;
  return url.toString();
})();

afterAll(async () => {
  const connection = await mongoose.createConnection(uri).asPromise();
  await connection.dropDatabase();
  await connection.close();
});

describe('sladesk start', () => {
  it('serves the API with the worker running, and shuts down cleanly on SIGTERM', async () => {
    const bin = new URL('../../bin/sladesk.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'start'], {
      env: { ...process.env, MONGODB_URI: uri, PORT: '0', LOG_LEVEL: 'warn', SLADESK_LOCALE: 'en' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL announced: ${stderr}`)), 15_000);
        void exited.then((code) => reject(new Error(`exited with ${code} before serving: ${stderr}`)));
        child.stderr.on('data', () => {
          const found = /sladesk: (http:\/\/\S+)/.exec(stderr);
          if (found) {
            clearTimeout(timer);
            resolve(found[1]!);
          }
        });
      });
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: true, jobs: true });
      const openapi = (await (await fetch(`${url}/api/openapi.json`)).json()) as { openapi: string };
      expect(openapi.openapi).toMatch(/^3\.1/);
      const unauthenticated = await fetch(`${url}/api/tickets`);
      expect(unauthenticated.status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/error/i);
  });
});
