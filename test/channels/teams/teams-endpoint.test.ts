import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TurnContext } from 'botbuilder';
import {
  BOT_FRAMEWORK_CLOUD,
  createTeamsAdapter,
  teamsAuthSettings,
} from '../../../src/channels/teams/teams-auth.ts';
import { teamsMessagesEndpoint } from '../../../src/channels/teams/teams-endpoint.ts';
import type { PlatformEndpoint } from '../../../src/http/server.ts';
import { request, useTestApi } from '../../http/support/api.ts';
import {
  BotFrameworkStandIn,
  signJwt,
  testSigningKey,
  type TestSigningKey,
} from './support/bot-framework-stand-in.ts';

const APP_ID = '8e1b2c3d-4f5a-4b6c-9d7e-0f1a2b3c4d5e';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const ISSUER = 'https://api.botframework.com';
// Azure AD's v1 issuer for Bot Framework's own tenant, one the emulator's tokens carry.
const EMULATOR_ISSUER = 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/';

const standIn = new BotFrameworkStandIn();
const turns: TurnContext['activity'][] = [];
const logged: { level: 'info' | 'error'; details: object; message: string }[] = [];
let behaviour: 'quiet' | 'throw' | 'invoke' | 'slow' = 'quiet';
/** A slow turn goes on when this is called; the answer's deadline passes when `deadlines` are. */
let goOn: () => void = () => undefined;
const deadlines: (() => void)[] = [];
let slowTurnsDone = 0;

// The endpoint exists once the stand-in listens (its URL names its port); the server reads the map per request.
const platformEndpoints = new Map<string, PlatformEndpoint>();

beforeAll(async () => {
  // Nothing reaches Microsoft: not the login servers, not the connector at serviceUrl.
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  await standIn.start();
  const adapter = createTeamsAdapter(
    { appId: APP_ID, appPassword: 'test-app-password' },
    { openIdMetadata: standIn.openIdMetadata },
  );
  platformEndpoints.set(
    '/api/messages',
    teamsMessagesEndpoint({
      adapter,
      logger: {
        info: (details, message) => logged.push({ level: 'info', details, message }),
        error: (details, message) => logged.push({ level: 'error', details, message }),
      },
      waiter: { wait: () => new Promise<void>((passed) => deadlines.push(passed)) },
      receivedText: (activity) => `received (${activity.locale})`,
      async handle(context) {
        turns.push(context.activity);
        if (behaviour === 'throw') throw new Error('database away');
        if (behaviour === 'slow') {
          await new Promise<void>((resolve) => (goOn = resolve));
          slowTurnsDone++;
          await context.sendActivity({
            type: 'invokeResponse',
            value: { status: 200, body: { statusCode: 200, value: 'too late to be seen' } },
          });
        }
        if (behaviour === 'invoke') {
          await context.sendActivity({
            type: 'invokeResponse',
            value: { status: 200, body: { statusCode: 200 } },
          });
        }
      },
    }),
  );
});

afterAll(async () => {
  await standIn.stop();
  nock.enableNetConnect();
});

beforeEach(() => {
  behaviour = 'quiet';
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The claims Bot Framework puts in a token for our bot, valid from a minute ago for an hour. */
function channelClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return {
    iss: ISSUER,
    aud: APP_ID,
    serviceurl: SERVICE_URL,
    nbf: now - 60,
    iat: now - 60,
    exp: now + 3600,
    ...overrides,
  };
}

/** A personal-chat message as Teams delivers it. */
function teamsMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: `1733${Math.floor(Math.random() * 1e9)}`,
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    serviceUrl: SERVICE_URL,
    channelId: 'msteams',
    from: { id: '29:1a-user', name: 'Anna Andersson', aadObjectId: randomUUID() },
    conversation: { conversationType: 'personal', tenantId: randomUUID(), id: 'a:1personal-chat' },
    recipient: { id: `28:${APP_ID}`, name: 'Service desk' },
    textFormat: 'plain',
    locale: 'sv-SE',
    text: 'Skrivaren fungerar inte',
    entities: [{ type: 'clientInfo', locale: 'sv-SE', country: 'SE', platform: 'Web' }],
    channelData: { tenant: { id: randomUUID() } },
    ...overrides,
  };
}

