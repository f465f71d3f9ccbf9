import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import type { DeskDeps } from '../../../../src/app/desk-deps.ts';
import type { Waiter } from '../../../../src/app/ports.ts';
import { linkIdentity } from '../../../../src/app/directory.ts';
import { setTriagePlace } from '../../../../src/app/messaging/messaging-admin.ts';
import { openTicket } from '../../../../src/app/open-ticket.ts';
import type { Person } from '../../../../src/domain/desk/people.ts';
import type { Ticket } from '../../../../src/domain/tickets/ticket.ts';
import { createTeamsAdapter, type TeamsAdapter } from '../../../../src/channels/teams/teams-auth.ts';
import { teamsHandler } from '../../../../src/channels/teams/teams-bot.ts';
import type { TeamsContext, TeamsListener } from '../../../../src/channels/teams/teams-context.ts';
import { teamsMessagesEndpoint } from '../../../../src/channels/teams/teams-endpoint.ts';
import { TeamsSender } from '../../../../src/channels/teams/teams-sender.ts';
import { TeamsUsers } from '../../../../src/channels/teams/teams-users.ts';
import type { PlatformEndpoint } from '../../../../src/http/server.ts';
import { request, useTestApi, type Answer, type TestApi } from '../../../http/support/api.ts';
import type { SeededCustomer } from '../../../support/test-desk.ts';
import { BotFrameworkStandIn, signJwt } from './bot-framework-stand-in.ts';

export const APP_ID = '5d1c0f3e-7a2b-4c8d-9e0f-1a2b3c4d5e6f';
export const APP_PASSWORD = 'harness-app-password';
/** The bot's own token, as the token endpoint hands it out. */
export const BOT_TOKEN = 'harness-bot-access-token';
export const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const BOT_ID = `28:${APP_ID}`;
/** The triage channel, and the desk's `teams` triage place naming it. */
export const TRIAGE_CHANNEL = '19:harness-triage@thread.tacv2';
export const TRIAGE_PLACE = `${SERVICE_URL}|${TRIAGE_CHANNEL}`;
export const TEAM_ID = '19:harness-team@thread.tacv2';

const CONNECTOR_HOST = 'https://smba.trafficmanager.net';
const CONNECTOR_BASE = '/emea';

/** One call the bot made to the connector at SERVICE_URL. */
export interface ConnectorCall {
  method: string;
  /** The path below the service URL, percent-decoded: `/v3/conversations/<id>/activities`. */
  path: string;
  authorization: string | undefined;
  // Whatever JSON the bot sent: tests look into it freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** The activity id the connector gave a posted activity. */
  answeredId?: string;
  /** The status the connector failed the call with (failNext), when it did. */
  failedWith?: number;
}

/** A Teams user, as the connector's member lookup (`TeamsInfo.getMember`) tells of them. */
export interface TeamsMember {
  /** The Bot Framework user id, `29:…`. */
  id: string;
  aadObjectId: string;
  name?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
  /** `user` unless told: `guest` for another organisation's account, `anonymous` for a meeting's. */
  userRole?: string;
}

export type Activity = Record<string, unknown>;

/** A message a message action is chosen on, as its payload names it. */
export interface MessageInChannel {
  /** Its activity id. */
  id: string;
  /** Its body, as Teams gives it: HTML. */
  html: string;
  /** The channel it is in; without one, the member's personal chat. */
  channel?: string;
  /** The first message of its reply chain: the message itself for a post. */
  rootActivityId?: string;
  /** Who wrote it, as the payload says. */
  from?: TeamsMember;
}

