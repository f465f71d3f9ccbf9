import { translate, type Locale, type Params } from './translate.ts';

/**
 * An error meant for a person: it names a message key and its parameters, so whichever edge shows
 * it (CLI, chat, HTTP) can say it in that person's language. `message` is English, for logs.
 */
export class LocalisedError extends Error {
  constructor(
    readonly key: string,
    readonly params: Params = {},
  ) {
    super(translate('en', key, params));
  }

  in(locale: Locale): string {
    return translate(locale, this.key, this.params);
  }
}
