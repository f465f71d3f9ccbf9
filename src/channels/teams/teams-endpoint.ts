import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Activity, TurnContext } from 'botbuilder';
import { BODY_LIMIT_BYTES } from '../../http/body.ts';
import type { Waiter } from '../../app/ports.ts';
import type { PlatformEndpoint } from '../../http/server.ts';
import { isRefusedToken, type TeamsAdapter, type VerifiedRequest } from './teams-auth.ts';
import { answerPlatform as answer, platformBody } from '../../http/platform-answer.ts';

/** A verified turn from Teams: what the bot does with one activity. */
export type TeamsHandler = (context: TurnContext) => Promise<void>;

/**
 * How long Teams is kept waiting for a turn's own answer. Teams gives a bot 15 s and then shows
 * the person an error (and may deliver the activity again); a turn still at work after this long
 * (a busy desk, a slow database) is answered that it was received, and goes on to its end.
 */
export const TEAMS_ANSWER_WITHIN_MS = 10_000;

/** Said to the person when their card action's own answer would come too late. */
const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';

const refuse = (response: ServerResponse, status: number, error: string) =>
  answer(response, status, { error });

/**
 * App Service Environment's channel: botbuilder checks its tokens against Azure AD's public key set
 * whatever it is configured with (AseChannelValidation's own URL). Teams never sends it.
 */
const ASE_CHANNEL = 'AseChannel';

type Read = { ok: true; activity: Activity } | { ok: false; error: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const optional = (value: unknown, type: 'string' | 'array' | 'object'): boolean =>
  value === undefined ||
  value === null ||
  (type === 'array' ? Array.isArray(value) : type === 'object' ? isObject(value) : typeof value === type);
const STRING_FIELDS = ['id', 'name', 'text', 'locale', 'replyToId', 'action', 'channelId'] as const;
const ACTED_ON_ONCE = new Set(['message', 'invoke']);

/**
 * The fields the listeners and botbuilder read, of the types the Bot Framework gives them: a
 * text, a locale or an id of another type, a conversation without its id, a sender without theirs,
 * entities or attachments that are no list would make a turn throw (a 500, delivered again); a
 * message or invoke without its id would be taken for any other without one, and written once.
 */
function wellShaped(activity: Record<string, unknown>): boolean {
  if (!STRING_FIELDS.every((field) => optional(activity[field], 'string'))) return false;
  // A message or an invoke is done once by its id: without one, everyone's would be one event.
  if (ACTED_ON_ONCE.has(activity.type as string) && (typeof activity.id !== 'string' || !activity.id)) {
    return false;
  }
  if (
    !['entities', 'attachments', 'membersAdded', 'membersRemoved'].every((f) =>
      optional(activity[f], 'array'),
    )
  ) {
    return false;
  }
  if (!optional(activity.channelData, 'object')) return false;
  const { conversation, from, recipient } = activity;
  if (conversation !== undefined) {
    if (!isObject(conversation) || typeof conversation.id !== 'string' || !conversation.id) return false;
    if (!['conversationType', 'tenantId', 'name'].every((f) => optional(conversation[f], 'string')))
      return false;
  }
  for (const account of [from, recipient]) {
    if (account === undefined) continue;
    if (!isObject(account) || typeof account.id !== 'string' || !account.id) return false;
    if (!['aadObjectId', 'name', 'role'].every((f) => optional(account[f], 'string'))) return false;
  }
  return true;
}

/**
 * The activity, shaped enough for the adapter: an object with a type and the serviceUrl its
 * token is checked against. Timestamps become dates, as botbuilder's own reading does.
 */
function readActivity(raw: Buffer): Read {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, error: 'invalid_json' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: 'malformed_activity' };
  }
  const activity = body as Record<string, unknown>;
  if (typeof activity.type !== 'string' || !activity.type) return { ok: false, error: 'malformed_activity' };
  if (typeof activity.serviceUrl !== 'string' || !activity.serviceUrl) {
    return { ok: false, error: 'malformed_activity' };
  }
  if (!wellShaped(activity)) return { ok: false, error: 'malformed_activity' };
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  return { ok: true, activity: activity as unknown as Activity };
}

