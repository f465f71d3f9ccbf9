import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { DomainError } from '../../../domain/domain-error.ts';
import { openFromChat } from '../../../app/chat/open-from-chat.ts';
import type { Organisation } from '../../../domain/desk/organisation.ts';
import { isDeskSide, type Person } from '../../../domain/desk/people.ts';
import type { Locale } from '../../../domain/locale.ts';
import { translate } from '../../../i18n/translate.ts';
import { impactLine, readTicketForm, titleFrom, type TicketForm } from '../../ticket-form.ts';
import { ADAPTIVE_CARD_CONTENT_TYPE } from '../teams-card.ts';
import {
  readerLocale,
  readerOf,
  refusalText,
  type TeamsContext,
  type TeamsListener,
} from '../teams-context.ts';
import { formIdOf, NEW_TICKET_VERB, ticketFormCard } from '../teams-ticket-form.ts';
import { withoutTags } from '../teams-text.ts';

/** What asks for help rather than for a ticket: the manifest's command, in English and Swedish. */
const HELP_COMMANDS = new Set(['help', 'hjälp', '?']);
/** The manifest's "new ticket" command: the form, with nothing of the command's words in it. */
const NEW_TICKET_COMMANDS = new Set(['new ticket', 'nytt ärende']);

/** The invoke Universal Actions send for an Action.Execute. */
const CARD_ACTION = 'adaptiveCard/action';

/** An invoke's answer: a card in place of the one acted on, or a message to the one who acted. */
async function answer(turn: TurnContext, body: object): Promise<void> {
  await turn.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
}

const cardAnswer = (card: object) => ({ statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card });
const messageAnswer = (text: string) => ({
  statusCode: 200,
  type: 'application/vnd.microsoft.activity.message',
  value: text,
});

/** The contract's priorities a customer may ask for, in their language; none for the desk's people. */
function prioritiesFor(
  context: TeamsContext,
  person: Person,
  organisation: Organisation | undefined,
  locale: Locale,
) {
  if (isDeskSide(person) || !organisation) return undefined;
  return context.deps.contracts
    .contract(organisation.contractId)
    .terms.priorities.map((p) => ({ key: p.key, label: p.label[locale] }));
}

/**
 * A customer opens a ticket in their personal chat with the bot: a message there (other than a
 * reply the desk takes as a comment) is answered with the new-ticket form, filled with what they
 * wrote; the form's submit opens the ticket once per activity, however often Teams sends it, or
 * comes back with its errors beside its fields. Anyone not a registered contact is told why, and
 * nothing is stored.
 */
export const intakeListeners: TeamsListener = async (turn, context) => {
  const { activity } = turn;
  const personal = activity.conversation?.conversationType === 'personal';
  if (activity.type === 'invoke' && activity.name === CARD_ACTION) {
    const action = (activity.value as { action?: { verb?: string; data?: unknown } } | undefined)?.action;
    if (action?.verb !== NEW_TICKET_VERB) return false;
    await submit(turn, context, action.data);
    return true;
  }
  if (activity.type !== 'message' || !personal || activity.value !== undefined) return false;
  try {
    const from = await context.users.of(turn);
    if (!from) return false;
    const person = await identifyChatUser(context.deps, from);
    const { locale, organisation } = await readerOf(context, turn, person);
    // What they wrote, without the mentions and markup Teams adds to a message's text.
    const text = withoutTags(typeof activity.text === 'string' ? activity.text : '');
    // The app's "help" command (its manifest's command list), in either language.
    if (HELP_COMMANDS.has(text.toLowerCase())) {
      await turn.sendActivity({ type: 'message', text: translate(locale, 'teams.help') });
      return true;
    }
    await turn.sendActivity({
      attachments: [
        ticketFormCard({
          locale,
          formId: randomUUID(),
          ...(text && !NEW_TICKET_COMMANDS.has(text.toLowerCase())
            ? { prefill: { title: titleFrom(text), description: text } }
            : {}),
          priorities: prioritiesFor(context, person, organisation, locale),
        }),
      ],
    });
  } catch (error) {
    await turn.sendActivity(await refusalText(context, turn, error));
  }
  return true;
};

/** What was written in the form, to show it again beside its errors: its strings, nothing else. */
function written(data: unknown): Partial<Record<keyof TicketForm, string>> {
  const values = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const kept: Partial<Record<keyof TicketForm, string>> = {};
  for (const field of ['title', 'description', 'category', 'impact', 'priority'] as const) {
    const value = values[field];
    if (typeof value === 'string' && value.length <= 10_000) kept[field] = value;
  }
  return kept;
}

async function submit(turn: TurnContext, context: TeamsContext, data: unknown): Promise<void> {
  const locale = await readerLocale(context, turn);
  const read = readTicketForm(data, locale);
  const formId = formIdOf(data);
  try {
    const from = await context.users.of(turn);
    if (!from) {
      // Someone Teams names no Entra user for (an anonymous meeting guest): no one the desk knows.
      throw new DomainError('notAContact', { platform: 'teams', externalId: turn.activity.from?.id ?? '' });
    }
    if (!read.ok) {
      const person = await identifyChatUser(context.deps, from);
      const { organisation } = await readerOf(context, turn, person);
      const again = ticketFormCard({
        locale,
        errors: read.errors,
        prefill: written(data),
        ...(formId ? { formId } : {}),
        priorities: prioritiesFor(context, person, organisation, locale),
      });
      await answer(turn, cardAnswer(again.content));
      return;
    }
    const { ticket } = read;
    const { ticket: opened } = await openFromChat(context.deps, {
      channel: 'teams',
      // One form is one ticket, however often it is submitted (its id, the submitter's own) or
      // Teams sends the submit again (the activity's id, for a form without one).
      eventId: formId ? `form:${from.identity.externalId}:${formId}` : (turn.activity.id ?? ''),
      from,
      category: ticket.category,
      title: ticket.title,
      description: [ticket.description, impactLine(locale, ticket.impact)].filter(Boolean).join('\n\n'),
      ...(ticket.priority ? { priority: ticket.priority } : {}),
    });
    // The confirmation with the ticket's id and due time comes as the desk's own message.
    await answer(turn, messageAnswer(translate(locale, 'teams.formSent', { id: opened.id })));
  } catch (error) {
    await answer(turn, messageAnswer(await refusalText(context, turn, error)));
  }
}
