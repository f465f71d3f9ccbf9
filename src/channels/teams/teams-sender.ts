import {
  ChannelBusyError,
  type Address,
  type ChannelSender,
  type MessageRef,
} from '../../app/messaging/channel.ts';
import type { OutgoingMessage } from '../../app/messaging/message.ts';
import type { TeamsAdapter, TeamsConnector } from './teams-auth.ts';
import { teamsContent } from './teams-card.ts';
import {
  normalServiceUrl,
  teamsMessagePlace,
  teamsRef,
  teamsThreadPlace,
  teamsTriagePlace,
  type TeamsPlace,
  type TeamsThreadPlace,
} from './teams-refs.ts';

/** How long one send may take, the bot's token included, before it gives up (well inside the lease). */
export const TEAMS_SEND_TIMEOUT_MS = 10_000;

/** The wait a 429 without a readable Retry-After asks for. */
const DEFAULT_RETRY_AFTER_MS = 1_000;

/** Teams' global connector, for a chat the bot starts before any activity named its region's. */
export const TEAMS_GLOBAL_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

export interface TeamsSenderOptions {
  /** Give up on a send after this long (10 s unless told otherwise). */
  timeoutMs?: number;
  /** Where to start a chat nobody installed the app in (Teams' global connector unless told). */
  serviceUrl?: string;
  /** The tenant to start such a chat in, for a person whose identity names none (single-tenant). */
  tenantId?: string;
}

/**
 * A connector call that failed with an answer: the HTTP status and Bot Framework's error code,
 * and never the request (whose Authorization header carries the bot's token).
 */