/**
 * `/api/messages`: every activity the Bot Framework delivers for Teams. The request's bearer token
 * is checked by botbuilder before anything acts on it; a missing, forged, expired or misdirected
 * token is refused with 401 and reaches nothing, and a token that cannot be checked just now (the
 * key set unreachable) with 503, so that the channel delivers again. A verified activity goes to
 * `handle` in a turn; an invoke's answer (a card action's) is what the handler left in the turn.
 */
export function teamsMessagesEndpoint(options: {
  adapter: TeamsAdapter;
  handle: TeamsHandler;
  logger: { info(details: object, message: string): void; error(details: object, message: string): void };
  bodyLimitBytes?: number;
  /** The emulator's adapter, which checks no token: a request without one is taken. */
  unauthenticated?: boolean;
  /** How the answer's deadline (TEAMS_ANSWER_WITHIN_MS) is waited for. */
  waiter: Waiter;
  /** What a late answer says, in the activity's language: that it was received. */
  receivedText: (activity: Activity) => string;
  /** Turns still at work after their late answer, so that a stop can wait for them. */
  running?: Set<Promise<unknown>>;
}): PlatformEndpoint {
  const { adapter, handle, logger, waiter } = options;
  const running = options.running ?? new Set<Promise<unknown>>();
  return async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST') {
      response.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    const authorization = request.headers.authorization ?? '';
    if (!authorization.trim() && !options.unauthenticated) {
      // Refused before the body is read: nothing unauthenticated is parsed.
      request.resume();
      refuse(response, 401, 'unauthorized');
      return;
    }
    const raw = await platformBody(
      request,
      response,
      options.bodyLimitBytes ?? BODY_LIMIT_BYTES,
      (error) => ({
        error,
      }),
    );
    if (!raw) return;
    const read = readActivity(raw);
    if (!read.ok) {
      refuse(response, 400, read.error);
      return;
    }
    const { activity } = read;
    if (activity.channelId === ASE_CHANNEL) {
      refuse(response, 401, 'unauthorized');
      return;
    }
    let verified: VerifiedRequest;
    try {
      verified = await adapter.verify(activity, authorization);
    } catch (error) {
      if (isRefusedToken(error)) {
        logger.info(
          { reason: (error as Error).message, activityType: activity.type },
          'Teams request refused',
        );
        refuse(response, 401, 'unauthorized');
      } else {
        logger.error({ err: error }, 'a Teams request could not be verified');
        refuse(response, 503, 'verification_unavailable');
      }
      return;
    }
    const failed = (error: unknown) =>
      logger.error(
        { err: error, activityType: activity.type, activityId: activity.id },
        'handling a Teams activity failed',
      );
    const turn = adapter.run(verified, activity, handle);
    running.add(turn);
    const settled = () => running.delete(turn);
    turn.then(settled, settled);
    const deadline = waiter.wait(TEAMS_ANSWER_WITHIN_MS).then(() => LATE);
    try {
      const outcome = await Promise.race([turn.then((invoke) => ({ invoke })), deadline]);
      if (!('invoke' in outcome)) {
        // Teams is told now; the turn's own answer goes nowhere, its work and messages go on.
        turn.catch(failed);
        answerLate(response, activity, options.receivedText(activity));
        return;
      }
      answer(response, outcome.invoke?.status ?? 200, outcome.invoke?.body);
    } catch (error) {
      failed(error);
      refuse(response, 500, 'internal');
    }
  };
}

/** The deadline came before the turn's own answer. */
const LATE = Object.freeze({ late: true as const });

/** A message is answered empty; a card action with the words the client shows the one who acted. */
function answerLate(response: ServerResponse, activity: Activity, text: string): void {
  if (activity.type !== 'invoke') {
    answer(response, 200, undefined);
    return;
  }
  answer(response, 200, { statusCode: 200, type: MESSAGE_RESPONSE, value: text });
}
