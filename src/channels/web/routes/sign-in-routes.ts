import { z } from 'zod';
import {
  endSession,
  requestSignInLinks,
  useSignInLink,
  type CurrentSession,
} from '../../../app/web-sign-in.ts';
import { linkIdentity } from '../../../app/directory.ts';
import { translate } from '../../../i18n/translate.ts';
import { clearedSessionCookie, sessionCookie } from '../session-cookie.ts';
import { webPage } from '../web-page.ts';
import type { WebAnswer, WebDeskContext, WebRequest, WebRoute } from '../web-request.ts';
import { webIdentityOf } from '../web-sender.ts';
import { TOKEN_PATTERN } from '../web-tokens.ts';
import { notAllowed, refusal } from '../web-answers.ts';

const signInBody = z.object({ email: z.email().max(254) }).strip();
const tokenParam = z.string().regex(TOKEN_PATTERN);

/** Asking for a link, using it, signing out. */
export function signInRoutes(context: WebDeskContext, pending: Set<Promise<void>>): WebRoute {
  const { signIn: deps, logger } = context;
  const secure = () => context.publicUrl().startsWith('https:');

  function deliverInBackground(links: Awaited<ReturnType<typeof requestSignInLinks>>) {
    if (links.kind !== 'accepted') return;
    for (const link of links.links) {
      const url = `${context.publicUrl()}/web/sign-in/${link.token}`;
      const delivered = context.delivery
        .deliver({ to: link.person, url })
        .catch((error: unknown) =>
          logger.error({ err: error, personId: link.person.person.id }, 'sign-in link not delivered'),
        )
        .finally(() => pending.delete(delivered));
      pending.add(delivered);
    }
  }

  async function askForLink(request: WebRequest): Promise<WebAnswer> {
    const { locale } = request;
    if (request.method !== 'POST') return notAllowed('POST', locale);
    const parsed = signInBody.safeParse(request.body);
    if (!parsed.success) return refusal(locale, 400, 'invalidEmail', 'web.errors.invalidEmail');
    const asked = await requestSignInLinks(deps, parsed.data.email);
    if (asked.kind === 'limited') {
      const seconds = Math.max(1, Math.ceil((asked.retryAt.getTime() - deps.clock.now().getTime()) / 1000));
      return {
        ...refusal(locale, 429, 'tooManySignInRequests', 'web.errors.tooManySignInRequests', {
          minutes: Math.ceil(seconds / 60),
        }),
        headers: { 'Retry-After': String(seconds) },
      };
    }
    // Delivered after the answer, so it is the same, and as quick, for an address nobody has.
    deliverInBackground(asked);
    const message = translate(locale, 'web.signIn.accepted');
    return request.wantsJson
      ? { status: 202, json: { message } }
      : { status: 202, html: webPage(locale, 'linkSent') };
  }

  async function useLink(request: WebRequest, token: string | undefined): Promise<WebAnswer> {
    const { method, locale } = request;
    if (method !== 'GET' && method !== 'HEAD') return notAllowed('GET', locale);
    // A link preview (HEAD) must not use it up.
    const parsed = tokenParam.safeParse(token);
    const used = parsed.success && method === 'GET' ? await useSignInLink(deps, parsed.data) : undefined;
    if (!used || used.kind !== 'session') {
      const kind = used?.kind ?? 'unknown';
      return { status: kind === 'unknown' ? 404 : 410, html: webPage(locale, `link_${kind}`) };
    }
    const { session } = used;
    // From now on the web desk reaches them: their chat messages are kept for this browser.
    await linkIdentity(context.desk, session.person.id, webIdentityOf(session.person.id));
    const maxAge = (session.endsAt.getTime() - deps.clock.now().getTime()) / 1000;
    return {
      status: 303,
      headers: {
        Location: '/web/',
        'Set-Cookie': sessionCookie(session.sessionId, maxAge, { secure: secure() }),
      },
    };
  }

  return async (request) => {
    if (request.path === '/web/sign-in') return askForLink(request);
    const link = /^\/web\/sign-in\/([^/]*)$/.exec(request.path);
    if (link) return useLink(request, link[1]);
    if (request.path === '/web/session' && request.current) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return notAllowed('GET', request.locale);
      return { status: 200, json: sessionAnswer(request.current) };
    }
    if (request.path === '/web/sign-out') {
      if (request.method !== 'POST') return notAllowed('POST', request.locale);
      await endSession(deps, request.current!.session);
      const cleared = { 'Set-Cookie': clearedSessionCookie({ secure: secure() }) };
      return request.wantsJson
        ? { status: 204, headers: cleared }
        : { status: 303, headers: { ...cleared, Location: '/web/' } };
    }
    return undefined;
  };
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
