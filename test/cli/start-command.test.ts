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
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Drained always: a pipe left full would block the child's logging and hang it.
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    /** Each step gets its own deadline, so a hang says where it hung and what the desk logged. */
    const within = <T>(ms: number, step: string, promise: Promise<T>): Promise<T> =>
      Promise.race([
        promise,
        new Promise<never>((_, reject) =>
          setTimeout(
            () =>
              reject(new Error(`${step} took over ${ms} ms\nstderr: ${stderr}\nlog: ${stdout.slice(-4000)}`)),
            ms,
          ),
        ),
      ]);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no URL announced: ${stderr}\nlog: ${stdout.slice(-4000)}`)),
          60_000,
        );
        void exited.then((code) => reject(new Error(`exited with ${code} before serving: ${stderr}`)));
        child.stderr.on('data', () => {
          const found = /sladesk: (http:\/\/\S+)/.exec(stderr);
          if (found) {
            clearTimeout(timer);
            resolve(found[1]!);
          }
        });
      });
      const health = await within(10_000, 'GET /healthz', fetch(`${url}/healthz`));
      expect(health.status).toBe(200);
      expect(await within(10_000, 'reading /healthz', health.json())).toMatchObject({
        status: 'ok',
        database: true,
        jobs: true,
      });
      const openapi = (await within(
        10_000,
        'GET /api/openapi.json',
        fetch(`${url}/api/openapi.json`).then((r) => r.json()),
      )) as { openapi: string };
      expect(openapi.openapi).toMatch(/^3\.1/);
      const unauthenticated = await within(10_000, 'GET /api/tickets', fetch(`${url}/api/tickets`));
      expect(unauthenticated.status).toBe(401);
      // The web desk is served under /web/ by the same server.
      const signedOut = await within(10_000, 'GET /web/session', fetch(`${url}/web/session`));
      expect(signedOut.status).toBe(401);
      expect(((await signedOut.json()) as { error: { code: string } }).error.code).toBe('notSignedIn');
      const asked = await within(
        10_000,
        'POST /web/sign-in',
        fetch(`${url}/web/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'nobody@nowhere.example' }),
        }),
      );
      expect(asked.status).toBe(202);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await within(45_000, 'shutting down', exited)).toBe(0);
    expect(stderr).not.toMatch(/error/i);
    // Warnings and errors are all the log holds at this level: a clean start and stop has none.
    expect(stdout, stdout.slice(-4000)).toBe('');
    // A child process on a busy two-core machine (the other test files run beside it) needs time;
    // the steps' own deadlines above say where it went wrong when it does.
  }, 150_000);
});
