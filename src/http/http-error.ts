import type { Params } from '../i18n/translate.ts';

/** One field a request got wrong, already said in the caller's language. */
export interface Issue {
  in: 'body' | 'query' | 'path' | 'header';
  /** Dotted path inside that part of the request; empty for the part as a whole. */
  field: string;
  code: string;
  message: string;
}

/**
 * An answer other than success: the HTTP status, a stable `code` for programs, and a message key
 * (translated per request) for people.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly key: string,
    readonly params: Params = {},
    readonly issues?: readonly Issue[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${status} ${code}`);
  }
}
