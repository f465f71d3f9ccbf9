import { WebClient, type WebClientOptions } from '@slack/web-api';

export interface SlackClientOptions {
  botToken: string;
  /** Another base URL for the Web API (a stand-in in tests, GovSlack); Slack's own by default. */
  apiUrl?: string;
  /** Gives up on a call after this long, well inside the delivery lease. */
  timeoutMs?: number;
}

/**
 * The one Web API client of the Slack channel. It retries nothing and does not wait out a 429 by
 * itself: the outbox owns retries, so one attempt is one call and nothing is posted twice, and a
 * request handler must answer its user now rather than sleep on Slack's behalf.
 */
export const createSlackClient = (options: SlackClientOptions): WebClient =>
  new WebClient(options.botToken, slackClientOptions(options));

/** The same settings for the client bolt makes itself (`App({ clientOptions })`). */
export const slackClientOptions = (options: Omit<SlackClientOptions, 'botToken'>): WebClientOptions => ({
  ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
  retryConfig: { retries: 0 },
  rejectRateLimitedCalls: true,
  timeout: options.timeoutMs ?? 10_000,
});
