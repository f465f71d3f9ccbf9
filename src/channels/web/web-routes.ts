import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  currentSession,
  endSession,
  requestSignInLinks,
  useSignInLink,
  type CurrentSession,
  type WebSignInDeps,
} from '../../app/web-sign-in.ts';
import { readJsonBody } from '../../http/body.ts';
import { toHttpError } from '../../http/error-mapping.ts';
import { preferredLocale } from '../../http/locale.ts';
import { errorMessage } from '../../i18n/error-message.ts';
import { translate, type Locale } from '../../i18n/translate.ts';
import { changesState, carriesCsrfToken } from './csrf.ts';
import { localeOf, type LinkDelivery } from './link-delivery.ts';
import { clearedSessionCookie, sessionCookie, sessionIdOf } from './session-cookie.ts';
import { webPage } from './web-page.ts';
import { TOKEN_PATTERN } from './web-tokens.ts';

export interface WebLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface WebRoutesOptions {
  deps: WebSignInDeps;
  delivery: LinkDelivery;
  /** The desk's public URL, without a trailing slash: links point there; https makes cookies Secure. */
  publicUrl: () => string;
  defaultLocale: Locale;
  logger: WebLogger;
}

export interface WebRoutes {
  /** Serves every path under /web/. */
  endpoint(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Settles when every link asked for so far has been delivered (or failed). */
  settled(): Promise<void>;
}

const SIGN_IN_BODY_LIMIT = 4 * 1024;
const signInBody = z.object({ email: z.email().max(254) }).strict();
const tokenParam = z.string().regex(TOKEN_PATTERN);

interface WebAnswer {
  status: number;
  json?: unknown;
  html?: string;
  headers?: Record<string, string | string[]>;
}

/**
 * The web desk's routes: sign-in links asked for and used, the session, sign-out. Every
 * state-changing request but the request for a link needs a session and its CSRF token in
 * `x-csrf-token`; without them it is refused before anything is read or written.
 */
export function webRoutes(options: WebRoutesOptions): WebRoutes {
  const { deps, delivery, logger } = options;
  const pending = new Set<Promise<void>>();
  const secure = () => options.publicUrl().startsWith('https:');

  function deliverInBackground(links: Awaited<ReturnType<typeof requestSignInLinks>>) {
    if (links.kind !== 'accepted') return;
    for (const link of links.links) {
      const url = `${options.publicUrl()}/web/sign-in/${link.token}`;
      const delivered = delivery
        .deliver({ to: link.person, url })
        .catch((error: unknown) =>
          logger.error({ err: error, personId: link.person.person.id }, 'sign-in link not delivered'),
        )
        .finally(() => pending.delete(delivered));
      pending.add(delivered);
    }
  }

  async function route(
    request: IncomingMessage,
    path: string,
    asked: Locale | undefined,
  ): Promise<WebAnswer> {
    const method = request.method ?? 'GET';
    // The browser's language, else (once known) the signed-in person's, else the desk's.
    let locale = asked ?? options.defaultLocale;
    const refuse = (status: number, code: string, key: string, params = {}): WebAnswer => ({
      status,
      json: { error: { code, message: errorMessage(locale, key, params) } },
    });

    if (path === '/web/sign-in') {
      if (method !== 'POST') return notAllowed('POST', locale);
      const parsed = signInBody.safeParse(await readJsonBody(request, SIGN_IN_BODY_LIMIT));
      if (!parsed.success) return refuse(400, 'invalidEmail', 'web.errors.invalidEmail');
      const asked = await requestSignInLinks(deps, parsed.data.email);
      if (asked.kind === 'limited') {
        const seconds = Math.max(1, Math.ceil((asked.retryAt.getTime() - deps.clock.now().getTime()) / 1000));
        return {
          ...refuse(429, 'tooManySignInRequests', 'web.errors.tooManySignInRequests', {
            minutes: Math.ceil(seconds / 60),
          }),
          headers: { 'Retry-After': String(seconds) },
        };
      }
      // Delivered after the answer, so it is the same, and as quick, for an address nobody has.
      deliverInBackground(asked);
      return { status: 202, json: { message: translate(locale, 'web.signIn.accepted') } };
    }

    const link = /^\/web\/sign-in\/([^/]*)$/.exec(path);
    if (link) {
      if (method !== 'GET' && method !== 'HEAD') return notAllowed('GET', locale);
      // A link preview (HEAD) must not use it up.
      const token = tokenParam.safeParse(link[1]);
      const used = token.success && method === 'GET' ? await useSignInLink(deps, token.data) : undefined;
      if (!used || used.kind !== 'session') {
        const kind = used?.kind ?? 'unknown';
        return { status: kind === 'unknown' ? 404 : 410, html: webPage(locale, `link_${kind}`) };
      }
      const { session } = used;
      const maxAge = (session.endsAt.getTime() - deps.clock.now().getTime()) / 1000;
      return {
        status: 303,
        headers: {
          Location: '/web/',
          'Set-Cookie': sessionCookie(session.sessionId, maxAge, { secure: secure() }),
        },
      };
    }

    const sessionId = sessionIdOf(request);
    const current = sessionId ? await currentSession(deps, sessionId) : undefined;
    if (current && !asked) locale = localeOf(current, options.defaultLocale);
    const signedOut = (): WebAnswer => ({
      ...refuse(401, 'notSignedIn', 'web.errors.notSignedIn'),
      headers: sessionId ? { 'Set-Cookie': clearedSessionCookie({ secure: secure() }) } : {},
    });

    if (changesState(method)) {
      if (!current) return signedOut();
      if (!carriesCsrfToken(request, current.session.csrfToken)) {
        return refuse(403, 'csrfTokenMissing', 'web.errors.csrfToken');
      }
    }

    switch (path) {
      case '/web':
      case '/web/':
        if (method !== 'GET' && method !== 'HEAD') return notAllowed('GET', locale);
        return current
          ? { status: 200, html: webPage(locale, 'signedIn', { name: current.person.name }) }
          : { status: 200, html: webPage(locale, 'signedOut') };
      case '/web/session':
        if (method !== 'GET' && method !== 'HEAD') return notAllowed('GET', locale);
        return current ? { status: 200, json: sessionAnswer(current) } : signedOut();
      case '/web/sign-out':
        if (method !== 'POST') return notAllowed('POST', locale);
        await endSession(deps, current!.session);
        return { status: 204, headers: { 'Set-Cookie': clearedSessionCookie({ secure: secure() }) } };
      default:
        return refuse(404, 'notFound', 'web.errors.noSuchPage');
    }
  }

  async function endpoint(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const asked = preferredLocale(request.headers['accept-language']);
    const locale = asked ?? options.defaultLocale;
    const path = (request.url ?? '/').split('?', 1)[0]!;
    let answer: WebAnswer;
    try {
      answer = await route(request, path, asked);
    } catch (error) {
      const known = toHttpError(error);
      if (!known) throw error;
      const message = errorMessage(locale, known.key, known.params);
      answer = {
        status: known.status,
        json: { error: { code: known.code, message } },
        headers: { ...known.headers },
      };
    }
    write(response, answer);
  }

  return {
    endpoint,
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

function notAllowed(allow: string, locale: Locale): WebAnswer {
  const message = translate(locale, 'web.errors.methodNotAllowed', { allow });
  return { status: 405, headers: { Allow: allow }, json: { error: { code: 'methodNotAllowed', message } } };
}

/** Who is signed in, as the browser's scripts need it, and the token they must send back. */
function sessionAnswer(current: CurrentSession) {
  const { person, organisation, session } = current;
  return {
    person: {
      id: person.id,
      name: person.name,
      role: person.role,
      locale: person.locale ?? organisation?.locale ?? null,
      organisation: organisation ? { id: organisation.id, name: organisation.name } : null,
    },
    csrfToken: session.csrfToken,
  };
}

function write(response: ServerResponse, answer: WebAnswer): void {
  const headers: Record<string, string | string[]> = {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...answer.headers,
  };
  let payload = '';
  if (answer.html !== undefined) {
    payload = answer.html;
    headers['Content-Type'] = 'text/html; charset=utf-8';
    headers['Content-Security-Policy'] = "default-src 'none'; frame-ancestors 'none'; form-action 'self'";
  } else if (answer.json !== undefined) {
    payload = JSON.stringify(answer.json);
    headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  response.writeHead(answer.status, headers);
  response.end(payload);
}
