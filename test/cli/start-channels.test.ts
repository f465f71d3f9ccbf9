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

/** Starts the desk (API only) in this process with `env`, and gives back what it logged. */
async function startWith(
  env: NodeJS.ProcessEnv,
): Promise<Array<{ level: number; msg: string; channel?: string }>> {
  const lines: string[] = [];
  const config = loadConfig({ MONGODB_URI: uri, PORT: '0', LOG_LEVEL: 'warn', ...env });
  const desk = await startDesk(
    config,
    createLogger(config, { write: (line) => void lines.push(line) }),
    new Set(['web']),
  );
  await desk.stop();
  for (const secret of Object.values(SECRETS)) expect(lines.join('')).not.toContain(secret);
  return lines.map((line) => JSON.parse(line) as { level: number; msg: string; channel?: string });
}

const WARN = 40;

describe('channel credentials this version cannot use yet', () => {
  it('are not silent: start-up says that Teams is not available yet, and nothing of Slack, which is', async () => {
    const { SLACK_APP_TOKEN: _socket, ...http } = CREDENTIALS;
    const logged = await startWith({ ...http, SLADESK_LOCALE: 'en' });
    expect(logged.filter((line) => line.channel)).toEqual([
      expect.objectContaining({
        level: WARN,
        channel: 'teams',
        msg: 'Teams credentials are set (MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD), but the Teams channel is not available in this version yet; nothing is sent to or read from Microsoft Teams',
      }),
    ]);
  });

  it('are warned about in the operator’s language, and only for the channel configured', async () => {
    const { MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD } = CREDENTIALS;
    const logged = await startWith({ MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, SLADESK_LOCALE: 'sv' });
    expect(logged.filter((line) => line.channel).map((line) => line.channel)).toEqual(['teams']);
    expect(logged.find((line) => line.channel)!.msg).toMatch(/^Teams-uppgifter är angivna/);
  });
});
