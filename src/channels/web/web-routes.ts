import type { IncomingMessage, ServerResponse } from 'node:http';
import { linkIdentity } from '../../app/directory.ts';
import { currentSession, type CurrentSession } from '../../app/web-sign-in.ts';
import { toHttpError } from '../../http/error-mapping.ts';
import { HttpError } from '../../http/http-error.ts';
import { preferredLocale } from '../../http/locale.ts';
import { errorMessage } from '../../i18n/error-message.ts';
import type { Locale } from '../../i18n/translate.ts';
import { changesState, carriesCsrfToken } from './csrf.ts';
import { localeOf } from './link-delivery.ts';
import { clearedSessionCookie, sessionIdOf } from './session-cookie.ts';
import { refusal } from './web-answers.ts';
import { fieldOf, readWebBody } from './web-body.ts';
import { errorPage } from './web-layout.ts';
import type { SignedInRequest, WebAnswer, WebDeskContext, WebRequest, WebRoute } from './web-request.ts';
import { webIdentityOf } from './web-sender.ts';
import { signInRoutes } from './routes/sign-in-routes.ts';
import { assetRoutes } from './routes/asset-routes.ts';
import { homeRoutes } from './routes/home-routes.ts';
import { inboxRoutes } from './routes/inbox-routes.ts';
import { liveRoutes } from './routes/live-routes.ts';
import { chatRoutes } from './routes/chat-routes.ts';
import { ticketRoutes } from './routes/ticket-routes.ts';
import { queueRoutes } from './routes/queue-routes.ts';
import { adminRoutes } from './routes/admin-routes.ts';

