import { LocalisedError } from '../i18n/localised-error.ts';
import type { Params } from '../i18n/translate.ts';

/**
 * Why the desk could not start, said for the operator in one line (`in(locale)`; `message` is
 * English, for logs). `setting`: a value in the environment to fix (a port in use, an unknown
 * host, a missing folder); `outage`: something that may pass (the database does not answer).
 */
export class StartupError extends LocalisedError {
  override readonly name = 'StartupError';
  constructor(
    key: string,
    params: Params,
    readonly kind: 'setting' | 'outage',
  ) {
    super(key, params);
  }
}
