import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelBusyError, type Address } from '../../../src/app/messaging/channel.ts';
import type { OutgoingMessage } from '../../../src/app/messaging/message.ts';
import { createTeamsAdapter } from '../../../src/channels/teams/teams-auth.ts';
import { escapeCardText } from '../../../src/channels/teams/teams-card.ts';
import {
  chatThreadOf,
  teamsMessagePlace,
  teamsPlace,
  teamsRef,
  teamsThread,
  teamsThreadPlace,
  teamsTriagePlace,
} from '../../../src/channels/teams/teams-refs.ts';
import { TeamsSender, retryAfterMs } from '../../../src/channels/teams/teams-sender.ts';
import { ESCALATION_DUE, escalationMessage } from '../support/escalation-message.ts';

const locales = {
  en: JSON.parse(readFileSync('locales/en.json', 'utf8')),
  sv: JSON.parse(readFileSync('locales/sv.json', 'utf8')),
};

const APP_ID = '00000000-0000-0000-0000-0000000000a1';
const APP_PASSWORD = 'app-password-never-shown';
const ACCESS_TOKEN = 'fake-access-token-for-the-connector';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const CHANNEL = '19:triage0123456789@thread.tacv2';
const TRIAGE: Address = { kind: 'triage', target: `${SERVICE_URL}|${CHANNEL}` };
const PERSONAL = 'a:1personalChatWithAnAgent';
const person: Address = {
  kind: 'person',
  personId: 'p-1',
  identity: {
    channel: 'teams',
    externalId: 'aad-object-1',
    tenantId: 'tenant-1',
    conversation: { id: PERSONAL, serviceUrl: SERVICE_URL },
  },
};

const due = ESCALATION_DUE;
const escalation = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage =>
  escalationMessage({
    ...overrides,
    params: {
      title: 'Mail is down [click](https://evil.example) **bold** _it_ `code`',
      organisation: 'Acme & Co',
      ...overrides.params,
    },
  });

const triageCard = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage =>
  escalation({
    id: 'SD-1001:card',
    recipient: { kind: 'triage' },
    audience: 'triage',
    kind: 'card',
    key: 'triageCard',
    params: {
      ticketId: 'SD-1001',
      title: 'Printer on fire',
      organisation: 'Acme & Co',
      priority: 'P2',
      status: 'new',
      category: 'incident',
      requester: 'Anna Andersson',
      responseDue: due,
      responseLeftMs: 80 * 60_000,
      escalation: { level: 1, acknowledged: 0 },
    },
    buttons: [
      { action: 'claim', ticketId: 'SD-1001' },
      { action: 'assign', ticketId: 'SD-1001' },
      { action: 'priority', ticketId: 'SD-1001' },
    ],
    ...overrides,
  });

interface Call {
  method: string;
  /** The path as the connector reads it (percent-decoded). */
  path: string;
  auth: string | undefined;
  body: {
    type: string;
    id?: string;
    summary: string;
    attachments: { contentType: string; content: Card }[];
  };
}

interface Card {
  type: string;
  version: string;
  fallbackText: string;
  body: { type: string; text?: string; facts?: { title: string; value: string }[] }[];
  actions?: { type: string; verb: string; title: string; data: unknown }[];
}

type Answer = (call: Call) => [number, object, Record<string, string>?];

/** The connector at SERVICE_URL as the sender meets it: records each call, answers as told. */
function connector(answer: Answer) {
  const calls: Call[] = [];
  let activity = 1700000000000;
  const record = function (this: nock.ReplyFnContext, uri: string, body: nock.Body) {
    const call: Call = {
      method: this.req.method,
      path: decodeURIComponent(uri),
      auth: this.req.headers.authorization as string | undefined,
      body: body as Call['body'],
    };
    calls.push(call);
    return answer(call);
  };
  nock('https://smba.trafficmanager.net')
    .persist()
    .post(/^\/emea\/v3\/conversations\/.+\/activities$/)
    .reply(record)
    .put(/^\/emea\/v3\/conversations\/.+\/activities\/.+$/)
    .reply(record);
  const posted: Answer = () => [201, { id: String(activity++) }];
  return { calls, posted };
}

const posted: Answer = () => [201, { id: '1700000000001' }];

/** The bot's token from Azure AD, as MSAL asks for it (client credentials, Bot Framework's tenant). */
function tokenEndpoint() {
  const asked: string[] = [];
  nock('https://login.microsoftonline.com')
    .persist()
    .post('/botframework.com/oauth2/v2.0/token')
    .query(true)
    .reply((_uri, body) => {
      asked.push(String(body));
      return [
        200,
        { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: ACCESS_TOKEN },
      ];
    });
  return asked;
}

