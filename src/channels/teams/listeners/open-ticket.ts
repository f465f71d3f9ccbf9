import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { getTicket } from '../../../app/ticket-queries.ts';
import { DomainError } from '../../../domain/domain-error.ts';
import type { Locale } from '../../../domain/locale.ts';
import type { Ticket } from '../../../domain/tickets/ticket.ts';
import { translate } from '../../../i18n/translate.ts';
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  OPEN_TICKET_VERB,
  cardDate,
  escapeCardText,
  type AdaptiveCard,
} from '../teams-card.ts';
import { readerLocale, refusalText, type TeamsListener } from '../teams-context.ts';
import { answerWithMessage, cardActionOf } from '../teams-invoke.ts';

/** How many of the latest comments the ticket at a glance shows. */
const LATEST_COMMENTS = 3;

function ticketCard(
  locale: Locale,
  ticket: Ticket,
  about: { organisation: string; timeZone: string; assignee?: string },
): AdaptiveCard {
  const when = (at: Date | undefined) => (at ? cardDate(at, about.timeZone) : '-');
  const fact = (key: string, value: string) => ({ title: translate(locale, `teams.facts.${key}`), value });
  const latest = ticket.comments.slice(-LATEST_COMMENTS);
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: `${ticket.id} ${ticket.title}`,
    body: [
      {
        type: 'TextBlock',
        text: `**${escapeCardText(ticket.id)}** ${escapeCardText(ticket.title)} · ${escapeCardText(about.organisation)}`,
        wrap: true,
      },
      {
        type: 'FactSet',
        facts: [
          fact('status', translate(locale, `statuses.${ticket.status}`)),
          fact('priority', escapeCardText(ticket.priority)),
          fact('assignee', escapeCardText(about.assignee ?? translate(locale, 'notify.nobody'))),
          fact('responseDue', when(ticket.sla.responseDue)),
          fact('resolutionDue', when(ticket.sla.resolutionDue)),
        ],
      },
      ...(latest.length > 0
        ? [
            { type: 'TextBlock', text: translate(locale, 'teams.openTicket.comments'), weight: 'bolder' },
            ...latest.map((comment) => ({
              type: 'TextBlock',
              text: escapeCardText(comment.body.split('\n')[0]!.slice(0, 200)),
              wrap: true,
              isSubtle: true,
              spacing: 'Small',
            })),
          ]
        : []),
    ],
  };
}

/**
 * "Open ticket" on a reminder or an escalation: the ticket as it is now (its state, owner and
 * deadlines, its latest comments), posted in the presser's chat under the card they pressed; only
 * someone who may see the ticket gets it (getTicket checks, as for every reader).
 */
export const openTicketListeners: TeamsListener = async (turn, context) => {
  const action = cardActionOf(turn);
  if (action?.verb !== OPEN_TICKET_VERB) return false;
  try {
    const from = await context.users.of(turn);
    if (!from)
      throw new DomainError('notAContact', { platform: 'teams', externalId: turn.activity.from?.id ?? '' });
    const person = await identifyChatUser(context.deps, from);
    const ticketId = (action.data as { ticketId?: unknown } | null)?.ticketId;
    const ticket = await getTicket(context.deps, person.id, typeof ticketId === 'string' ? ticketId : '');
    const locale = person.locale ?? (await readerLocale(context, turn));
    const organisation = await context.deps.organisations.get(ticket.organisationId);
    const assignee = ticket.assigneeId ? await context.deps.people.get(ticket.assigneeId) : undefined;
    const card = ticketCard(locale, ticket, {
      organisation: organisation?.name ?? ticket.organisationId,
      timeZone: organisation?.timeZone ?? 'UTC',
      ...(assignee ? { assignee: assignee.name } : {}),
    });
    await turn.sendActivity({
      type: 'message',
      attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }],
    });
    await answerWithMessage(turn, translate(locale, 'teams.openTicket.shown', { ticketId: ticket.id }));
  } catch (error) {
    await answerWithMessage(turn, await refusalText(context, turn, error));
  }
  return true;
};
