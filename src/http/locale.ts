import { isLocale, type Locale } from '../i18n/translate.ts';

/**
 * The language to answer in, from `Accept-Language` (e.g. "sv-SE,sv;q=0.9,en;q=0.8"): the
 * caller's most preferred language the desk speaks, else the desk's default.
 */
export function negotiateLocale(header: string | undefined, fallback: Locale): Locale {
  if (!header) return fallback;
  const ranked = header
    .split(',')
    .map((entry, index) => {
      const [range = '', ...parameters] = entry.trim().split(';');
      const q = parameters
        .map((p) => /^\s*q=([0-9.]+)\s*$/i.exec(p)?.[1])
        .find((value) => value !== undefined);
      return {
        language: range.trim().toLowerCase().split('-')[0] ?? '',
        quality: q === undefined ? 1 : Number(q),
        index,
      };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { language } of ranked) {
    if (language === '*') return fallback;
    if (isLocale(language)) return language;
  }
  return fallback;
}