export interface TeamsHarness {
  api: TestApi;
  /** The desk's services, delivering on Teams (the intercepted connector). */
  deps: DeskDeps;
  context: TeamsContext;
  standIn: BotFrameworkStandIn;
  /** Every connector call, in order (member lookups included). */
  calls: ConnectorCall[];
  /** What the listeners and the endpoint logged. */
  logged: { level: 'info' | 'error'; details: object; message: string }[];
  /** A user the connector knows; a lookup of anyone else is answered 404. */
  addMember(member: Partial<TeamsMember> & { aadObjectId?: string }): TeamsMember;
  /**
   * A person of the desk as a Teams user: a member the connector knows, linked by Entra id; with
   * `chat`, also the personal chat the app was installed in (to message them).
   */
  inTeams(person: Person, options?: { chat?: boolean }): Promise<TeamsMember>;
  /** Posts `activity` to `/api/messages` with a channel token signed now, as the channel signs it. */
  send(activity: Activity, options?: { token?: string }): Promise<Answer>;
  /** The personal (1:1) conversation of a member with the bot. */
  personalConversation(member: TeamsMember): string;
  /** A message in the member's personal chat with the bot. */
  personalMessage(member: TeamsMember, text: string, overrides?: Activity): Activity;
  /** A message in a team channel: a new post, or a reply in the chain under `rootActivityId`. */
  channelMessage(
    member: TeamsMember,
    text: string,
    where?: { channel?: string; rootActivityId?: string },
    overrides?: Activity,
  ): Activity;
  /**
   * A new post in a team channel as Teams delivers it: its conversation is the reply chain it
   * starts, `<channel>;messageid=<its own activity id>`.
   */
  channelPost(
    member: TeamsMember,
    text: string,
    where?: { channel?: string },
    overrides?: Activity,
  ): Activity;
  /**
   * A message action (composeExtension, context message) chosen on `message`, as Teams invokes it:
   * `composeExtension/fetchTask` for the dialog, `composeExtension/submitAction` with the dialog's
   * `data`. The invoke comes in the message's conversation: in a channel, the reply chain under
   * `message.rootActivityId` (the message's own id for a post); elsewhere the member's chat.
   */
  messageAction(
    member: TeamsMember,
    invoke: 'fetchTask' | 'submitAction',
    commandId: string,
    message: MessageInChannel,
    data?: unknown,
    overrides?: Activity,
  ): Activity;
  /** An Adaptive Card's Action.Execute, as Teams invokes it (`adaptiveCard/action`). */
  cardAction(
    member: TeamsMember,
    action: { verb: string; data: unknown },
    where?: { conversationId?: string; replyToId?: string },
    overrides?: Activity,
  ): Activity;
  /** The app installed (or removed) for the member, in their personal chat. */
  installationUpdate(member: TeamsMember, action?: string, overrides?: Activity): Activity;
  /** The bot added to the member's personal chat (`membersAdded` naming the bot). */
  botAdded(member: TeamsMember, overrides?: Activity): Activity;
  /** Activities the bot posted (POST …/activities) to a conversation. */
  postedTo(conversationId: string): ConnectorCall[];
  /**
   * The connector's next `times` posts and updates of activities (in conversations whose id
   * starts with `conversation`, when given) are answered `status` (a 429 with Retry-After
   * `retryAfterSeconds`), as Teams answers when it throttles or fails.
   */
  failNext(
    status: number,
    options?: { times?: number; retryAfterSeconds?: number; conversation?: string },
  ): void;
  /** A ticket opened by the customer's contact, and its card as the sender posted it to triage. */
  ticketWithCard(customer: SeededCustomer, title: string): Promise<{ ticket: Ticket; card: ConnectorCall }>;
  /** An Action.Execute on the triage card `card` (posted to TRIAGE_CHANNEL), as Teams invokes it. */
  onCard(
    member: TeamsMember,
    card: ConnectorCall,
    action: { verb: string; data: unknown },
    overrides?: Activity,
  ): Activity;
}

/**
 * The desk with its Teams bot: the test desk's database and clock delivering on a TeamsSender,
 * `/api/messages` as teamsMessagesEndpoint running `listeners`, incoming tokens signed by the
 * BotFrameworkStandIn's keys, and the bot's token endpoint and the connector at SERVICE_URL
 * intercepted by nock, every connector call recorded. The desk's `teams` triage place is
 * TRIAGE_PLACE. Nothing leaves the machine but for 127.0.0.1.
 */
/** A waiter whose waits never end: no turn in the tests is answered late unless a test says so. */
export const NEVER: Waiter = { wait: () => new Promise<void>(() => undefined) };