describe('the Teams /api/messages endpoint', () => {
  const api = useTestApi({ platformEndpoints });
  const post = (activity: unknown, token?: string, raw?: string) =>
    request(api().url, 'POST', '/api/messages', {
      raw: raw ?? JSON.stringify(activity),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
    });
  const channelToken = (
    claims: Record<string, unknown> = {},
    key: TestSigningKey = standIn.channelKey,
    kid?: string,
  ) => signJwt(key, channelClaims(claims), kid);

  it('a turn still at work at the deadline is answered received, and goes on to its end', async () => {
    behaviour = 'slow';
    const token = signJwt(standIn.channelKey, channelClaims());
    const invoke = teamsMessage({ type: 'invoke', name: 'adaptiveCard/action', value: { action: {} } });
    const answer = post(invoke, token);
    await expect.poll(() => deadlines.length > 0 && turns.some((t) => t.id === invoke.id)).toBe(true);
    deadlines.splice(0).forEach((pass) => pass());
    const late = await answer;
    expect(late.status).toBe(200);
    expect(late.body).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'received (sv-SE)',
    });
    expect(slowTurnsDone).toBe(0);
    goOn();
    await expect.poll(() => slowTurnsDone).toBe(1);

    // A message has nothing to show: its late answer is an empty 200.
    const message = teamsMessage();
    const answered = post(message, token);
    await expect.poll(() => deadlines.length > 0 && turns.some((t) => t.id === message.id)).toBe(true);
    deadlines.splice(0).forEach((pass) => pass());
    expect(await answered).toMatchObject({ status: 200, text: '' });
    goOn();
    await expect.poll(() => slowTurnsDone).toBe(2);
  });

  it('hands a message with a valid channel token to the handler, in a turn', async () => {
    const activity = teamsMessage();
    const answer = await post(activity, channelToken());
    expect(answer.status).toBe(200);
    const turn = turns.find((seen) => seen.id === activity.id);
    expect(turn).toMatchObject({
      type: 'message',
      channelId: 'msteams',
      text: 'Skrivaren fungerar inte',
      serviceUrl: SERVICE_URL,
      from: { id: '29:1a-user' },
      conversation: { conversationType: 'personal' },
      callerId: 'urn:botframework:azure',
    });
    expect(turn?.timestamp).toBeInstanceOf(Date);
    // The keys came from the stand-in (and nock lets nothing else out).
    expect(standIn.requests.some((path) => path.endsWith('/v1/.well-known/openidconfiguration'))).toBe(true);
    expect(standIn.requests.some((path) => path.endsWith('/v1/.well-known/keys'))).toBe(true);
  });

  it('refuses forged, expired, misdirected and missing tokens with 401, and hands none of them on', async () => {
    const before = turns.length;
    const otherKey = testSigningKey();
    const refusals: Record<string, [unknown, string | undefined, RegExp | undefined]> = {
      'signed with another key under another key id': [
        teamsMessage(),
        channelToken({}, otherKey),
        /Signing Key could not be retrieved/,
      ],
      'signed with another key under our key id': [
        teamsMessage(),
        channelToken({}, otherKey, standIn.channelKey.kid),
        /invalid signature/,
      ],
      'signed with the emulator’s key': [
        teamsMessage(),
        channelToken({}, standIn.emulatorKey),
        /Signing Key could not be retrieved/,
      ],
      'expired (past the 5-minute leeway)': [
        teamsMessage(),
        channelToken({ exp: nowSeconds() - 600, nbf: nowSeconds() - 4000, iat: nowSeconds() - 4000 }),
        /expired/,
      ],
      'not valid yet': [teamsMessage(), channelToken({ nbf: nowSeconds() + 900 }), /not active/],
      'for another app': [teamsMessage(), channelToken({ aud: randomUUID() }), /Invalid AppId/],
      'without an audience': [teamsMessage(), channelToken({ aud: undefined }), /Invalid AppId/],
      'from another issuer': [
        teamsMessage(),
        channelToken({ iss: 'https://evil.example.com' }),
        /No valid identity/,
      ],
      'for another serviceUrl': [
        teamsMessage(),
        channelToken({ serviceurl: 'https://smba.example.com/' }),
        /ServiceUrl claim/,
      ],
      'for a channel the key is not endorsed for': [
        teamsMessage({ channelId: 'slack' }),
        channelToken(),
        /endorsement/,
      ],
      'tampered after signing': [
        teamsMessage(),
        (() => {
          const [header, , signature] = channelToken().split('.');
          const payload = Buffer.from(JSON.stringify(channelClaims({ aud: randomUUID() }))).toString(
            'base64url',
          );
          return `${header}.${payload}.${signature}`;
        })(),
        /invalid signature/,
      ],
      'from the emulator for another app': [
        teamsMessage({ channelId: 'emulator' }),
        signJwt(standIn.emulatorKey, {
          ...channelClaims({ iss: EMULATOR_ISSUER, aud: 'https://api.botframework.com' }),
          ver: '1.0',
          appid: randomUUID(),
        }),
        /Invalid AppId/,
      ],
      'from another bot (a skill)': [
        teamsMessage(),
        signJwt(standIn.emulatorKey, {
          ...channelClaims({ iss: EMULATOR_ISSUER }),
          ver: '1.0',
          appid: randomUUID(),
        }),
        /Skill Claims require validation/,
      ],
      'for App Service Environment’s channel': [
        teamsMessage({ channelId: 'AseChannel' }),
        channelToken(),
        undefined,
      ],
      'not a JWT at all': [teamsMessage(), 'not-a-token', /No valid identity/],
      'without Authorization': [teamsMessage(), undefined, undefined],
    };
    for (const [what, [activity, token, reason]] of Object.entries(refusals)) {
      const told = logged.length;
      const answer = await post(activity, token);
      expect({ what, status: answer.status, body: answer.body }).toEqual({
        what,
        status: 401,
        body: { error: 'unauthorized' },
      });
      // Refused by botbuilder's check, for the reason meant (or before it, with nothing to check).
      const said = logged.slice(told).map((line) => (line.details as { reason?: string }).reason);
      if (reason) expect({ what, said }).toEqual({ what, said: [expect.stringMatching(reason)] });
      else expect({ what, said }).toEqual({ what, said: [] });
    }
    const wrongScheme = await request(api().url, 'POST', '/api/messages', {
      raw: JSON.stringify(teamsMessage()),
      headers: { 'content-type': 'application/json', authorization: `Basic ${channelToken()}` },
    });
    expect(wrongScheme.status).toBe(401);
    expect(turns.length).toBe(before);
    // The emulator's and other bots' tokens were checked against the stand-in's keys too.
    expect(
      standIn.requests.some((path) => path.endsWith('/common/v2.0/.well-known/openid-configuration')),
    ).toBe(true);
    // Refusals are told in the log, never as failures of the desk.
    expect(logged.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('answers 405 to anything but POST', async () => {
    const answer = await request(api().url, 'GET', '/api/messages');
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
  });

  it('answers 400 to a body that is not an activity, signed or not', async () => {
    const before = turns.length;
    expect((await post(undefined, channelToken(), '{not json')).status).toBe(400);
    expect((await post([teamsMessage()], channelToken())).status).toBe(400);
    expect((await post(teamsMessage({ type: undefined }), channelToken())).status).toBe(400);
    expect((await post(teamsMessage({ serviceUrl: undefined }), channelToken())).status).toBe(400);
    expect(turns.length).toBe(before);
  });

  it('answers 413 to a body past the limit', async () => {
    const answer = await post(teamsMessage({ text: 'x'.repeat(70 * 1024) }), channelToken());
    expect(answer.status).toBe(413);
  });

  it('answers an invoke with what the handler left in the turn', async () => {
    behaviour = 'invoke';
    const answer = await post(
      teamsMessage({
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute' } },
      }),
      channelToken(),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ statusCode: 200 });
  });

  it('answers 500 when the handler fails, so that the channel delivers again', async () => {
    behaviour = 'throw';
    const answer = await post(teamsMessage(), channelToken());
    expect(answer.status).toBe(500);
    expect(
      logged.some((line) => line.level === 'error' && line.message === 'handling a Teams activity failed'),
    ).toBe(true);
  });
});

