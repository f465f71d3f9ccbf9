import { ConfigError } from '../config/config.ts';
import { DomainError } from '../domain/domain-error.ts';
import { LocalisedError } from '../i18n/localised-error.ts';
import { errorMessage } from '../i18n/error-message.ts';
import type { Locale } from '../i18n/translate.ts';
import { StartupError } from '../runtime/startup-error.ts';
import { NoDatabaseError } from '../store/ferretdb-binary.ts';
import { EXIT } from './cli-io.ts';

/**
 * The one line a person gets for an error we can explain, and the exit code that goes with it;
 * undefined for a fault of ours, which the caller reports as an internal error.
 */
export function explainError(error: unknown, locale: Locale): { line: string; code: number } | undefined {
  // Before LocalisedError, which it is: a database that does not answer is no usage mistake.
  if (error instanceof StartupError)
    return { line: error.in(locale), code: error.kind === 'setting' ? EXIT.usage : EXIT.failed };
  if (error instanceof LocalisedError) return { line: error.in(locale), code: EXIT.usage };
  if (error instanceof DomainError)
    return { line: errorMessage(locale, `errors.${error.code}`, error.params), code: EXIT.usage };
  // Start-up problems an operator fixes in the environment; their text names the variable.
  if (error instanceof ConfigError) return { line: error.in(locale), code: EXIT.usage };
  if (error instanceof NoDatabaseError) return { line: error.message, code: EXIT.failed };
  return undefined;
}
