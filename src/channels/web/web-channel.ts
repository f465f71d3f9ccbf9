import type { Clock, OrganisationRepository, PersonRepository } from '../../app/ports.ts';
import type { WebSignInDeps } from '../../app/web-sign-in.ts';
import type { Locale } from '../../i18n/translate.ts';
import type { MongoStore } from '../../store/mongo/index.ts';
import { logDelivery, mailDelivery, type LinkDelivery, type MailSettings } from './link-delivery.ts';
import { webRoutes, type WebLogger, type WebRoutes } from './web-routes.ts';
import { cryptoTokens } from './web-tokens.ts';

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
  deps: WebSignInDeps;
  /** E-mail for sign-in links; without it they are printed to the log (local mode). */
  mail?: MailSettings;
  publicUrl: () => string;
  defaultLocale: Locale;
  logger: WebLogger;
}

export interface WebDesk extends WebRoutes {
  /** Waits for links still on their way, and lets the mail connection go. */
  stop(): Promise<void>;
}

/** The web desk's HTTP side: served under /web/ by the desk's own server. */
export function webDesk(options: WebDeskOptions): WebDesk {
  const delivery: LinkDelivery = options.mail
    ? mailDelivery(options.mail, options.defaultLocale)
    : logDelivery(options.logger);
  const routes = webRoutes({ ...options, delivery });
  return {
    ...routes,
    async stop() {
      await routes.settled();
      delivery.close?.();
    },
  };
}
