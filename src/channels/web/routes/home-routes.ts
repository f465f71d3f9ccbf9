import { isDeskSide } from '../../../domain/desk/people.ts';
import { translate } from '../../../i18n/translate.ts';
import { notAllowed } from '../web-answers.ts';
import { openPage, wordsIn } from '../web-layout.ts';
import type { WebDeskContext, WebRoute } from '../web-request.ts';

/**
 * The front door: the sign-in form for someone not signed in; for the signed in, their desk (the
 * queue for agents, the chat for customers).
 */
export function homeRoutes(_context: WebDeskContext): WebRoute {
  return async (request) => {
    if (request.path !== '/web/' && request.path !== '/web') return undefined;
    if (request.method !== 'GET' && request.method !== 'HEAD') return notAllowed('GET', request.locale);
    if (request.current) {
      const home = isDeskSide(request.current.person) ? '/web/queue' : '/web/chat';
      return { status: 303, headers: { Location: home } };
    }
    const say = wordsIn(request.locale);
    const main = [
      `<p>${say('web.pages.signedOut.text')}</p>`,
      '<form method="post" action="/web/sign-in" data-enhance="sign-in">',
      `<label for="email">${say('web.signIn.email')}</label>`,
      '<input id="email" name="email" type="email" autocomplete="email" required maxlength="254">',
      `<button type="submit">${say('web.signIn.submit')}</button>`,
      '<p class="form-error" role="alert"></p>',
      '</form>',
    ].join('\n');
    return {
      status: 200,
      html: openPage(request.locale, translate(request.locale, 'web.pages.signedOut.title'), main),
    };
  };
}
