import { deskOverview } from '../../../app/chat/desk-overview.ts';
import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { requireDeskSide } from '../../../app/policy.ts';
import { translate } from '../../../i18n/translate.ts';
import { personLocale, refusalText, type SlackListeners } from '../slack-context.ts';
import { deskCommandContent, deskCommandSection } from '../slack-home.ts';
import type { SlackUser } from '../slack-users.ts';

/** The slash command that shows a desk person their queues. */
export const DESK_COMMAND = '/desk';

/**
 * `/desk [mine|unclaimed|breach]`: acked at once (nothing shown, nothing echoed to the channel),
 * then answered to the person alone: their open tickets, the unclaimed ones and the ones closest
 * to breach, or the one section asked for. Only the desk's people are shown anything (deskOverview
 * checks it); a customer or a stranger is told why not, in their language.
 */
export const deskCommandListeners: SlackListeners = (app, context) => {
  app.command(DESK_COMMAND, async ({ ack, command, respond }) => {
    await ack();
    let from: SlackUser | undefined;
    try {
      from = await context.users.get(command.team_id, command.user_id);
      const person = await identifyChatUser(context.deps, from);
      const locale = await personLocale(context, person, from);
      const wanted = deskCommandSection(command.text);
      if (!wanted) {
        // The usage is the desk's too: a customer is refused whatever they typed after the command.
        requireDeskSide(person, 'deskOverview');
        await respond({ response_type: 'ephemeral', text: translate(locale, 'slack.desk.usage') });
        return;
      }
      const overview = await deskOverview(context.deps, person, context.deps.clock.now(), wanted.only);
      await respond({ response_type: 'ephemeral', ...deskCommandContent(locale, overview, wanted.only) });
    } catch (error) {
      const text = await refusalText(context, command.user_id, error, from);
      await respond({ response_type: 'ephemeral', text });
    }
  });
};
