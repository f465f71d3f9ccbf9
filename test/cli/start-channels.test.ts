import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/log.ts';
import { startDesk } from '../../src/runtime/start-desk.ts';

const database = `start_channels_${randomBytes(4).toString('hex')}`;
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

const CREDENTIALS = {
  SLACK_BOT_TOKEN: 'xoxb-1111-bot-secret',
  SLACK_SIGNING_SECRET: 'slack-signing-secret',
  SLACK_APP_TOKEN: 'xapp-1-app-secret',
  MICROSOFT_APP_ID: '0a1b2c3d-0000-4000-8000-00000000abcd',
  MICROSOFT_APP_PASSWORD: 'teams-app-password',
};
// The app id is no secret; everything else is.
const { MICROSOFT_APP_ID: _id, ...SECRETS } = CREDENTIALS;

/** Starts the desk (API only) in this process with `env`; `use` gets its URL while it runs. */
async function startWith(
  env: NodeJS.ProcessEnv,
  use: (url: string) => Promise<void> = async () => undefined,
): Promise<Array<{ level: number; msg: string; channel?: string }>> {
  const lines: string[] = [];
  const config = loadConfig({ MONGODB_URI: uri, PORT: '0', LOG_LEVEL: 'info', ...env });
  const desk = await startDesk(
    config,
    createLogger(config, { write: (line) => void lines.push(line) }),
    new Set(['web']),
  );
  try {
    await use(desk.url!);
  } finally {
    await desk.stop();
  }
  for (const secret of Object.values(SECRETS)) expect(lines.join('')).not.toContain(secret);
  return lines.map((line) => JSON.parse(line) as { level: number; msg: string; channel?: string });
}

const WARN = 40;

/** A conversation update from outside any personal chat: a turn the bot takes and leaves alone. */
const ACTIVITY = JSON.stringify({
  type: 'conversationUpdate',
  id: 'start-channels-1',
  channelId: 'emulator',
  serviceUrl: 'http://127.0.0.1:9/',
  conversation: { id: 'emulated-conversation' },
  from: { id: 'user-1' },
  recipient: { id: 'bot' },
});

const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: ACTIVITY,
  });

describe('the chat channels start-up serves', () => {
  it('Teams with credentials: /api/messages is served and refuses a request without a token', async () => {
    const { MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD } = CREDENTIALS;
    await startWith({ MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD }, async (url) => {
      expect((await post(url)).status).toBe(401);
      expect((await post(url, { authorization: 'Bearer forged.token.here' })).status).toBe(401);
    });
  });

  it('no Teams without credentials: there is no /api/messages', async () => {
    await startWith({}, async (url) => {
      expect((await post(url)).status).toBe(404);
    });
  });

  it('the Teams emulator only when asked for, saying so loudly, and taking activities with no token', async () => {
    const logged = await startWith({ SLADESK_TEAMS_EMULATOR: 'on' }, async (url) => {
      expect((await post(url)).status).toBe(200);
    });
    expect(logged).toContainEqual(
      expect.objectContaining({ level: WARN, channel: 'teams', msg: expect.stringMatching(/EMULATOR MODE/) }),
    );
  });

  it('the emulator refuses to start beside the app’s credentials, or listening beyond this machine', () => {
    const { MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD } = CREDENTIALS;
    expect(() =>
      loadConfig({ SLADESK_TEAMS_EMULATOR: 'on', MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD }),
    ).toThrow(/SLADESK_TEAMS_EMULATOR: .*MICROSOFT_APP_ID/);
    expect(() => loadConfig({ SLADESK_TEAMS_EMULATOR: 'on', HOST: '0.0.0.0' })).toThrow(
      /SLADESK_TEAMS_EMULATOR: .*"0.0.0.0"/,
    );
  });

  it('Slack with its credentials, and no warning about any channel', async () => {
    const {
      SLACK_APP_TOKEN: _socket,
      MICROSOFT_APP_ID: _a,
      MICROSOFT_APP_PASSWORD: _p,
      ...slack
    } = CREDENTIALS;
    const logged = await startWith(slack);
    expect(logged.filter((line) => line.channel && line.level >= WARN)).toEqual([]);
  });
});
