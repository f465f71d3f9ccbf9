import type { TurnContext } from 'botbuilder';
import type { ChatPress } from '../../../app/chat/press-button.ts';
import type { ChatUser } from '../../../app/chat/chat-user.ts';
import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { pressButton } from '../../../app/chat/press-button.ts';
import type { MessageButton } from '../../../app/messaging/message.ts';
import { isRegisteredContact, requireDeskSide } from '../../../app/policy.ts';
import { getTicket } from '../../../app/ticket-queries.ts';
import { isDeskSide, type Person } from '../../../domain/desk/people.ts';
import { DomainError } from '../../../domain/domain-error.ts';
import type { Locale } from '../../../domain/locale.ts';
import type { Ticket } from '../../../domain/tickets/ticket.ts';
import { errorMessage } from '../../../i18n/error-message.ts';
import { translate } from '../../../i18n/translate.ts';
import { ACTION_VERB_PREFIX, REFRESH_VERB, type AdaptiveCard } from '../teams-card.ts';
import {
  CHOICE_INPUT,
  CHOICE_VERB,
  assignCard,
  cardResponse,
  isChoiceButton,
  priorityCard,
  unavailableCard,
  viewerCard,
  type ChoiceButton,
} from '../teams-choice-cards.ts';
import { readerLocale, refusalText, type TeamsContext, type TeamsListener } from '../teams-context.ts';
import { baseConversation, teamsMessagePlace } from '../teams-refs.ts';

/** The invoke Teams sends for a Universal Action (`Action.Execute`). */
export const CARD_ACTION_INVOKE = 'adaptiveCard/action';

/** The content type of an Adaptive Card action's answer that the client shows as a message. */
const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';

/** The content type of an Adaptive Card action's answer that says the bot failed. */
const ERROR_RESPONSE = 'application/vnd.microsoft.error';

interface ExecuteValue {
  action?: { type?: string; verb?: unknown; data?: unknown };
}

/** The invoke's answer: the HTTP body Teams reads (adaptiveCard/action's response). */
async function answerWith(turn: TurnContext, body: object): Promise<void> {
  await turn.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
}

const messageResponse = (text: string) => ({ statusCode: 200, type: MESSAGE_RESPONSE, value: text });

const BUTTON_KEYS = new Set(['action', 'ticketId', 'madeFor']);

/**
 * The button the press names: the card's data, which must be the very action its verb names
 * (`sladesk:<action>`, or the choice cards' submit, whose data names its action). Its shape, and
 * that its ticket and step are the desk's, are checked again by pressButton.
 */
function buttonOf(verb: string, data: unknown): MessageButton {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DomainError('invalidButton', { channel: 'teams' });
  }
  const { action, ticketId, madeFor } = data as Record<string, unknown>;
  const named = verb === CHOICE_VERB ? action : verb.slice(ACTION_VERB_PREFIX.length);
  const wellFormed =
    typeof action === 'string' &&
    action === named &&
    typeof ticketId === 'string' &&
    ticketId.length > 0 &&
    ticketId.length <= 64 &&
    (madeFor === undefined || typeof madeFor === 'string') &&
    Object.keys(data).every((key) => BUTTON_KEYS.has(key));
  if (!wellFormed) throw new DomainError('invalidButton', { channel: 'teams' });
  return data as MessageButton;
}

/** The Teams user who acted, as the desk's people are identified (their Entra object id first). */
async function chatUserOf(turn: TurnContext, context: TeamsContext): Promise<ChatUser> {
  const from = await context.users.of(turn);
  if (!from) {
    throw new DomainError('notAContact', { platform: 'teams', externalId: turn.activity.from?.id ?? '' });
  }
  return from;
}

/** The activity id is the press's event: a redelivery of it acts no more. */
function eventIdOf(turn: TurnContext): string {
  const eventId = turn.activity.id;
  if (!eventId) throw new DomainError('invalidButton', { channel: 'teams' });
  return eventId;
}

async function press(
  turn: TurnContext,
  context: TeamsContext,
  button: MessageButton,
): Promise<{ ticket: Ticket; duplicate: boolean }> {
  const from = await chatUserOf(turn, context);
  return pressButton(context.deps, { channel: 'teams', eventId: eventIdOf(turn), from, button });
}

/**
 * The answer to a press Teams delivered again: the first delivery may still be at work, so the
 * ticket's status now need not be what the press comes to; it is said to be received, no more.
 */
const receivedResponse = (locale: Locale, ticketId: string) =>
  messageResponse(translate(locale, 'teams.received', { ticketId }));

/** The desk's word for who may do what a choice button does. */
const wordOf = (button: ChoiceButton) => (button.action === 'assign' ? 'assign' : 'setPriority');

/**
 * The desk person who may make the choice, and the ticket they make it on: checked before the
 * card asks, and again when it is answered, since a submit's data can be forged like any button's.
 */