export interface WebRoutes {
  /** Serves every path under /web/. */
  endpoint(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Settles when every link asked for so far has been delivered (or failed). */
  settled(): Promise<void>;
  /** Ends the open live streams, so that the server can close. */
  closeStreams(): void;
}

/** A route past sign-in: only ever called with a session. */
export type SignedInRoute = (request: SignedInRequest) => Promise<WebAnswer | undefined>;

/** The paths only a session opens: without one they answer 401 (a page: the way to sign in). */
const SIGNED_IN_PATHS = /^\/web\/(chat|tickets|queue|admin|messages|press|reply|live|session|sign-out)(\/|$)/;

/** A browser navigating asks for HTML; the page's script and other programs get JSON. */
const wantsJson = (request: IncomingMessage): boolean =>
  !(request.headers.accept ?? '').includes('text/html');

/**
 * The web desk's routes. Every state-changing request but the request for a link needs a session
 * and its CSRF token (in `x-csrf-token`, or a form's `csrf` field); without them it is refused
 * before anything is read or written. The pages follow the signed-in person's language.
 */
export function webRoutes(context: WebDeskContext): WebRoutes {
  const pending = new Set<Promise<void>>();
  const streams = new Set<ServerResponse>();
  const secure = () => context.publicUrl().startsWith('https:');
  const open: WebRoute[] = [assetRoutes(), signInRoutes(context, pending), homeRoutes(context)];
  const signedIn: SignedInRoute[] = [
    inboxRoutes(context),
    liveRoutes(context, streams),
    chatRoutes(context),
    ticketRoutes(context),
    queueRoutes(context),
    adminRoutes(context),
  ];

  async function sessionOf(raw: IncomingMessage): Promise<CurrentSession | undefined> {
    const sessionId = sessionIdOf(raw);
    const current = sessionId ? await currentSession(context.signIn, sessionId) : undefined;
    if (current && !current.person.identities.some((own) => own.channel === 'web')) {
      // Linked when the link was used; this heals a crash between the two writes.
      await linkIdentity(context.desk, current.person.id, webIdentityOf(current.person.id));
    }
    return current;
  }

  async function route(raw: IncomingMessage, asked: Locale | undefined): Promise<WebAnswer> {
    const method = raw.method ?? 'GET';
    const url = new URL(raw.url ?? '/', 'http://web.invalid');
    const path = url.pathname;
    const current = await sessionOf(raw);
    const locale = current ? localeOf(current, context.defaultLocale) : (asked ?? context.defaultLocale);
    const hadCookie = sessionIdOf(raw) !== undefined;
    const signedOut = (): WebAnswer => ({
      ...refusal(locale, 401, 'notSignedIn', 'web.errors.notSignedIn'),
      headers: hadCookie ? { 'Set-Cookie': clearedSessionCookie({ secure: secure() }) } : {},
    });

    let body: unknown = {};
    if (changesState(method)) {
      if (path !== '/web/sign-in') {
        if (!current) return signedOut();
        body = await readWebBody(raw);
        if (!carriesCsrfToken(raw, current.session.csrfToken, fieldOf(body, 'csrf'))) {
          return refusal(locale, 403, 'csrfTokenMissing', 'web.errors.csrfToken');
        }
      } else {
        body = await readWebBody(raw);
      }
    }
    const request: WebRequest = {
      raw,
      method,
      path,
      query: url.searchParams,
      locale,
      asked,
      current,
      body,
      wantsJson: wantsJson(raw),
    };
    for (const serve of open) {
      const answer = await serve(request);
      if (answer) return answer;
    }
    if (!current) {
      if (!SIGNED_IN_PATHS.test(path)) return refusal(locale, 404, 'notFound', 'web.errors.noSuchPage');
      if (request.wantsJson) return signedOut();
      return {
        ...signedOut(),
        json: undefined,
        status: 303,
        headers: { ...signedOut().headers, Location: '/web/' },
      };
    }
    const signedInRequest = request as SignedInRequest;
    try {
      for (const serve of signedIn) {
        const answer = await serve(signedInRequest);
        if (answer) return answer;
      }
      throw new HttpError(404, 'notFound', 'web.errors.noSuchPage');
    } catch (error) {
      // A form posted without the script gets a page saying what was wrong; the script gets JSON.
      const { status, code, message, headers } = refused(error, locale);
      if (request.wantsJson) return { status, json: { error: { code, message } }, headers };
      return { status, html: errorPage(signedInRequest, message), headers };
    }
  }

  async function endpoint(raw: IncomingMessage, response: ServerResponse): Promise<void> {
    const asked = preferredLocale(raw.headers['accept-language']);
    let answer: WebAnswer;
    try {
      answer = await route(raw, asked);
    } catch (error) {
      const { status, code, message, headers } = refused(error, asked ?? context.defaultLocale);
      answer = { status, json: { error: { code, message } }, headers };
    }
    write(response, answer, streams);
  }

  return {
    endpoint,
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    closeStreams() {
      for (const stream of streams) stream.end();
    },
  };
}

/** A refusal the desk knows (bad input, not found, not allowed) in the reader's words; anything else goes on. */
function refused(
  error: unknown,
  locale: Locale,
): { status: number; code: string; message: string; headers: Record<string, string> } {
  const known = toHttpError(error);
  if (!known) throw error;
  const message = errorMessage(locale, known.key, known.params);
  return { status: known.status, code: known.code, message, headers: { ...known.headers } };
}

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

function write(response: ServerResponse, answer: WebAnswer, streams: Set<ServerResponse>): void {
  const headers: Record<string, string | string[]> = {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...answer.headers,
  };
  if (answer.stream) {
    response.writeHead(answer.status, headers);
    streams.add(response);
    response.on('close', () => streams.delete(response));
    answer.stream(response);
    return;
  }
  let payload: Buffer | string = '';
  if (answer.html !== undefined) {
    payload = answer.html;
    headers['Content-Type'] = 'text/html; charset=utf-8';
    headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
  } else if (answer.asset) {
    payload = answer.asset.content;
    headers['Content-Type'] = answer.asset.type;
    headers['Cache-Control'] = 'public, max-age=300';
  } else if (answer.json !== undefined) {
    payload = JSON.stringify(answer.json);
    headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  response.writeHead(answer.status, headers);
  response.end(payload);
}
