import { translate, type Locale, type Params } from '../../i18n/translate.ts';
import { escapeHtml } from './web-html.ts';
import { openPage } from './web-layout.ts';

/**
 * A small page of the web desk for someone not signed in: a heading and a paragraph under
 * `web.pages.<name>`, in `locale`, and the way back to the front door.
 */
export function webPage(locale: Locale, name: string, params: Params = {}): string {
  const say = (part: string) => translate(locale, `web.pages.${name}.${part}`, params);
  const back = escapeHtml(translate(locale, 'web.error.back'));
  return openPage(
    locale,
    say('title'),
    `<p>${escapeHtml(say('text'))}</p><p><a href="/web/">${back}</a></p>`,
  );
}
