import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeskDeps } from '../../app/desk-deps.ts';
import type { Clock } from '../../app/ports.ts';
import type { CurrentSession, WebSignInDeps } from '../../app/web-sign-in.ts';
import type { Locale } from '../../i18n/translate.ts';
import type { LinkDelivery } from './link-delivery.ts';
import type { WebInbox } from './web-inbox.ts';
import type { WebLive } from './web-live.ts';

export interface WebLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** What every route of the web desk may use: the desk itself, the sign-in ports, the inbox. */
export interface WebDeskContext {
  desk: DeskDeps;
  signIn: WebSignInDeps;
  inbox: WebInbox;
  live: WebLive;
  clock: Clock;
  delivery: LinkDelivery;
  /** The desk's public URL, without a trailing slash: links point there; https makes cookies Secure. */
  publicUrl: () => string;
  defaultLocale: Locale;
  logger: WebLogger;
  /** How often an open page's live stream looks for changes made by another process. */
  livePollMs: number;
}

/** A request as the routes see it: parsed once, the session looked up, the CSRF token checked. */
export interface WebRequest {
  raw: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  /** The signed-in person's language, else the browser's, else the desk's. */
  locale: Locale;
  /** The language the browser asked for, if any. */
  asked: Locale | undefined;
  current: CurrentSession | undefined;
  /** A state-changing request's body as it came (JSON, or a form's fields); `{}` for the others. */
  body: unknown;
  /** The caller reads JSON (the page's script, the contract suite), not a page. */
  wantsJson: boolean;
}

/** A signed-in request: what the routes past sign-in get. */
export type SignedInRequest = WebRequest & { current: CurrentSession };

export interface WebAnswer {
  status: number;
  json?: unknown;
  html?: string;
  /** A file of the web desk's own (CSS, script), with its media type. */
  asset?: { type: string; content: Buffer | string };
  headers?: Record<string, string | string[]>;
  /** Writes the answer itself (the live stream), after the status and headers were set. */
  stream?: (response: ServerResponse) => void;
}

/** A route: answers the request, or undefined when the path is not its own. */
export type WebRoute = (request: WebRequest) => Promise<WebAnswer | undefined>;