async function chooser(turn: TurnContext, context: TeamsContext, button: ChoiceButton) {
  const from = await chatUserOf(turn, context);
  const person = await identifyChatUser(context.deps, from);
  requireDeskSide(person, wordOf(button));
  const ticket = await getTicket(context.deps, person.id, button.ticketId);
  const locale = await readerLocale(context, turn);
  return { from, person, ticket, locale };
}

/** The choice card for a button, with the refusal of the last choice when there was one. */
async function choiceCardFor(
  context: TeamsContext,
  button: ChoiceButton,
  ticket: Ticket,
  locale: Locale,
  error?: string,
): Promise<AdaptiveCard> {
  const about = { id: ticket.id, title: ticket.title };
  if (button.action === 'assign') {
    const assignee = ticket.assigneeId ? await context.deps.people.get(ticket.assigneeId) : undefined;
    const aad = assignee?.identities.find((identity) => identity.channel === 'teams')?.externalId;
    return assignCard({
      locale,
      button,
      ticket: about,
      ...(assignee && aad ? { current: { name: assignee.name, aadObjectId: aad } } : {}),
      ...(error ? { error } : {}),
    });
  }
  return priorityCard({
    locale,
    button,
    ticket: about,
    priorities: (await prioritiesOf(context, ticket)).map((p) => ({ key: p.key, label: p.label[locale] })),
    current: ticket.priority,
    ...(error ? { error } : {}),
  });
}

async function prioritiesOf(context: TeamsContext, ticket: Ticket) {
  const organisation = await context.deps.organisations.get(ticket.organisationId);
  if (!organisation) throw new DomainError('notFound', { organisation: ticket.organisationId });
  return context.deps.contracts.contract(organisation.contractId).terms.priorities;
}

/** Assign or Priority pressed on the triage card: the card that asks, for the desk's people only. */
async function ask(turn: TurnContext, context: TeamsContext, button: ChoiceButton): Promise<object> {
  const { ticket, locale } = await chooser(turn, context, button);
  return cardResponse(await choiceCardFor(context, button, ticket, locale));
}

/**
 * The choice card's submit: the choice read and checked (an Entra user who is one of the desk's
 * people, a priority the ticket's contract has), then the button pressed with it, once per
 * activity id. A refused choice brings the card back with the reason; the press done, the presser
 * is shown the triage card again, which the desk's own delivery has brought up to date for all.
 */
async function choose(turn: TurnContext, context: TeamsContext, data: unknown): Promise<object> {
  const { [CHOICE_INPUT]: choice, ...rest } = (
    typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {}
  ) as Record<string, unknown>;
  const button = buttonOf(CHOICE_VERB, rest);
  if (!isChoiceButton(button)) throw new DomainError('invalidButton', { channel: 'teams' });
  const { from, person, ticket, locale } = await chooser(turn, context, button);
  const picked = typeof choice === 'string' ? choice.trim() : '';
  const again = async (error: string) =>
    cardResponse(await choiceCardFor(context, button, ticket, locale, error));
  if (!picked) return again(translate(locale, 'teams.choices.required'));
  let input: ChatPress['input'];
  if (button.action === 'assign') {
    const assignee = await context.deps.people.findByIdentity('teams', picked);
    if (!assignee) {
      return again(errorMessage(locale, 'errors.assigneeUnknown', { platform: 'teams', externalId: picked }));
    }
    if (!isDeskSide(assignee)) {
      return again(translate(locale, 'teams.choices.notAnAgent', { name: assignee.name }));
    }
    input = { assigneeId: assignee.id };
  } else {
    const priorities = await prioritiesOf(context, ticket);
    if (!priorities.some((p) => p.key === picked)) {
      const known = priorities.map((p) => p.key).join(', ');
      return again(errorMessage(locale, 'errors.unknownPriority', { priority: picked, known }));
    }
    input = { priority: picked };
  }
  const { ticket: after } = await pressButton(context.deps, {
    channel: 'teams',
    eventId: eventIdOf(turn),
    from,
    button,
    input,
  });
  const shown = await triageCardFor(turn, context, after.id, person);
  return shown ? cardResponse(shown) : doneResponse(locale, after);
}

const doneResponse = (locale: Locale, ticket: Ticket) =>
  messageResponse(
    translate(locale, 'teams.done', {
      ticketId: ticket.id,
      status: translate(locale, `statuses.${ticket.status}`),
    }),
  );

/**
 * Who views a card: the person the desk knows by their Entra object id, else (their first
 * contact) by the address Teams vouches for; undefined for anyone the desk does not know.
 */
