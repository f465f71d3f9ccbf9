import { LocalisedError } from '../i18n/localised-error.ts';

/** The command line (or one input line) was wrong: exit code 2, with a message for the person. */
export class UsageError extends LocalisedError {
  override name = 'UsageError';
}
