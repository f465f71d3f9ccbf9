import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../app/ports.ts';
import { BODY_LIMIT_BYTES } from '../../http/body.ts';
import type { PlatformEndpoint } from '../../http/server.ts';
import { readSlackRequest } from './slack-request.ts';
import { answerPlatform as answer, platformBody } from '../../http/platform-answer.ts';

/** A verified request from Slack, handed on; `ack` answers Slack, at most once. */
export interface SlackDelivery {
  body: unknown;
  retry?: { num: number; reason: string };
  ack(response?: object): void;
}

export type SlackHandler = (delivery: SlackDelivery) => Promise<void>;

const REFUSALS = {
  signature: [401, 'invalid_signature'],
  stale: [401, 'stale_request'],
  malformed: [400, 'malformed_body'],
} as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * `/slack/events`: every request Slack sends (events, commands, interactivity) checked against the
 * signing secret over the raw bytes, in a 5-minute window, before anything reads it; a forged or
 * replayed request is refused with 401 and reaches nothing. Slack's URL check and SSL check are
 * answered here; the rest goes to `handle`, which acks as soon as it may (Slack waits 3 s). A
 * handler that fails before acking answers 500, so that Slack delivers the event again.
 */
export function slackEventsEndpoint(options: {
  signingSecret: string;
  clock: Clock;
  handle: SlackHandler;
  logger: { error(details: object, message: string): void };
  bodyLimitBytes?: number;
}): PlatformEndpoint {
  return async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST') {
      response.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    const raw = await platformBody(
      request,
      response,
      options.bodyLimitBytes ?? BODY_LIMIT_BYTES,
      (error) => ({
        ok: false,
        error,
      }),
    );
    if (!raw) return;
    const read = readSlackRequest({
      signingSecret: options.signingSecret,
      rawBody: raw.toString('utf8'),
      headers: request.headers,
      nowMs: options.clock.now().getTime(),
    });
    if (!read.ok) {
      const [status, error] = REFUSALS[read.reason];
      answer(response, status, { ok: false, error });
      return;
    }
    const { body } = read;
    if (isRecord(body) && body.type === 'url_verification' && typeof body.challenge === 'string') {
      answer(response, 200, { challenge: body.challenge });
      return;
    }
    if (isRecord(body) && body.ssl_check === '1') {
      answer(response, 200);
      return;
    }
    let acked = false;
    const ack = (reply?: object) => {
      if (acked) return;
      acked = true;
      answer(response, 200, reply);
    };
    try {
      await options.handle({ body, ...(read.retry ? { retry: read.retry } : {}), ack });
    } catch (error) {
      options.logger.error({ err: error, acked }, 'handling a Slack request failed');
      if (!acked) {
        acked = true;
        answer(response, 500, { ok: false, error: 'internal' });
      }
    }
    // A request the handler had nothing to say to is still Slack's to forget.
    ack();
  };
}
