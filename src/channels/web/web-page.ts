import { translate, type Locale, type Params } from '../../i18n/translate.ts';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * A small page of the web desk: a heading and a paragraph under `web.pages.<name>`, in `locale`,
 * with no script, style or asset from anywhere.
 */
export function webPage(locale: Locale, name: string, params: Params = {}): string {
  const say = (part: string) => escapeHtml(translate(locale, `web.pages.${name}.${part}`, params));
  return [
    '<!doctype html>',
    `<html lang="${locale}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${say('title')}</title></head>`,
    `<body><main><h1>${say('title')}</h1><p>${say('text')}</p></main></body>`,
    '</html>',
  ].join('\n');
}
