import type { BlockButtonAction } from '@slack/bolt';
import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { getTicket } from '../../../app/ticket-queries.ts';
import { translate } from '../../../i18n/translate.ts';
import { personLocale, refusalText, type SlackListeners } from '../slack-context.ts';
import { OPEN_TICKET_ACTION } from '../slack-message.ts';
import { slackPlace } from '../slack-refs.ts';
import { escapeMrkdwn, slackDate } from '../slack-text.ts';

/**
 * "Open ticket" on a reminder or an escalation: the ticket as it is now (its state, owner and
 * deadlines, its latest comments) and a link to its triage card, for the presser alone; only
 * someone who may see the ticket gets it.
 */
export const openTicketListeners: SlackListeners = (app, context) => {
  app.action<BlockButtonAction>(OPEN_TICKET_ACTION, async ({ ack, body, action, respond, client }) => {
    await ack();
    try {
      const person = await identifyChatUser(
        context.deps,
        await context.users.get(body.team?.id, body.user.id),
      );
      const ticket = await getTicket(context.deps, person.id, action.value ?? '');
      const locale = await personLocale(context, person);
      const organisation = await context.deps.organisations.get(ticket.organisationId);
      const timeZone = organisation?.timeZone ?? 'UTC';
      const assignee = ticket.assigneeId ? await context.deps.people.get(ticket.assigneeId) : undefined;
      const when = (at: Date | undefined) => (at ? slackDate(at, timeZone) : '-');
      const lines = [
        translate(locale, 'slack.openTicket.summary', {
          id: escapeMrkdwn(ticket.id),
          title: escapeMrkdwn(ticket.title),
          organisation: escapeMrkdwn(organisation?.name ?? ticket.organisationId),
          status: translate(locale, `statuses.${ticket.status}`),
          priority: escapeMrkdwn(ticket.priority),
          assignee: escapeMrkdwn(assignee?.name ?? translate(locale, 'notify.nobody')),
          responseDue: when(ticket.sla.responseDue),
          resolutionDue: when(ticket.sla.resolutionDue),
        }),
      ];
      const latest = ticket.comments.slice(-3);
      if (latest.length > 0) {
        lines.push(translate(locale, 'slack.openTicket.comments'));
        for (const comment of latest)
          lines.push(`> ${escapeMrkdwn(comment.body.split('\n')[0]!.slice(0, 200))}`);
      }
      const card = await context.deps.conversations.get(ticket.id, 'slack', 'triage');
      if (card) {
        const { channel, ts } = slackPlace(card.root.id);
        const link = await client.chat.getPermalink({ channel, message_ts: ts }).catch(() => undefined);
        if (link?.permalink) lines.push(translate(locale, 'slack.openTicket.card', { link: link.permalink }));
      }
      await respond({ response_type: 'ephemeral', replace_original: false, text: lines.join('\n') });
    } catch (error) {
      const text = await refusalText(context, body.user.id, error);
      await respond({ response_type: 'ephemeral', replace_original: false, text });
    }
  });
};
