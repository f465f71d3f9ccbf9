import type { ServerResponse } from 'node:http';
import { errorMessage } from '../i18n/error-message.ts';
import type { Locale } from '../i18n/translate.ts';
import { HttpError } from './http-error.ts';
import type { Reply } from './router.ts';

export interface Answer extends Reply {
  headers?: Readonly<Record<string, string>>;
}

/** `{ error: { code, message, issues? } }`, the message in the caller's language. */
export function errorAnswer(error: HttpError, locale: Locale): Answer {
  const { status, code, key, params, issues, headers } = error;
  const message = errorMessage(locale, key, params);
  return { status, headers, body: { error: { code, message, ...(issues ? { issues } : {}) } } };
}

/** What a caller hears about a failure of ours: nothing of it, only the id to quote. */
export const internalError = (requestId: string, locale: Locale): Answer =>
  errorAnswer(new HttpError(500, 'internal', 'api.errors.internal', { requestId }), locale);

export function send(response: ServerResponse, answer: Answer, requestId: string): void {
  const payload = answer.text?.payload ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
  response.writeHead(answer.status, {
    'Content-Type': answer.text?.contentType ?? 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Request-Id': requestId,
    ...answer.headers,
  });
  response.end(payload);
}
