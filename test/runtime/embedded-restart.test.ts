import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/log.ts';
import { startDesk, type RunningDesk } from '../../src/runtime/start-desk.ts';
import { createMongoStore } from '../../src/store/mongo/index.ts';
import { request } from '../http/support/api.ts';

/** Polls `check` until it holds, failing with what it last saw after `attempts` tries. */
async function eventually<T>(what: string, attempt: () => Promise<T>, holds: (value: T) => boolean) {
  let last: T | undefined;
  for (let tries = 0; tries < 300; tries++) {
    last = await attempt();
    if (holds(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: never happened; last ${JSON.stringify(last)}`);
}

describe.skipIf(inject('ferretDbBinary') === null)('the embedded database dies under a running desk', () => {
  let dataDir: string;
  let desk: RunningDesk;
  let adminKey: string;
  const waits: number[] = [];
  let release: () => void = () => {};

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sladesk-restart-test-'));
    const config = loadConfig({
      SLADESK_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'silent',
      SLADESK_LOCALE: 'en',
    });
    desk = await startDesk(config, createLogger(config), new Set(['web']), {
      database: {
        restarts: {
          // The back-off waits until the test lets it go, so "while it is down" is a state, not a race.
          wait: (ms, signal) => {
            waits.push(ms);
            return new Promise<void>((resolve) => {
              release = resolve;
              signal.addEventListener('abort', () => resolve(), { once: true });
            });
          },
        },
      },
    });
    const store = createMongoStore(desk.database.connection);
    adminKey = (await store.apiKeys.create({ kind: 'admin' }, 'restart test')).key;
  });

  afterAll(async () => {
    await desk?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while it is down, and normally once it was restarted', async () => {
    const url = desk.url!;
    const list = (lang = 'en') => request(url, 'GET', '/api/organisations', { key: adminKey, lang });
    expect((await list()).status).toBe(200);
    const pid = desk.database.embeddedPid();
    expect(pid).toBeTypeOf('number');

    process.kill(pid!, 'SIGKILL');
    const down = await eventually(
      'a 503',
      () => list(),
      (answer) => answer.status === 503,
    );
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.body.error).toEqual({
      code: 'databaseUnavailable',
      message: 'the service desk cannot reach its database right now; please try again in a few seconds',
    });
    const swedish = await list('sv');
    expect(swedish.status).toBe(503);
    expect(swedish.body.error.message).toBe(
      'servicedesken når inte sin databas just nu; försök igen om några sekunder',
    );
    const health = await request(url, 'GET', '/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', database: false });
    expect(waits).toEqual([250]);

    release();
    const back = await eventually(
      'the desk answering again',
      () => list(),
      (answer) => answer.status === 200,
    );
    expect(back.body).toBeDefined();
    expect(desk.database.embeddedPid()).not.toBe(pid);
    expect((await request(url, 'GET', '/healthz')).status).toBe(200);
    // Only the database was restarted: the same desk, on the same URL, with the data kept.
    expect(desk.url).toBe(url);
  }, 60_000);
});
