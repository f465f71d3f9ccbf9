import type { MessageShortcut } from '@slack/bolt';
import { replyInThread } from '../../../app/chat/reply-in-thread.ts';
import { translate } from '../../../i18n/translate.ts';
import { readerLocale, refusalText, type SlackListeners } from '../slack-context.ts';
import { slackRef } from '../slack-refs.ts';
import { fromSlackText } from '../slack-text.ts';

/** The message shortcut that says a note of the triage thread to the customer too. */
export const SEND_TO_CUSTOMER_SHORTCUT = 'sladesk_send_to_customer';

/**
 * "Send to customer" on a message in a ticket's thread: its words become a public comment, said
 * to the requester (the internal note it was stays as it was). Only in a ticket's thread, only
 * by the desk (checked by the comment itself); once per message, however often it is chosen.
 */
export const sendToCustomerListeners: SlackListeners = (app, context) => {
  app.shortcut<MessageShortcut>(SEND_TO_CUSTOMER_SHORTCUT, async ({ ack, body, client }) => {
    await ack();
    const user = body.user.id;
    const message = body.message as { ts: string; thread_ts?: string; text?: string };
    const place = slackRef(body.channel.id, message.ts, message.thread_ts);
    const tell = async (text: string) =>
      client.chat
        .postEphemeral({
          channel: body.channel.id,
          user,
          ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
          text,
        })
        .catch((failed: unknown) => context.logger.error({ err: failed }, 'telling a Slack user failed'));
    try {
      const outcome = await replyInThread(context.deps, {
        channel: 'slack',
        eventId: `send:${place.id}`,
        from: await context.users.get(body.team?.id, user),
        thread: place.thread,
        text: fromSlackText(message.text ?? ''),
        toCustomer: true,
      });
      const locale = await readerLocale(context, user);
      await tell(
        translate(locale, outcome.kind === 'commented' ? 'slack.sentToCustomer' : 'slack.notATicketThread'),
      );
    } catch (error) {
      await tell(await refusalText(context, user, error));
    }
  });
};
