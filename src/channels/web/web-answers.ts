import { errorMessage } from '../../i18n/error-message.ts';
import { translate, type Locale, type Params } from '../../i18n/translate.ts';
import type { WebAnswer } from './web-request.ts';

/** A refusal as JSON: a stable code for the script, a message in the reader's language. */
export const refusal = (
  locale: Locale,
  status: number,
  code: string,
  key: string,
  params: Params = {},
): WebAnswer => ({ status, json: { error: { code, message: errorMessage(locale, key, params) } } });

export function notAllowed(allow: string, locale: Locale): WebAnswer {
  const message = translate(locale, 'web.errors.methodNotAllowed', { allow });
  return { status: 405, headers: { Allow: allow }, json: { error: { code: 'methodNotAllowed', message } } };
}

/** After a form posted without the script: back to the page it came from (only one of ours). */
export function backTo(path: unknown, fallback: string): WebAnswer {
  const safe = typeof path === 'string' && isOwnPage(path) ? path : fallback;
  return { status: 303, headers: { Location: safe } };
}

/** A path of the web desk's own, as the browser will resolve it: no `..`, no `//`, under /web/. */
function isOwnPage(path: string): boolean {
  if (!/^\/web\/[A-Za-z0-9/_.?=&%+-]*$/.test(path) || path.includes('//')) return false;
  const base = new URL('http://web.invalid/');
  const resolved = new URL(path, base);
  return (
    resolved.host === base.host &&
    resolved.pathname.startsWith('/web/') &&
    !path.split('?')[0]!.split('/').includes('..')
  );
}
