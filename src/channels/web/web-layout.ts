import { isDeskSide } from '../../domain/desk/people.ts';
import { translate, type Locale, type Params } from '../../i18n/translate.ts';
import { escapeHtml } from './web-html.ts';
import type { SignedInRequest } from './web-request.ts';

/** The sections of the web desk, by who may see them. */
export type WebSection = 'chat' | 'tickets' | 'queue' | 'admin';

/** Words of the web desk in the reader's language, HTML-escaped. */
export const wordsIn =
  (locale: Locale) =>
  (key: string, params: Params = {}): string =>
    escapeHtml(translate(locale, key, params));

function navigation(request: SignedInRequest, active: WebSection | undefined): string {
  const { person } = request.current;
  const say = wordsIn(request.locale);
  const sections: WebSection[] = ['chat', 'tickets'];
  if (isDeskSide(person)) sections.push('queue');
  if (person.role === 'admin') sections.push('admin');
  const links = sections
    .map((section) => {
      const current = section === active ? ' aria-current="page"' : '';
      return `<li><a href="/web/${section}"${current}>${say(`web.nav.${section}`)}</a></li>`;
    })
    .join('');
  return [
    `<nav aria-label="${say('web.nav.label')}"><ul>${links}</ul></nav>`,
    '<form method="post" action="/web/sign-out" class="sign-out">',
    `<input type="hidden" name="csrf" value="${escapeHtml(request.current.session.csrfToken)}">`,
    `<span>${escapeHtml(person.name)}</span> <button type="submit">${say('web.nav.signOut')}</button>`,
    '</form>',
  ].join('');
}

export interface PageContent {
  title: string;
  active?: WebSection;
  /** The page's main content, HTML already escaped where it carries data. */
  main: string;
}

function document(locale: Locale, title: string, header: string, main: string, csrf?: string): string {
  const say = wordsIn(locale);
  return [
    '<!doctype html>',
    `<html lang="${locale}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)} · ${say('web.product')}</title>`,
    csrf ? `<meta name="csrf-token" content="${escapeHtml(csrf)}">` : '',
    '<link rel="stylesheet" href="/web/assets/desk.css">',
    '<script src="/web/assets/desk.js" defer></script></head>',
    `<body><a class="skip" href="#main">${say('web.skip')}</a>`,
    `<header><a class="product" href="/web/">${say('web.product')}</a>${header}</header>`,
    `<main id="main" tabindex="-1"><h1>${escapeHtml(title)}</h1>${main}</main>`,
    `<div id="live-status" class="visually-hidden" role="status" aria-live="polite"></div>`,
    '</body></html>',
  ].join('\n');
}

/** A page of the signed-in desk: the navigation for their role, the CSRF token for the script. */
export function page(request: SignedInRequest, content: PageContent): string {
  return document(
    request.locale,
    content.title,
    navigation(request, content.active),
    content.main,
    request.current.session.csrfToken,
  );
}

/** A page for someone not signed in (the sign-in form, a link's fate). */
export function openPage(locale: Locale, title: string, main: string): string {
  return document(locale, title, '', main);
}

/** What went wrong with a form posted without the script, and the way back. */
export function errorPage(request: SignedInRequest, message: string): string {
  const say = wordsIn(request.locale);
  return page(request, {
    title: translate(request.locale, 'web.error.title'),
    main: `<p role="alert" class="error">${escapeHtml(message)}</p><p><a href="/web/">${say('web.error.back')}</a></p>`,
  });
}

/** A form's hidden fields every state-changing form carries. */
export const csrfField = (request: SignedInRequest): string =>
  `<input type="hidden" name="csrf" value="${escapeHtml(request.current.session.csrfToken)}">`;