const sender = (options = {}) =>
  new TeamsSender(createTeamsAdapter({ appId: APP_ID, appPassword: APP_PASSWORD }), options);

const cardOf = (call: Call): Card => {
  expect(call.body.attachments).toHaveLength(1);
  expect(call.body.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
  return call.body.attachments[0]!.content;
};
const factsOf = (card: Card) =>
  Object.fromEntries(
    card.body.find((block) => block.type === 'FactSet')!.facts!.map((f) => [f.title, f.value]),
  );

let tokenRequests: string[] = [];
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('TeamsSender', () => {
  it('DMs a person in their kept conversation, with the bot’s token and the card as an attachment', async () => {
    tokenRequests = tokenEndpoint();
    const { calls } = connector(posted);
    const ref = await sender().post(person, escalation());
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.method).toBe('POST');
    expect(call!.path).toBe(`/emea/v3/conversations/${PERSONAL}/activities`);
    expect(call!.auth).toBe(`Bearer ${ACCESS_TOKEN}`);
    // The token was asked for as the bot, for the Bot Framework (unless an earlier test cached it).
    expect(tokenRequests).toHaveLength(1);
    for (const asked of tokenRequests) {
      const form = new URLSearchParams(asked);
      expect(form.get('client_id')).toBe(APP_ID);
      expect(form.get('grant_type')).toBe('client_credentials');
      expect(form.get('scope')).toBe('https://api.botframework.com/.default');
    }
    expect(call!.body.type).toBe('message');
    const card = cardOf(call!);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(card.actions).toEqual([
      {
        type: 'Action.Execute',
        verb: 'sladesk:acknowledge',
        title: locales.en.buttons.acknowledge,
        data: { action: 'acknowledge', ticketId: 'SD-1001', madeFor: 'level1' },
        style: 'positive',
      },
      // A desk person's own message offers the ticket at a glance.
      expect.objectContaining({
        type: 'Action.Execute',
        verb: 'sladesk_open_ticket',
        title: locales.en.teams.openTicket.button,
        data: { ticketId: 'SD-1001' },
      }),
      // A chat has no reply chains: a reply is written in the card's own box, naming its ticket.
      expect.objectContaining({
        type: 'Action.ShowCard',
        title: locales.en.teams.reply.button,
        card: expect.objectContaining({
          actions: [expect.objectContaining({ verb: 'sladesk_reply', data: { ticketId: 'SD-1001' } })],
        }),
      }),
    ]);
    expect(factsOf(card)).toMatchObject({
      [locales.en.teams.facts.ticket]: 'SD-1001',
      [locales.en.teams.facts.status]: locales.en.statuses.new,
      [locales.en.teams.facts.priority]: 'P1',
    });
    // Instants as the card's text functions, with the organisation's offset; plain words beside.
    expect(card.body[0]!.text).toContain('{{DATE(2026-11-16T11:00:00+01:00, SHORT)}}');
    expect(card.fallbackText).toContain('2026-11-16 11:00');
    expect(call!.body.summary).toContain('SD-1001');
    // One chat holds all the person's tickets: this ticket's thread is named by its first message.
    expect(ref).toEqual({
      id: `${SERVICE_URL}|${PERSONAL}|1700000000001`,
      thread: `${SERVICE_URL}|${PERSONAL}|1700000000001`,
    });
  });

  it('posts a later message of a chat thread as a reply to its first, keeping the thread', async () => {
    tokenEndpoint();
    const { calls } = connector(() => [201, { id: '1700000000777' }]);
    nock('https://smba.trafficmanager.net')
      .post(/^\/emea\/v3\/conversations\/.+\/activities\/.+$/)
      .reply(function (uri, body) {
        calls.push({
          method: 'POST',
          path: decodeURIComponent(uri),
          auth: undefined,
          body: body as Call['body'],
        });
        return [201, { id: '1700000000778' }];
      });
    const root = {
      id: `${SERVICE_URL}|${PERSONAL}|1700000000001`,
      thread: `${SERVICE_URL}|${PERSONAL}|1700000000001`,
    };
    const later = await sender().post(person, escalation(), root);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.path).toBe(`/emea/v3/conversations/${PERSONAL}/activities/1700000000001`);
    expect(calls[0]!.body).toMatchObject({ type: 'message', replyToId: '1700000000001' });
    expect(later).toEqual({ id: `${SERVICE_URL}|${PERSONAL}|1700000000778`, thread: root.thread });
  });

  it('starts the 1:1 chat itself for a person who never installed the app, in their tenant', async () => {
    tokenEndpoint();
    const created: unknown[] = [];
    nock('https://smba.trafficmanager.net')
      .post('/teams/v3/conversations')
      .reply((_uri, body) => {
        created.push(body);
        return [201, { id: 'a:1startedByTheBot', serviceUrl: 'https://smba.trafficmanager.net/emea/' }];
      });
    const { calls } = connector(posted);
    const manager: Address = {
      kind: 'person',
      personId: 'p-9',
      identity: { channel: 'teams', externalId: 'aad-object-9', tenantId: 'tenant-9' },
    };
    const ref = await sender().post(manager, escalation());
    expect(created).toEqual([
      expect.objectContaining({
        isGroup: false,
        bot: expect.objectContaining({ id: `28:${APP_ID}` }),
        members: [expect.objectContaining({ id: 'aad-object-9' })],
        tenantId: 'tenant-9',
        channelData: { tenant: { id: 'tenant-9' } },
      }),
    ]);
    expect(calls.map((c) => c.path)).toEqual(['/emea/v3/conversations/a:1startedByTheBot/activities']);
    expect(ref.thread).toBe(`${SERVICE_URL}|a:1startedByTheBot|1700000000001`);
  });

  it('posts a triage card to the channel, starting its reply chain, and updates the same activity', async () => {
    tokenEndpoint();
    const { calls, posted: numbered } = connector((call) =>
      call.method === 'PUT' ? [200, { id: call.body.id! }] : numbered(call),
    );
    const ref = await sender().post(TRIAGE, triageCard());
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.path).toBe(`/emea/v3/conversations/${CHANNEL}/activities`);
    const activityId = '1700000000000';
    expect(ref).toEqual({
      id: `${SERVICE_URL}|${CHANNEL}|${activityId}`,
      thread: `${SERVICE_URL}|${CHANNEL};messageid=${activityId}`,
    });
    const card = cardOf(calls[0]!);
    expect(factsOf(card)).toMatchObject({
      [locales.en.teams.facts.category]: locales.en.categories.incident,
      [locales.en.teams.facts.requester]: 'Anna Andersson',
    });
    const facts = factsOf(card);
    expect(facts[locales.en.teams.facts.sla]).toContain('{{TIME(2026-11-16T11:00:00+01:00)}}');
    expect(facts[locales.en.teams.facts.sla]).toContain('1 h 20 min');
    expect(facts[locales.en.teams.facts.escalation]).toBe(
      locales.en.teams.escalation.waiting.replace('{level}', '1'),
    );
    // Assign and Priority are actions too: the listener asks whom and which.
    expect(card.actions!.map((action) => [action.type, action.verb])).toEqual([
      ['Action.Execute', 'sladesk:claim'],
      ['Action.Execute', 'sladesk:assign'],
      ['Action.Execute', 'sladesk:priority'],
    ]);
    expect(card.actions![1]!.data).toEqual({ action: 'assign', ticketId: 'SD-1001' });

    await sender().update(
      ref,
      triageCard({ ticketVersion: 4, buttons: [], params: { ...triageCard().params, status: 'claimed' } }),
    );
    expect(calls).toHaveLength(2);
    expect(calls[1]!.method).toBe('PUT');
    expect(calls[1]!.path).toBe(`/emea/v3/conversations/${CHANNEL}/activities/${activityId}`);
    expect(calls[1]!.auth).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(calls[1]!.body.id).toBe(activityId);
    const updated = cardOf(calls[1]!);
    expect(updated.actions).toBeUndefined();
    expect(factsOf(updated)[locales.en.teams.facts.status]).toBe(locales.en.statuses.claimed);
  });

  it('replies in a card’s thread by posting to the reply chain’s conversation', async () => {
    tokenEndpoint();
    const { calls } = connector(() => [201, { id: '1700000000999' }]);
    const root = teamsRef(
      { serviceUrl: SERVICE_URL, conversationId: CHANNEL, activityId: '1700000000000' },
      'replyChain',
    );
    const reply = await sender().post(TRIAGE, escalation({ audience: 'triage' }), root);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.path).toBe(`/emea/v3/conversations/${CHANNEL};messageid=1700000000000/activities`);
    expect(reply).toEqual({
      id: `${SERVICE_URL}|${CHANNEL};messageid=1700000000000|1700000000999`,
      thread: root.thread,
    });
  });

  it('a 429 is one call, handed back with Teams’ Retry-After', async () => {
    tokenEndpoint();
    const { calls } = connector(() => [
      429,
      { error: { code: 'ThrottledRequest', message: 'slow down' } },
      { 'Retry-After': '7' },
    ]);
    const busy = await sender()
      .post(TRIAGE, triageCard())
      .catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(ChannelBusyError);
    expect((busy as ChannelBusyError).retryAfterMs).toBe(7000);
    expect(calls).toHaveLength(1);
  });

  it('a 5xx throws after one call, naming the status and never a secret', async () => {
    tokenEndpoint();
    const { calls } = connector(() => [
      503,
      { error: { code: 'ServiceError', message: 'the connector is down' } },
    ]);
    const error = (await sender()
      .post(person, escalation())
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ChannelBusyError);
    expect(error.message).toContain('503');
    expect(calls).toHaveLength(1);
    const shown = JSON.stringify(error) + error.message + String(error.stack) + String(error.cause);
    expect(shown).not.toContain(APP_PASSWORD);
    expect(shown).not.toContain(ACCESS_TOKEN);
  });

  it('a token the bot cannot get throws after one request, naming no secret, and posts nothing', async () => {
    let asked = 0;
    nock('https://login.microsoftonline.com')
      .persist()
      .post('/botframework.com/oauth2/v2.0/token')
      .query(true)
      .reply(() => {
        asked++;
        return [500, { error: 'server_error', error_description: 'AADSTS50000: the token service failed' }];
      });
    const { calls } = connector(posted);
    // Another app id: botframework-connector caches tokens process-wide by app id and scope.
    const otherApp = new TeamsSender(
      createTeamsAdapter({ appId: '00000000-0000-0000-0000-0000000000b2', appPassword: APP_PASSWORD }),
    );
    const error = (await otherApp.post(person, escalation()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ChannelBusyError);
    expect(asked).toBe(1);
    expect(calls).toHaveLength(0);
    const shown = JSON.stringify(error) + error.message + String(error.stack) + String(error.cause);
    expect(shown).not.toContain(APP_PASSWORD);
  });

  it('gives up on a connector that does not answer in time', async () => {
    tokenEndpoint();
    nock('https://smba.trafficmanager.net')
      .post(/activities$/)
      .delay(2_000)
      .reply(201, { id: '1' });
    const started = Date.now();
    await expect(sender({ timeoutMs: 200 }).post(TRIAGE, triageCard())).rejects.toThrow(/gave up/);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('shows a title with a link and bold as text: nothing links or formats', async () => {
    tokenEndpoint();
    const { calls } = connector(posted);
    await sender().post(person, escalation());
    const card = cardOf(calls[0]!);
    const text = card.body[0]!.text!;
    expect(text).not.toContain('[click](');
    expect(text).not.toContain('**bold**');
    expect(text).toContain('\\[click\\]\\(https://evil.example\\)');
    expect(text).toContain('\\*\\*bold\\*\\*');
    expect(text).toContain('\\_it\\_');
    expect(text).toContain('\\`code\\`');
    // Every TextBlock and fact is plain text: nothing the card would read as HTML either.
    expect(JSON.stringify(card)).not.toContain('<');
  });

  it('speaks the reader’s language: Swedish labels for a Swedish reader', async () => {
    tokenEndpoint();
    const { calls } = connector(posted);
    await sender().post(TRIAGE, triageCard({ locale: 'sv' }));
    const card = cardOf(calls[0]!);
    expect(card.actions!.map((action) => action.title)).toEqual([
      locales.sv.buttons.claim,
      locales.sv.buttons.assign,
      locales.sv.buttons.priority,
    ]);
    expect(locales.sv.buttons.claim).not.toBe(locales.en.buttons.claim);
    expect(factsOf(card)).toMatchObject({
      [locales.sv.teams.facts.status]: locales.sv.statuses.new,
      [locales.sv.teams.facts.category]: locales.sv.categories.incident,
      [locales.sv.teams.facts.requester]: 'Anna Andersson',
    });
    expect(locales.sv.teams.facts.requester).not.toBe(locales.en.teams.facts.requester);
  });

  it('refuses a person it has no chat or tenant for, and addresses Teams cannot reach', async () => {
    connector(posted);
    const stranger: Address = {
      kind: 'person',
      personId: 'p-2',
      identity: { channel: 'teams', externalId: 'aad-object-2' },
    };
    // With no tenant of theirs nor the desk's, there is nowhere to start a chat.
    await expect(sender().post(stranger, escalation())).rejects.toThrow(
      /no chat with person p-2 .*\(MICROSOFT_APP_TENANT_ID\)/,
    );
    await expect(
      sender().post(
        { kind: 'person', personId: 'p-3', identity: { channel: 'slack', externalId: 'U1' } },
        escalation(),
      ),
    ).rejects.toThrow(/cannot reach/);
    await expect(sender().post({ kind: 'triage', target: CHANNEL }, triageCard())).rejects.toThrow(/Teams/);
  });
});

describe('Teams references', () => {
  it('round-trip: a message id names its connector, conversation and activity', () => {
    const ref = teamsRef(
      { serviceUrl: 'https://smba.trafficmanager.net/emea', conversationId: CHANNEL, activityId: '17' },
      'replyChain',
    );
    expect(ref).toEqual({
      id: `${SERVICE_URL}|${CHANNEL}|17`,
      thread: `${SERVICE_URL}|${CHANNEL};messageid=17`,
    });
    expect(teamsMessagePlace(ref.id)).toEqual({
      serviceUrl: SERVICE_URL,
      conversationId: CHANNEL,
      activityId: '17',
    });
    expect(teamsPlace(ref.thread)).toEqual({
      serviceUrl: SERVICE_URL,
      conversationId: `${CHANNEL};messageid=17`,
    });
  });

  it('a chat thread is named by its first message, and its place is the chat and that message', () => {
    const root = teamsRef(
      { serviceUrl: SERVICE_URL, conversationId: PERSONAL, activityId: '5' },
      'chatThread',
    );
    expect(root).toEqual({ id: `${SERVICE_URL}|${PERSONAL}|5`, thread: `${SERVICE_URL}|${PERSONAL}|5` });
    expect(teamsThreadPlace(root.thread)).toEqual({
      serviceUrl: SERVICE_URL,
      conversationId: PERSONAL,
      replyToId: '5',
    });
    expect(teamsThreadPlace(`${SERVICE_URL}|${CHANNEL};messageid=17`)).toEqual({
      serviceUrl: SERVICE_URL,
      conversationId: `${CHANNEL};messageid=17`,
    });
    expect(() => teamsThreadPlace(`${SERVICE_URL}|a|b|c`)).toThrow(/not a Teams/);
    expect(() => teamsMessagePlace(`${SERVICE_URL}||5`)).toThrow(/not a Teams/);
  });

  it('a conversation id with a `|` in it (the Bot Framework Emulator’s `<id>|livechat`) round-trips', () => {
    const chat = '8a684db0-555b-11ee-8f4a-1b5a8b3c2a52|livechat';
    const root = teamsRef({ serviceUrl: SERVICE_URL, conversationId: chat, activityId: '5' }, 'chatThread');
    expect(teamsMessagePlace(root.id)).toEqual({
      serviceUrl: SERVICE_URL,
      conversationId: chat,
      activityId: '5',
    });
    expect(teamsThreadPlace(root.thread)).toEqual({
      serviceUrl: SERVICE_URL,
      conversationId: chat,
      replyToId: '5',
    });
    expect(chatThreadOf(SERVICE_URL, chat, '5')).toBe(root.thread);
    const post = teamsRef({ serviceUrl: SERVICE_URL, conversationId: chat, activityId: '6' }, 'replyChain');
    expect(teamsPlace(post.thread)).toEqual({
      serviceUrl: SERVICE_URL,
      conversationId: `${chat};messageid=6`,
    });
    expect(teamsThread(SERVICE_URL, `${chat};messageid=6`)).toBe(post.thread);
    // References without one read as they always did.
    expect(teamsMessagePlace(`${SERVICE_URL}|${PERSONAL}|5`).conversationId).toBe(PERSONAL);
  });

  it('the triage target is a channel, not one reply chain', () => {
    expect(teamsTriagePlace(` ${SERVICE_URL}|${CHANNEL} `)).toEqual({
      serviceUrl: SERVICE_URL,
      conversationId: CHANNEL,
    });
    expect(() => teamsTriagePlace(`${SERVICE_URL}|${CHANNEL};messageid=1`)).toThrow(/reply chain/);
    expect(() => teamsTriagePlace(CHANNEL)).toThrow(/not a Teams/);
  });

  it('Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs('Mon, 16 Nov 2026 10:00:10 GMT', due.getTime())).toBe(10_000);
  });

  it('escapes markdown at line starts too', () => {
    expect(escapeCardText('- item\n1. first\n# head\n> quote')).toBe(
      '\\- item\n1\\. first\n\\# head\n\\> quote',
    );
    expect(escapeCardText('{{DATE(2026-01-01T00:00:00Z)}}')).not.toContain('{{');
  });
});
