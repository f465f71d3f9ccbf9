import en from '../../locales/en.json' with { type: 'json' };
import sv from '../../locales/sv.json' with { type: 'json' };

import { LOCALES, type Locale } from '../domain/locale.ts';

export { LOCALES, type Locale };

type Messages = { [key: string]: string | Messages };
const catalogues: Record<Locale, Messages> = { sv, en };

export type Params = Readonly<Record<string, string | number>>;

function lookup(messages: Messages, key: string): string | undefined {
  let node: string | Messages | undefined = messages;
  for (const part of key.split('.')) {
    if (typeof node !== 'object') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

export function hasMessage(key: string): boolean {
  return lookup(catalogues.en, key) !== undefined;
}

/**
 * The user-facing text for `key` in `locale`, with `{name}` placeholders filled in. A missing key
 * shows itself rather than failing, so a gap is visible but never takes the bot down; a test keeps
 * the catalogues complete.
 */
export function translate(locale: Locale, key: string, params: Params = {}): string {
  const template = lookup(catalogues[locale], key) ?? lookup(catalogues.en, key) ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Every key of a catalogue, dotted; for the completeness test. */
export function messageKeys(locale: Locale): string[] {
  const keys: string[] = [];
  const walk = (node: Messages, prefix: string): void => {
    for (const [name, value] of Object.entries(node)) {
      if (typeof value === 'string') keys.push(prefix + name);
      else walk(value, `${prefix}${name}.`);
    }
  };
  walk(catalogues[locale], '');
  return keys.sort();
}