export class TeamsConnectorError extends Error {
  override name = 'TeamsConnectorError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/**
 * Teams' sending side, through the Bot Framework connector at each conversation's `serviceUrl`:
 * `POST /v3/conversations/<id>/activities` to post (a reply in a channel's reply chain is posted
 * to the chain's conversation, `<channel>;messageid=<root>`), `PUT …/activities/<activityId>` to
 * update a card in place. A person is reached in the 1:1 conversation kept when the app was
 * installed for them (`identity.conversation`); the triage place is the settings' target,
 * `<serviceUrl>|<channel conversation id>` (teams-refs.ts). One HTTP attempt per call (the
 * adapter's connector retries nothing): a 429 is handed back as ChannelBusyError with Teams'
 * Retry-After, anything else that fails throws for the outbox to retry, and a send gives up after
 * `timeoutMs`.
 */
export class TeamsSender implements ChannelSender {
  readonly name = 'teams';
  readonly reach = 'identities' as const;
  private readonly timeoutMs: number;
  private readonly serviceUrl: string;
  private readonly tenantId: string | undefined;

  constructor(
    private readonly adapter: Pick<TeamsAdapter, 'connector' | 'appId'>,
    options: TeamsSenderOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? TEAMS_SEND_TIMEOUT_MS;
    this.serviceUrl = normalServiceUrl(options.serviceUrl ?? TEAMS_GLOBAL_SERVICE_URL);
    this.tenantId = options.tenantId;
  }

  async post(address: Address, message: OutgoingMessage, thread?: MessageRef): Promise<MessageRef> {
    const where: TeamsThreadPlace = thread ? teamsThreadPlace(thread.thread) : await this.placeOf(address);
    const { replyToId, ...place } = where;
    // A person's own messages are in their chat with the bot, unless they started in a channel's
    // reply chain (a ticket opened in a customer channel), which has no replyToId.
    const inChat = thread ? replyToId !== undefined : address.kind === 'person';
    const activity = {
      type: 'message',
      ...teamsContent(message, { replyBox: inChat }),
      ...(replyToId ? { replyToId } : {}),
    };
    const answer = await this.call('post', place, (connector, options) =>
      replyToId
        ? connector.conversations.replyToActivity(place.conversationId, replyToId, activity, options)
        : connector.conversations.sendToConversation(place.conversationId, activity, options),
    );
    if (!answer.id) throw new Error('Teams accepted the message but named no activity id for it');
    const posted = { ...place, activityId: answer.id };
    // A first post in the triage channel starts the ticket's reply chain, in a chat its thread.
    return teamsRef(posted, thread ? { in: thread.thread } : inChat ? 'chatThread' : 'replyChain');
  }

  async update(ref: MessageRef, message: OutgoingMessage): Promise<void> {
    const place = teamsMessagePlace(ref.id);
    const activity = {
      type: 'message',
      id: place.activityId,
      ...teamsContent(message, { replyBox: teamsThreadPlace(ref.thread).replyToId !== undefined }),
    };
    await this.call('update', place, (connector, options) =>
      connector.conversations.updateActivity(place.conversationId, place.activityId, activity, options),
    );
  }

  /**
   * A person is reached in the chat kept when the app was installed for them; for someone who
   * never installed it (a manager on the escalation ladder), the bot starts the 1:1 chat itself,
   * which Teams answers with the same chat every time, so a retried send starts nothing twice.
   */
  private async placeOf(address: Address): Promise<TeamsPlace> {
    if (address.kind === 'triage') return teamsTriagePlace(address.target);
    if (address.kind !== 'person' || address.identity.channel !== 'teams') {
      throw new Error(`Teams cannot reach a ${address.kind} address`);
    }
    const { conversation, externalId } = address.identity;
    if (conversation) {
      return { serviceUrl: normalServiceUrl(conversation.serviceUrl), conversationId: conversation.id };
    }
    const tenantId = address.identity.tenantId ?? this.tenantId;
    if (!tenantId) {
      throw new Error(
        `Teams has no chat with person ${address.personId} and no tenant to start one in: install ` +
          'the app for them, or name the tenant (MICROSOFT_APP_TENANT_ID)',
      );
    }
    const serviceUrl = this.serviceUrl;
    const started = await this.call(
      'start a chat',
      { serviceUrl, conversationId: '(new)' },
      (connector, options) =>
        connector.conversations.createConversation(
          {
            isGroup: false,
            bot: { id: `28:${this.adapter.appId}`, name: '' },
            members: [{ id: externalId, name: '' }],
            tenantId,
            channelData: { tenant: { id: tenantId } },
          },
          options,
        ),
    );
    if (!started.id) throw new Error('Teams started a chat but named no conversation id for it');
    return { serviceUrl: normalServiceUrl(started.serviceUrl ?? serviceUrl), conversationId: started.id };
  }

  private async call<T>(
    what: 'post' | 'update' | 'start a chat',
    place: TeamsPlace,
    send: (connector: TeamsConnector, options: { abortSignal: AbortSignal }) => Promise<T>,
  ): Promise<T> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    // The token is fetched by MSAL, which takes no signal: the deadline stops waiting for it too.
    const deadline = new Promise<never>((_, reject) => {
      abort.signal.addEventListener('abort', () =>
        reject(new Error(`Teams: the ${what} gave up after ${this.timeoutMs} ms without an answer`)),
      );
    });
    const work = (async () => {
      const connector = await this.adapter.connector(place.serviceUrl);
      return send(connector, { abortSignal: abort.signal });
    })();
    work.catch(() => undefined);
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      if (abort.signal.aborted) {
        throw new Error(`Teams: the ${what} gave up after ${this.timeoutMs} ms without an answer`);
      }
      throw connectorFailure(error, what, place);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** @azure/core-rest-pipeline's RestError, as far as the sender reads it. */
interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { headers?: { get(name: string): string | undefined } };
}

/** Retry-After in milliseconds: seconds, or an HTTP date. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number {
  if (header === undefined || !header.trim()) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, at - now);
}

/**
 * What the sender throws for a failed call: ChannelBusyError for a 429, a TeamsConnectorError
 * naming the status and Bot Framework's error for any other answer, and a plain error naming only
 * the failure's kind otherwise (the bot's token could not be had, the connector unreachable). The
 * original is not kept as the cause: botbuilder's errors carry the request and its bearer token.
 */
function connectorFailure(error: unknown, what: string, place: TeamsPlace): Error {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as RestErrorLike;
  const where = `${what} in ${place.conversationId} at ${place.serviceUrl}`;
  const status = typeof failure.statusCode === 'number' ? failure.statusCode : undefined;
  if (status === 429) {
    return new ChannelBusyError(
      'Teams asked to slow down (429)',
      retryAfterMs(failure.response?.headers?.get('retry-after')),
    );
  }
  const said = (failure.message ?? '').slice(0, 200);
  if (status !== undefined) {
    const code = typeof failure.code === 'string' ? failure.code : undefined;
    return new TeamsConnectorError(
      `Teams' connector answered ${status} to the ${where}${code ? ` (${code})` : ''}: ${said}`,
      status,
      code,
    );
  }
  const kind = error instanceof Error ? error.name : typeof error;
  return new TeamsConnectorError(`Teams: the ${where} failed (${kind}): ${said}`, undefined, undefined);
}