export function useTeamsDesk(
  options: {
    listeners?: readonly TeamsListener[];
    waiter?: Waiter;
    /** A single-tenant bot's tenant. */
    tenantId?: string;
  } = {},
): () => TeamsHarness {
  let endpoint: PlatformEndpoint | undefined;
  const api = useTestApi({
    platformEndpoints: new Map([['/api/messages', (req, res) => endpoint!(req, res)]]),
  });
  const standIn = new BotFrameworkStandIn();
  const calls: ConnectorCall[] = [];
  const members = new Map<string, TeamsMember>();
  const logged: TeamsHarness['logged'] = [];
  let harness: TeamsHarness | undefined;
  let nextActivity = 1_800_000_000_000;
  const failures: { status: number; retryAfterSeconds?: number; conversation?: string }[] = [];
  /** The failure the connector answers this call with, when one was asked for. */
  const failure = (path: string): [number, object, Record<string, string>] | undefined => {
    const at = failures.findIndex(
      (f) => f.conversation === undefined || path.startsWith(`/v3/conversations/${f.conversation}`),
    );
    if (at < 0) return undefined;
    const [next] = failures.splice(at, 1) as [(typeof failures)[number]];
    const headers: Record<string, string> =
      next.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(next.retryAfterSeconds) };
    const code = next.status === 429 ? 'ThrottledRequest' : 'ServiceError';
    return [next.status, { error: { code, message: `the connector answered ${next.status}` } }, headers];
  };

  const logger = {
    info: (details: object, message: string) => logged.push({ level: 'info', details, message }),
    error: (details: object, message: string) => logged.push({ level: 'error', details, message }),
  };

  function interceptConnector(): void {
    const record = (method: string, uri: string, body: unknown, authorization: string | undefined) => {
      const path = decodeURIComponent(uri).slice(CONNECTOR_BASE.length);
      const call: ConnectorCall = { method, path, authorization, body: body === '' ? undefined : body };
      calls.push(call);
      return call;
    };
    const member = /^\/v3\/conversations\/[^/]+\/members\/([^/?]+)$/;
    nock(CONNECTOR_HOST)
      .persist()
      .get(/^\/emea\/v3\//)
      .reply(function (uri) {
        const call = record('GET', uri, undefined, this.req.headers.authorization as string | undefined);
        const userId = member.exec(call.path)?.[1];
        const known = userId ? members.get(userId) : undefined;
        if (!known) return [404, { error: { code: 'MemberNotFoundInConversation', message: 'not found' } }];
        return [200, { userRole: 'user', ...known, tenantId: known.tenantId ?? TENANT }];
      })
      .post(/^\/emea\/v3\//)
      .reply(function (uri, body) {
        const call = record('POST', uri, body, this.req.headers.authorization as string | undefined);
        const failed = failure(call.path);
        if (failed) {
          call.failedWith = failed[0];
          return failed;
        }
        call.answeredId = String(nextActivity++);
        return [201, { id: call.answeredId }];
      })
      .put(/^\/emea\/v3\//)
      .reply(function (uri, body) {
        const call = record('PUT', uri, body, this.req.headers.authorization as string | undefined);
        const failed = failure(call.path);
        if (failed) {
          call.failedWith = failed[0];
          return failed;
        }
        return [200, { id: (body as { id?: string })?.id ?? call.path.split('/').pop() }];
      })
      .delete(/^\/emea\/v3\//)
      .reply(function (uri) {
        record('DELETE', uri, undefined, this.req.headers.authorization as string | undefined);
        return [200, {}];
      });
  }

  function interceptTokenEndpoint(): void {
    nock('https://login.microsoftonline.com')
      .persist()
      .post('/botframework.com/oauth2/v2.0/token')
      .query(true)
      .reply(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: BOT_TOKEN });
  }

  beforeAll(async () => {
    // Nothing reaches Microsoft: not the login servers, not the connector at serviceUrl.
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    interceptTokenEndpoint();
    interceptConnector();
    await standIn.start();
    const adapter: TeamsAdapter = createTeamsAdapter(
      { appId: APP_ID, appPassword: APP_PASSWORD },
      { openIdMetadata: standIn.openIdMetadata },
    );
    const { desk } = api();
    const deps = desk.deliveringOn([new TeamsSender(adapter)]);
    await setTriagePlace(deps, 'teams', TRIAGE_PLACE);
    const context: TeamsContext = {
      deps,
      users: new TeamsUsers(desk.clock, options.tenantId ? { tenantId: options.tenantId } : {}),
      locale: 'en',
      logger,
    };
    endpoint = teamsMessagesEndpoint({
      adapter,
      handle: teamsHandler(context, options.listeners ?? []),
      logger,
      waiter: options.waiter ?? NEVER,
      receivedText: () => 'received, still at work',
    });

    const personalConversation = (member: TeamsMember) => `a:1personal-${member.aadObjectId}`;
    const base = (member: TeamsMember, conversation: Activity, overrides: Activity): Activity => ({
      id: String(nextActivity++),
      timestamp: new Date().toISOString(),
      localTimestamp: new Date().toISOString(),
      serviceUrl: SERVICE_URL,
      channelId: 'msteams',
      from: { id: member.id, name: member.name ?? 'Teams user', aadObjectId: member.aadObjectId },
      conversation: { tenantId: member.tenantId ?? TENANT, ...conversation },
      recipient: { id: BOT_ID, name: 'Service desk' },
      locale: 'en-GB',
      entities: [{ type: 'clientInfo', locale: 'en-GB', country: 'GB', platform: 'Web' }],
      channelData: { tenant: { id: member.tenantId ?? TENANT } },
      ...overrides,
    });
    const personal = (member: TeamsMember) => ({
      conversationType: 'personal',
      id: personalConversation(member),
    });

    harness = {
      api: api(),
      deps,
      context,
      standIn,
      calls,
      logged,
      async inTeams(person, inOptions = {}) {
        const member = harness!.addMember({ name: person.name });
        await linkIdentity(deps, person.id, {
          channel: 'teams',
          externalId: member.aadObjectId,
          tenantId: TENANT,
          ...(inOptions.chat
            ? { conversation: { id: personalConversation(member), serviceUrl: SERVICE_URL } }
            : {}),
        });
        return member;
      },
      addMember(given) {
        const aadObjectId = given.aadObjectId ?? randomUUID();
        const member: TeamsMember = { id: given.id ?? `29:1${aadObjectId}`, aadObjectId, ...given };
        members.set(member.id, member);
        return member;
      },
      async send(activity, sendOptions = {}) {
        const now = Math.floor(Date.now() / 1000);
        const token =
          sendOptions.token ??
          signJwt(standIn.channelKey, {
            iss: 'https://api.botframework.com',
            aud: APP_ID,
            serviceurl: activity.serviceUrl ?? SERVICE_URL,
            nbf: now - 60,
            iat: now - 60,
            exp: now + 3600,
          });
        return request(api().url, 'POST', '/api/messages', {
          raw: JSON.stringify(activity),
          headers: {
            'content-type': 'application/json; charset=utf-8',
            authorization: `Bearer ${token}`,
          },
        });
      },
      personalConversation,
      personalMessage: (member, text, overrides = {}) =>
        base(member, personal(member), { type: 'message', textFormat: 'plain', text, ...overrides }),
      channelMessage: (member, text, where = {}, overrides = {}) => {
        const channel = where.channel ?? TRIAGE_CHANNEL;
        const id = where.rootActivityId ? `${channel};messageid=${where.rootActivityId}` : channel;
        return base(
          member,
          { conversationType: 'channel', isGroup: true, id },
          {
            type: 'message',
            textFormat: 'plain',
            text,
            channelData: {
              tenant: { id: member.tenantId ?? TENANT },
              team: { id: TEAM_ID },
              channel: { id: channel },
            },
            ...(where.rootActivityId ? { replyToId: where.rootActivityId } : {}),
            ...overrides,
          },
        );
      },
      channelPost: (member, text, where = {}, overrides = {}) => {
        const id = String(nextActivity++);
        const channel = where.channel ?? TRIAGE_CHANNEL;
        return harness!.channelMessage(
          member,
          text,
          { channel },
          {
            id,
            conversation: {
              tenantId: member.tenantId ?? TENANT,
              conversationType: 'channel',
              isGroup: true,
              id: `${channel};messageid=${id}`,
            },
            ...overrides,
          },
        );
      },
      messageAction: (member, invoke, commandId, message, data, overrides = {}) => {
        const root = message.rootActivityId ?? message.id;
        const conversation = message.channel
          ? { conversationType: 'channel', isGroup: true, id: `${message.channel};messageid=${root}` }
          : personal(member);
        const writer = message.from ?? member;
        return base(member, conversation, {
          type: 'invoke',
          name: `composeExtension/${invoke}`,
          value: {
            commandId,
            commandContext: 'message',
            requestId: randomUUID().replace(/-/g, ''),
            messagePayload: {
              id: message.id,
              replyToId: message.channel && root !== message.id ? root : null,
              createdDateTime: new Date().toISOString(),
              importance: 'normal',
              locale: 'en-us',
              linkToMessage: `https://teams.microsoft.com/l/message/${message.channel ?? 'chat'}/${message.id}`,
              body: { contentType: 'html', content: message.html },
              from: {
                user: {
                  userIdentityType: 'aadUser',
                  id: writer.aadObjectId,
                  displayName: writer.name ?? 'Teams user',
                },
              },
              attachments: [],
            },
            context: { theme: 'default' },
            ...(data === undefined ? {} : { data }),
          },
          channelData: {
            tenant: { id: member.tenantId ?? TENANT },
            source: { name: 'message' },
            ...(message.channel ? { team: { id: TEAM_ID }, channel: { id: message.channel } } : {}),
          },
          ...overrides,
        });
      },
      cardAction: (member, action, where = {}, overrides = {}) => {
        const conversationId = where.conversationId ?? personalConversation(member);
        const inChannel = conversationId.includes('@thread');
        return base(
          member,
          inChannel ? { conversationType: 'channel', isGroup: true, id: conversationId } : personal(member),
          {
            type: 'invoke',
            name: 'adaptiveCard/action',
            value: {
              action: { type: 'Action.Execute', id: randomUUID(), verb: action.verb, data: action.data },
              trigger: 'manual',
            },
            ...(where.replyToId ? { replyToId: where.replyToId } : {}),
            ...(inChannel
              ? {
                  channelData: {
                    tenant: { id: member.tenantId ?? TENANT },
                    team: { id: TEAM_ID },
                    channel: { id: conversationId.split(';')[0] },
                  },
                }
              : {}),
            ...overrides,
          },
        );
      },
      installationUpdate: (member, action = 'add', overrides = {}) =>
        base(member, personal(member), {
          type: 'installationUpdate',
          action,
          channelData: { tenant: { id: member.tenantId ?? TENANT }, source: { name: 'personal' } },
          ...overrides,
        }),
      botAdded: (member, overrides = {}) =>
        base(member, personal(member), {
          type: 'conversationUpdate',
          membersAdded: [{ id: BOT_ID }],
          ...overrides,
        }),
      failNext: (status, { times = 1, ...where } = {}) => {
        for (let i = 0; i < times; i++) failures.push({ status, ...where });
      },
      postedTo: (conversationId) =>
        calls.filter(
          (call) =>
            call.method === 'POST' && call.path.startsWith(`/v3/conversations/${conversationId}/activities`),
        ),
      async ticketWithCard(customer, title) {
        const ticket = await openTicket(deps, customer.contact.id, {
          organisationId: customer.organisation.id,
          requesterId: customer.contact.id,
          source: 'api',
          category: 'incident',
          title,
          description: 'from the Teams harness',
        });
        const card = harness!
          .postedTo(TRIAGE_CHANNEL)
          .find((call) =>
            (cardOf(call).actions ?? []).some(
              (action: { data?: { ticketId?: string } }) => action.data?.ticketId === ticket.id,
            ),
          );
        if (!card) throw new Error(`no triage card was posted for ${ticket.id}`);
        return { ticket, card };
      },
      onCard: (member, card, action, overrides = {}) =>
        harness!.cardAction(
          member,
          action,
          { conversationId: TRIAGE_CHANNEL, replyToId: card.answeredId! },
          overrides,
        ),
    };
  });

  afterAll(async () => {
    await standIn.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  return () => {
    if (!harness) throw new Error('the Teams desk is built in beforeAll');
    return harness;
  };
}

/** The Adaptive Card a recorded activity carried (its one attachment). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function cardOf(call: ConnectorCall): any {
  const attachment = call.body?.attachments?.[0];
  if (attachment?.contentType !== 'application/vnd.microsoft.card.adaptive') {
    throw new Error(`the activity at ${call.path} carries no Adaptive Card`);
  }
  return attachment.content;
}

/** The card's Action.Execute with `verb`, as the bot sent it. */
export function executeAction(call: ConnectorCall, verb: string): { verb: string; data: unknown } {
  const action = (cardOf(call).actions ?? []).find(
    (candidate: { type?: string; verb?: string }) =>
      candidate.type === 'Action.Execute' && candidate.verb === verb,
  );
  if (!action) throw new Error(`the card at ${call.path} has no ${verb}`);
  return { verb: action.verb, data: action.data };
}
