import { createHmac } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { DeskDeps } from '../../../../src/app/desk-deps.ts';
import type { ReceivedRequests, Waiter } from '../../../../src/app/ports.ts';
import {
  slackReceiving,
  slackSender,
  type SlackReceiving,
} from '../../../../src/channels/slack/slack-channel.ts';
import { DEFAULT_STATUS_EMOJI } from '../../../../src/channels/slack/slack-emoji.ts';
import type { PlatformEndpoint } from '../../../../src/http/server.ts';
import { request, useTestApi, type Answer, type TestApi } from '../../../http/support/api.ts';
import { SlackStandIn } from './slack-stand-in.ts';

export const SIGNING_SECRET = 'contract-signing-secret';
export const TEAM = 'T1';
/** A wait that never ends: the database here always keeps a request in time. */
export const NEVER = { wait: () => new Promise<void>(() => undefined) };

/** One request as Slack made it: its raw body and headers, to be sent again as it was. */
export interface SlackRequest {
  raw: string;
  contentType: string;
  retry?: number;
  /** Signed with this secret instead of the desk's (a forgery). */
  secret?: string;
  /** Signed at this instant instead of now (a replay). */
  signedAtMs?: number;
}

export interface SlackHarness {
  api: TestApi;
  slack: SlackStandIn;
  /** The desk's services, delivering on Slack (the stand-in). */
  deps: DeskDeps;
  /** Posts a request to `/slack/events`, signed now as Slack signs it, and waits for what it set off. */
  send(request: SlackRequest): Promise<Answer>;
  /** An Events API callback, as Slack posts it. */
  event(eventId: string, event: Record<string, unknown>): SlackRequest;
  /** An interaction (block_actions, view_submission, shortcut), form-encoded as Slack posts it. */
  interaction(payload: Record<string, unknown>): SlackRequest;
  /** A slash command, form-encoded as Slack posts it. */
  command(fields: Record<string, string>): SlackRequest;
  settled(): Promise<void>;
  /** The channel's receiving side, to start (its replay) and stop. */
  receiving: SlackReceiving;
}

/**
 * The desk with its Slack channel as `npm start` composes it (slackSender, slackReceiving), on
 * the test desk's database and clock, its Web API a local stand-in and its requests signed with
 * the signing secret over the raw body, as Slack's are.
 */
export function useSlackDesk(
  options: {
    /** In place of the store's kept requests (a database that fails or is slow to keep one). */
    received?: (real: ReceivedRequests) => ReceivedRequests;
    waiter?: Waiter;
  } = {},
): () => SlackHarness {
  let endpoint: PlatformEndpoint | undefined;
  const api = useTestApi({
    platformEndpoints: new Map([['/slack/events', (req, res) => endpoint!(req, res)]]),
  });
  const slack = new SlackStandIn();
  let harness: SlackHarness | undefined;
  let receiving: SlackReceiving | undefined;

  beforeAll(async () => {
    await slack.start();
    const credentials = {
      botToken: 'xoxb-contract',
      signingSecret: SIGNING_SECRET,
      apiUrl: slack.apiUrl,
      replyPrefix: '!reply',
      statusEmoji: DEFAULT_STATUS_EMOJI,
    };
    const { desk } = api();
    const delivering = desk.deliveringOn([slackSender(credentials)]);
    const deps = options.received
      ? { ...delivering, received: options.received(delivering.received) }
      : delivering;
    const logger = { error: () => undefined, warn: () => undefined, info: () => undefined };
    receiving = slackReceiving({
      credentials,
      deps,
      clock: desk.clock,
      waiter: options.waiter ?? NEVER,
      locale: 'en',
      logger,
    });
    endpoint = receiving.endpoint;
    const settled = () => receiving!.settled();
    harness = {
      api: api(),
      slack,
      deps,
      settled,
      receiving: receiving!,
      async send({ raw, contentType, retry, secret, signedAtMs }) {
        const timestamp = String(Math.floor((signedAtMs ?? desk.clock.now().getTime()) / 1000));
        const signature = `v0=${createHmac('sha256', secret ?? SIGNING_SECRET)
          .update(`v0:${timestamp}:${raw}`)
          .digest('hex')}`;
        const answer = await request(api().url, 'POST', '/slack/events', {
          raw,
          headers: {
            'content-type': contentType,
            'x-slack-request-timestamp': timestamp,
            'x-slack-signature': signature,
            ...(retry ? { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' } : {}),
          },
        });
        await settled();
        return answer;
      },
      event: (eventId, event) => ({
        raw: JSON.stringify({
          token: 'legacy',
          team_id: TEAM,
          api_app_id: 'A1',
          type: 'event_callback',
          event_id: eventId,
          event_time: Math.floor(desk.clock.now().getTime() / 1000),
          authorizations: [{ team_id: TEAM, user_id: 'UBOT', is_bot: true }],
          event,
        }),
        contentType: 'application/json',
      }),
      interaction: (payload) => ({
        raw: `payload=${encodeURIComponent(JSON.stringify({ team: { id: TEAM }, api_app_id: 'A1', token: 'legacy', ...payload }))}`,
        contentType: 'application/x-www-form-urlencoded',
      }),
      command: (fields) => ({
        raw: new URLSearchParams({ token: 'legacy', team_id: TEAM, api_app_id: 'A1', ...fields }).toString(),
        contentType: 'application/x-www-form-urlencoded',
      }),
    };
  });

  afterAll(async () => {
    await receiving?.stop();
    await slack.stop();
  });

  return () => {
    if (!harness) throw new Error('the Slack desk is built in beforeAll');
    return harness;
  };
}
