import type { IncomingMessage } from 'node:http';
import { sameSecret } from './web-tokens.ts';

export const CSRF_HEADER = 'x-csrf-token';

/** Methods that change nothing, and so need no CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const changesState = (method: string): boolean => !SAFE_METHODS.has(method);

/**
 * The request carries its session's CSRF token: in `x-csrf-token` (one header, exactly that) from
 * the page's script, or as the `csrf` field of a form posted without it.
 */
export function carriesCsrfToken(request: IncomingMessage, expected: string, formField?: string): boolean {
  const given = request.headers[CSRF_HEADER] ?? formField;
  return typeof given === 'string' && sameSecret(given, expected);
}
