import type { DeskDeps } from '../../app/desk-deps.ts';
import type { Clock, OrganisationRepository, PersonRepository } from '../../app/ports.ts';
import type { WebSignInDeps } from '../../app/web-sign-in.ts';
import type { Locale } from '../../i18n/translate.ts';
import type { MongoStore } from '../../store/mongo/index.ts';
import { logDelivery, mailDelivery, type LinkDelivery, type MailSettings } from './link-delivery.ts';
import type { WebInbox } from './web-inbox.ts';
import type { WebLive } from './web-live.ts';
import type { WebLogger } from './web-request.ts';
import { webRoutes, type WebRoutes } from './web-routes.ts';
import { cryptoTokens } from './web-tokens.ts';

export type { WebLogger } from './web-request.ts';

/** The web desk's triage place: its agents' queue. */
export const WEB_QUEUE_PLACE = 'queue';

/** How often a live page looks for changes another process made, unless told otherwise. */
export const LIVE_POLL_MS = 5_000;

/** The sign-in ports over the store, with the system's random tokens. */
export function webSignInDeps(
  store: Pick<MongoStore, 'signInLinks' | 'signInAttempts' | 'webSessions'>,
  parts: { clock: Clock; people: PersonRepository; organisations: OrganisationRepository },
): WebSignInDeps {
  return {
    clock: parts.clock,
    people: parts.people,
    organisations: parts.organisations,
    links: store.signInLinks,
    attempts: store.signInAttempts,
    sessions: store.webSessions,
    tokens: cryptoTokens,
  };
}

export interface WebDeskOptions {
  desk: DeskDeps;
  signIn: WebSignInDeps;
  inbox: WebInbox;
  live: WebLive;
  /** E-mail for sign-in links; without it they are printed to the log (local mode). */
  mail?: MailSettings;
  publicUrl: () => string;
  defaultLocale: Locale;
  logger: WebLogger;
  livePollMs?: number;
}

export interface WebDesk extends WebRoutes {
  /** Ends the live streams, waits for links still on their way, and lets the mail connection go. */
  stop(): Promise<void>;
}

/** The web desk's HTTP side: served under /web/ by the desk's own server. */
export function webDesk(options: WebDeskOptions): WebDesk {
  const delivery: LinkDelivery = options.mail
    ? mailDelivery(options.mail, options.defaultLocale)
    : logDelivery(options.logger);
  const routes = webRoutes({
    desk: options.desk,
    signIn: options.signIn,
    inbox: options.inbox,
    live: options.live,
    clock: options.desk.clock,
    delivery,
    publicUrl: options.publicUrl,
    defaultLocale: options.defaultLocale,
    logger: options.logger,
    livePollMs: options.livePollMs ?? LIVE_POLL_MS,
  });
  return {
    ...routes,
    async stop() {
      routes.closeStreams();
      await routes.settled();
      delivery.close?.();
    },
  };
}