async function viewerOf(turn: TurnContext, context: TeamsContext): Promise<Person | undefined> {
  const aad = turn.activity.from?.aadObjectId;
  if (!aad) return undefined;
  const known = await context.deps.people.findByIdentity('teams', aad);
  if (known) return known;
  const from = await context.users.of(turn);
  if (!from) return undefined;
  try {
    return await identifyChatUser(context.deps, from);
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}

/** The invoke comes from the ticket's triage card itself, where the channel shows it to everyone in it. */
function onTheCard(turn: TurnContext, root: { id: string }): boolean {
  const place = teamsMessagePlace(root.id);
  const conversation = turn.activity.conversation?.id ?? '';
  return (
    turn.activity.replyToId === place.activityId &&
    baseConversation(conversation) === baseConversation(place.conversationId)
  );
}

/**
 * The ticket's triage card as `viewer` is to see it, undefined when there is none on Teams: the
 * desk's people get it with its buttons; a contact of the ticket's organisation without; any other
 * customer nothing of it; someone the desk does not know it without buttons, but only where they
 * see it anyway (on the card's own message in the channel), never for a ticket id sent from
 * elsewhere.
 */
async function triageCardFor(
  turn: TurnContext,
  context: TeamsContext,
  ticketId: string,
  viewer: Person | undefined,
): Promise<AdaptiveCard | undefined> {
  const conversation = await context.deps.conversations.get(ticketId, 'teams', 'triage');
  if (!conversation?.card) return undefined;
  if (viewer && isDeskSide(viewer)) return viewerCard(conversation.card, true);
  if (viewer) {
    // SPEC (004 §2.2): a registered contact sees their own organisation's tickets, never another's.
    const ticket = await context.deps.tickets.get(ticketId);
    const organisation = ticket ? await context.deps.organisations.get(ticket.organisationId) : undefined;
    const own = organisation !== undefined && isRegisteredContact(viewer, organisation);
    return own ? viewerCard(conversation.card, false) : unavailableCard(await readerLocale(context, turn));
  }
  return onTheCard(turn, conversation.root)
    ? viewerCard(conversation.card, false)
    : unavailableCard(await readerLocale(context, turn));
}

/**
 * The triage card's refresh (Teams runs it for each viewer, automatically) and the choice cards'
 * Cancel (the same action, pressed): the card as this viewer is to see it. Nothing changes.
 */
async function refresh(turn: TurnContext, context: TeamsContext, data: unknown): Promise<object> {
  const ticketId = (data as { ticketId?: unknown } | null | undefined)?.ticketId;
  const valid = typeof ticketId === 'string' && ticketId.length > 0 && ticketId.length <= 64;
  const shown = valid
    ? await triageCardFor(turn, context, ticketId, await viewerOf(turn, context))
    : undefined;
  return cardResponse(shown ?? unavailableCard(await readerLocale(context, turn)));
}

/**
 * The desk's card actions (`Action.Execute`, verb `sladesk:<action>`, data the core's button):
 * pressed through the app as the Teams user who pressed, once per activity id however often Teams
 * delivers it, and answered in the invoke: what the ticket is now, or the refusal, in the
 * presser's language. Assign and Priority are answered with a card that asks for the choice
 * (teams-choice-cards.ts), whose submit presses them. The triage card's refresh shows each viewer
 * the card as they may see it. The card itself is brought up to date by the desk's own delivery.
 */
export const cardActionListeners: TeamsListener = async (turn, context) => {
  const { activity } = turn;
  if (activity.type !== 'invoke' || activity.name !== CARD_ACTION_INVOKE) return false;
  const action = (activity.value as ExecuteValue | undefined)?.action;
  const verb = action?.verb;
  if (typeof verb !== 'string' || !verb.startsWith(ACTION_VERB_PREFIX)) return false;
  if (verb === REFRESH_VERB) {
    try {
      await answerWith(turn, await refresh(turn, context, action?.data));
    } catch (error) {
      // The viewer keeps the card as posted.
      context.logger.error({ err: error }, 'a Teams card refresh failed');
      const message = errorMessage(await readerLocale(context, turn), 'errors.chatFailed', {});
      await answerWith(turn, {
        statusCode: 500,
        type: ERROR_RESPONSE,
        value: { code: 'InternalError', message },
      });
    }
    return true;
  }
  try {
    if (verb === CHOICE_VERB) {
      await answerWith(turn, await choose(turn, context, action?.data));
      return true;
    }
    const button = buttonOf(verb, action?.data);
    if (isChoiceButton(button)) {
      await answerWith(turn, await ask(turn, context, button));
      return true;
    }
    const { ticket, duplicate } = await press(turn, context, button);
    const locale = await readerLocale(context, turn);
    await answerWith(turn, duplicate ? receivedResponse(locale, ticket.id) : doneResponse(locale, ticket));
  } catch (error) {
    await answerWith(turn, messageResponse(await refusalText(context, turn, error)));
  }
  return true;
};