describe('when the key set cannot be fetched', () => {
  const gone = new BotFrameworkStandIn();
  const unreachable = new Map<string, PlatformEndpoint>();
  const errors: object[] = [];
  let handled = 0;

  beforeAll(async () => {
    await gone.start();
    const openIdMetadata = gone.openIdMetadata;
    await gone.stop();
    unreachable.set(
      '/api/messages',
      teamsMessagesEndpoint({
        adapter: createTeamsAdapter(
          { appId: APP_ID, appPassword: 'p', tenantId: randomUUID() },
          { openIdMetadata },
        ),
        logger: { info: () => {}, error: (details) => errors.push(details) },
        waiter: { wait: () => new Promise<void>(() => undefined) },
        receivedText: () => 'received',
        async handle() {
          handled += 1;
        },
      }),
    );
  });

  const api = useTestApi({ platformEndpoints: unreachable });

  it('answers 503, not 401, and hands nothing on', async () => {
    const answer = await request(api().url, 'POST', '/api/messages', {
      raw: JSON.stringify(teamsMessage()),
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${signJwt(gone.channelKey, channelClaims())}`,
      },
    });
    expect(answer.status).toBe(503);
    expect(handled).toBe(0);
    expect(errors.length).toBe(1);
  });
});

describe('the adapter’s settings', () => {
  it('are single-tenant when a tenant is named, multi-tenant otherwise, on Bot Framework’s public cloud', () => {
    const tenantId = randomUUID();
    expect(teamsAuthSettings({ appId: APP_ID, appPassword: 'p', tenantId })).toMatchObject({
      MicrosoftAppId: APP_ID,
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: tenantId,
      ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
      ToBotFromChannelOpenIdMetadataUrl: BOT_FRAMEWORK_CLOUD.channelOpenIdMetadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: BOT_FRAMEWORK_CLOUD.emulatorOpenIdMetadataUrl,
    });
    const multi = teamsAuthSettings({ appId: APP_ID, appPassword: 'p' });
    expect(multi.MicrosoftAppType).toBe('MultiTenant');
    expect(multi).not.toHaveProperty('MicrosoftAppTenantId');
  });

  it('refuses empty credentials rather than let botbuilder switch authentication off', () => {
    expect(() => createTeamsAdapter({ appId: '', appPassword: 'p' })).toThrow(/app id/);
    expect(() => createTeamsAdapter({ appId: APP_ID, appPassword: ' ' })).toThrow(/app password/);
    expect(() => createTeamsAdapter({ appId: APP_ID, appPassword: 'p', tenantId: '' })).toThrow(/tenant/);
  });
});
