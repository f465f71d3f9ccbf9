import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/log.ts';

/** `sladesk start` in this process: it stops at the configuration, before anything starts. */
async function start(env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['start'], {
    stdin: new PassThrough(),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { SLADESK_LOCALE: 'en', ...env },
  });
  return { code, stdout, stderr };
}

// Each value with the parts of its password that must never be shown.
const MALFORMED_MONGODB_URIS: [string, string[]][] = [
  ['mongodb://desk:pa/ss-word@db.example.net/desk', ['pa/ss-word', 'ss-word']],
  ['mongodb://desk:pa#ss-word@db.example.net/desk', ['pa#ss-word', 'ss-word']],
  ['mongodb://desk:pa ss-word@db.example.net/desk', ['pa ss-word', 'ss-word']],
  ['mongodb://desk:p@ss-word@db.example.net/desk', ['p@ss-word', 'ss-word']],
  ['mongodb://desk:a/b#c d@e-secret@db.example.net:27017/desk', ['a/b#c d@e-secret', 'e-secret']],
  ['mongodb://desk:bad%zzsecret@db.example.net/desk', ['bad%zzsecret', 'zzsecret']],
  ['mongodb://desk:hunter2-secret', ['hunter2-secret']],
  ['mongodb:/desk:hunter2-secret@db.example.net', ['hunter2-secret']],
  ['desk:hunter2-secret@db.example.net', ['hunter2-secret']],
  ['hunter2-secret', ['hunter2-secret']],
];

const MALFORMED_WEBHOOK_URLS: [string, string[]][] = [
  ['https://hook:pa ss-word@hooks.example.net/x', ['pa ss-word', 'ss-word', 'pa%20ss-word']],
  ['https://hook:pa#ss-word@hooks.example.net/x', ['pa#ss-word', 'ss-word']],
  ['https://hook:hook-secret@hooks.example.net/x', ['hook-secret']],
  ['htps//hook:hook-secret@hooks.example.net/x', ['hook-secret']],
  ['ftp://hook:hook-secret@hooks.example.net/x', ['hook-secret']],
];

describe('a start-up error never shows a password', () => {
  it.each(MALFORMED_MONGODB_URIS)('MONGODB_URI=%s', async (value, secrets) => {
    const run = await start({ MONGODB_URI: value });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^sladesk: MONGODB_URI: [^\n]+\n$/);
    for (const secret of secrets) {
      expect(run.stderr).not.toContain(secret);
      expect(run.stdout).not.toContain(secret);
    }
    let thrown: unknown;
    try {
      loadConfig({ MONGODB_URI: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    for (const text of [(thrown as ConfigError).message, (thrown as ConfigError).in('sv')]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });

  it.each(MALFORMED_WEBHOOK_URLS)('SLADESK_WEBHOOK_URL=%s', async (value, secrets) => {
    const run = await start({ SLADESK_WEBHOOK_URL: value });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^sladesk: SLADESK_WEBHOOK_URL: [^\n]+\n$/);
    for (const secret of secrets) expect(run.stderr).not.toContain(secret);
  });

  it('shows the rest of the value, so the operator can still see what is wrong', async () => {
    expect((await start({ MONGODB_URI: 'mongodb://desk:p@ss@db.example.net/desk' })).stderr).toContain(
      '"mongodb://[REDACTED]@db.example.net/desk"',
    );
    expect((await start({ MONGODB_URI: 'hunter2-secret' })).stderr).toBe(
      'sladesk: MONGODB_URI: expected a mongodb:// or mongodb+srv:// URL (value not shown: it may hold a password)\n',
    );
  });
});

describe('the log never shows a configured password', () => {
  it('scrubs it however a message quotes it: raw, decoded, or inside a malformed URL', () => {
    const lines: string[] = [];
    const config = loadConfig({
      MONGODB_URI: 'mongodb://desk:Sw0rd%2Ffish%20x@db.example.net/desk',
      SLADESK_WEBHOOK_URL: 'https://hooks.example.net/x',
      SLADESK_WEBHOOK_SECRET: 'webhook-signing-secret',
    });
    const logger = createLogger(
      { ...config, logLevel: 'trace' },
      { write: (line: string) => void lines.push(line) },
    );
    logger.error({ err: new Error('auth failed for desk:Sw0rd/fish x@db.example.net') }, 'driver error');
    logger.warn({ uri: config.mongodbUri }, 'connecting');
    logger.info(`password "Sw0rd%2Ffish%20x" refused; signing with webhook-signing-secret`);
    logger.info({ detail: 'mongodb://desk:Sw0rd/fish x@db.example.net/desk' }, 'as typed');
    logger.info('at file:///app/node_modules/@agendajs/mongo-backend/dist/index.js:10:5');
    const text = lines.join('');
    for (const secret of ['Sw0rd', 'fish', 'webhook-signing-secret']) expect(text).not.toContain(secret);
    expect(text).toContain('db.example.net');
    // What is no secret stays readable: a stack trace through a scoped package keeps its paths.
    expect(text).toContain('file:///app/node_modules/@agendajs/mongo-backend/dist/index.js:10:5');
  });
});
