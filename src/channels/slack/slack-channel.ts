import { type App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { DeskDeps } from '../../app/desk-deps.ts';
import type { Clock, Waiter } from '../../app/ports.ts';
import type { SlackCredentials } from '../../config/config.ts';
import type { Locale } from '../../domain/locale.ts';
import type { PlatformEndpoint } from '../../http/server.ts';
import { createSlackApp } from './slack-app.ts';
import { createSlackClient } from './slack-client.ts';
import type { SlackContext } from './slack-context.ts';
import { slackEventsEndpoint } from './slack-endpoint.ts';
import { keepUntilDone, type KeptRequests } from './slack-kept-requests.ts';
import { SlackSender } from './slack-sender.ts';
import { SlackUsers } from './slack-users.ts';

/** Where Slack's events come in: the desk's own HTTP server, or Slack's socket (Socket Mode). */
export interface SlackReceiving {
  /** `/slack/events` on the desk's server, in HTTP mode. */
  endpoint?: PlatformEndpoint;
  start(): Promise<void>;
  /** Stops taking events and waits for the work already acked. */
  stop(): Promise<void>;
  /** Resolves once the work acked so far is done. */
  settled(): Promise<void>;
  /** The start's second replay pass (see slack-kept-requests.ts): how many it worked. */
  replayedLater(): Promise<number>;
}

/** Slack's sending side: what any process that delivers needs, web or worker. */
export function slackSender(credentials: SlackCredentials): SlackSender {
  return new SlackSender(
    createSlackClient({
      botToken: credentials.botToken,
      ...(credentials.apiUrl ? { apiUrl: credentials.apiUrl } : {}),
    }),
    credentials.statusEmoji,
  );
}

export interface SlackReceivingOptions {
  credentials: SlackCredentials;
  deps: DeskDeps;
  clock: Clock;
  /** How the keeping of a request is given up on (see slack-kept-requests.ts). */
  waiter: Waiter;
  locale: Locale;
  logger: SlackContext['logger'] & { info(details: object, message: string): void };
}

/**
 * Slack's receiving side, for the web process: HTTP mode serves `/slack/events` on the desk's
 * server; with an app-level token, Socket Mode connects out to Slack instead (no public URL).
 */
export function slackReceiving(options: SlackReceivingOptions): SlackReceiving {
  const { credentials, deps, clock, waiter, locale, logger } = options;
  const keep = (app: App) => keepUntilDone(app, { received: deps.received, clock, waiter, logger });
  const told = (worked: number) =>
    worked > 0 &&
    logger.info({ channel: 'slack', worked }, 'Slack requests left by an earlier process worked');
  const replay = (kept: KeptRequests) => {
    kept
      .replay()
      .then(told)
      .then(() => kept.laterPass())
      .then(told)
      .catch((error: unknown) =>
        logger.error({ err: error, channel: 'slack' }, 'working kept Slack requests failed'),
      );
  };
  const client = createSlackClient({
    botToken: credentials.botToken,
    ...(credentials.apiUrl ? { apiUrl: credentials.apiUrl } : {}),
  });
  const context: SlackContext = {
    deps,
    users: new SlackUsers(client, clock),
    locale,
    replyPrefix: credentials.replyPrefix,
    emoji: credentials.statusEmoji,
    logger,
  };
  const api = credentials.apiUrl ? { apiUrl: credentials.apiUrl } : {};
  if (credentials.appToken) {
    const socket = new SocketModeReceiver({
      appToken: credentials.appToken,
      logLevel: LogLevel.WARN,
      // apps.connections.open (the socket's URL) goes to the same Web API as the bot's calls.
      ...(credentials.apiUrl
        ? { installerOptions: { clientOptions: { slackApiUrl: credentials.apiUrl } } }
        : {}),
    });
    const app: App = createSlackApp({ botToken: credentials.botToken, ...api, ...context }, socket).app;
    const kept = keep(app);
    // The receiver acks over the socket and forgets: the work after each ack is counted here.
    const running = new Set<Promise<void>>();
    const processEvent = app.processEvent.bind(app);
    app.processEvent = async (event) => {
      const work = processEvent(event);
      running.add(work);
      try {
        await work;
      } finally {
        running.delete(work);
      }
    };
    const settled = async () => {
      await kept.settled();
      while (running.size > 0) await Promise.allSettled([...running]);
    };
    return {
      // Slack out of reach must not keep the desk from starting: the socket client keeps trying.
      start: () => {
        replay(kept);
        app.start().then(
          () => logger.info({ channel: 'slack' }, 'Slack connected in Socket Mode'),
          (error: unknown) =>
            logger.error({ err: error, channel: 'slack' }, 'Slack Socket Mode did not connect'),
        );
        return Promise.resolve();
      },
      // bolt's stop only asks the socket to close: this waits until it is closed, then for the work.
      stop: async () => {
        kept.stop();
        await socket.client.disconnect();
        await settled();
      },
      settled,
      replayedLater: () => kept.laterPass(),
    };
  }
  const { app, receiver } = createSlackApp({ botToken: credentials.botToken, ...api, ...context });
  const kept = keep(app);
  const settled = async () => {
    await kept.settled();
    await receiver.settled();
  };
  return {
    endpoint: slackEventsEndpoint({
      signingSecret: credentials.signingSecret,
      clock,
      handle: receiver.handle,
      logger,
    }),
    start: () => {
      replay(kept);
      return Promise.resolve();
    },
    stop: () => {
      kept.stop();
      return settled();
    },
    settled,
    replayedLater: () => kept.laterPass(),
  };
}
