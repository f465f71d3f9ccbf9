import type { TurnContext } from 'botbuilder';
import type { ChatUser } from '../../../app/chat/chat-user.ts';
import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { openFromChat } from '../../../app/chat/open-from-chat.ts';
import { replyInThread } from '../../../app/chat/reply-in-thread.ts';
import type { MessageRef } from '../../../app/messaging/channel.ts';
import { DomainError } from '../../../domain/domain-error.ts';
import { isDeskSide, type Person } from '../../../domain/desk/people.ts';
import type { Locale } from '../../../domain/locale.ts';
import { translate } from '../../../i18n/translate.ts';
import { impactLine, readTicketForm, titleFrom, type TicketForm } from '../../ticket-form.ts';
import { ADAPTIVE_CARD_CONTENT_TYPE, escapeCardText, type AdaptiveCard } from '../teams-card.ts';
import { readerLocale, refusalText, type TeamsContext, type TeamsListener } from '../teams-context.ts';
import { baseConversation, replyChain, teamsRef, teamsThread } from '../teams-refs.ts';
import { ticketFormCard } from '../teams-ticket-form.ts';
import { organisationOfChannel } from './customer-channels.ts';
import { withoutTags } from '../teams-text.ts';
import { chainRoot } from './channel-messages.ts';

/** The invokes of a message action declared with `fetchTask: true`: the dialog, then its submit. */
export const FETCH_TASK_INVOKE = 'composeExtension/fetchTask';
export const SUBMIT_ACTION_INVOKE = 'composeExtension/submitAction';

/** The message actions' command ids, as the app manifest's composeExtensions declare them. */
export const CREATE_TICKET_COMMAND = 'createTicket';
export const SEND_TO_CUSTOMER_COMMAND = 'sendToCustomer';

/** The message the action was chosen on, as Teams hands it over (MessageActionsPayload). */
interface MessagePayload {
  id?: string;
  replyToId?: string | null;
  linkToMessage?: string;
  body?: { contentType?: string; content?: string };
}

/** An invoke's value (MessagingExtensionAction): the command, its message, the dialog's inputs. */
interface ActionValue {
  commandId?: unknown;
  commandContext?: unknown;
  messagePayload?: MessagePayload;
  data?: unknown;
}

/** The message an action was chosen on, where the desk finds it. */
interface SourceMessage {
  /** Its words, without markup and mentions. */
  text: string;
  /** In a channel: the reply chain it is in, as a thread. */
  thread?: string;
  /** In a channel: whether it is the chain's first message (a post), not a reply. */
  isPost: boolean;
  /** Its reference, in the chain it is in. */
  ref?: MessageRef;
  /** A post's reference as the root of the chain it starts (as a customer channel's ticket has it). */
  post?: MessageRef;
  /** The channel's own conversation id. */
  channel?: string;
  /** Teams' link to it. */
  link?: string;
}

function sourceOf(turn: TurnContext, payload: MessagePayload | undefined): SourceMessage {
  const { activity } = turn;
  // The payload's fields as Teams types them; anything else is as if it were not there.
  const string = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  const content = string(payload?.body?.content);
  const text = content ? withoutTags(content) : '';
  const linked = string(payload?.linkToMessage);
  const link = linked && /^https:\/\/\S+$/.test(linked) ? linked : undefined;
  const conversation = activity.conversation?.id ?? '';
  const id = string(payload?.id);
  if (activity.conversation?.conversationType !== 'channel' || !activity.serviceUrl || !id) {
    return { text, isPost: false, ...(link ? { link } : {}) };
  }
  // The invoke comes in the chain the message is in; the payload's own parent, where it is not.
  const root = chainRoot(conversation) ?? string(payload?.replyToId) ?? id;
  const chain = replyChain(conversation, root);
  const { serviceUrl } = activity;
  const thread = teamsThread(serviceUrl, chain);
  const ref = teamsRef({ serviceUrl, conversationId: chain, activityId: id }, { in: thread });
  const channel = baseConversation(conversation);
  const isPost = root === id;
  const post = isPost
    ? teamsRef({ serviceUrl, conversationId: channel, activityId: id }, 'replyChain')
    : undefined;
  return { text, thread, isPost, ref, channel, ...(post ? { post } : {}), ...(link ? { link } : {}) };
}

/** An invoke's answer: the HTTP body Teams reads. */
async function answer(turn: TurnContext, body: object): Promise<void> {
  await turn.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
}

/** A dialog (task module) showing `card`. */
const dialog = (title: string, card: AdaptiveCard) => ({
  task: {
    type: 'continue',
    value: { title, width: 'medium', card: { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card } },
  },
});

/** A message in place of the dialog: what was done, or why not. */
const told = (text: string) => ({ task: { type: 'message', value: text } });

/**
 * A dialog's card submits with Action.Submit: its inputs come back as the action's submit, to
 * the same command. (Universal Actions would come as card actions, without the message.)
 */
function submitting(card: AdaptiveCard): AdaptiveCard {
  return {
    ...card,
    actions: (card.actions ?? []).map((action) => {
      const { verb: _verb, ...rest } = action as { verb?: string; type: string };
      return { ...rest, type: 'Action.Submit' };
    }),
  };
}

async function personOf(
  turn: TurnContext,
  context: TeamsContext,
): Promise<{ from: ChatUser; person: Person }> {
  const from = await context.users.of(turn);
  if (!from) {
    throw new DomainError('notAContact', { platform: 'teams', externalId: turn.activity.from?.id ?? '' });
  }
  return { from, person: await identifyChatUser(context.deps, from) };
}

async function prioritiesFor(context: TeamsContext, person: Person, locale: Locale) {
  if (!person.organisationId) return undefined;
  const organisation = await context.deps.organisations.get(person.organisationId);
  if (!organisation) return undefined;
  return context.deps.contracts
    .contract(organisation.contractId)
    .terms.priorities.map((p) => ({ key: p.key, label: p.label[locale] }));
}

/** The ticket whose conversation the message already is, if any. */
async function ticketOf(context: TeamsContext, source: SourceMessage) {
  return source.thread ? context.deps.conversations.ticketOfThread('teams', source.thread) : undefined;
}

/** Says so, when the message is a ticket's conversation already (its post, or a reply in it). */
async function alreadyATicket(
  turn: TurnContext,
  context: TeamsContext,
  source: SourceMessage,
  locale: Locale,
): Promise<boolean> {
  const taken = await ticketOf(context, source);
  if (!taken) return false;
  const text = translate(locale, 'teams.messageActions.alreadyATicket', { id: taken.ticketId });
  await answer(turn, told(text));
  return true;
}

function formCard(
  locale: Locale,
  priorities: { key: string; label: string }[] | undefined,
  prefill: Partial<Pick<TicketForm, 'title' | 'description'>>,
  errors?: Partial<Record<keyof TicketForm, string>>,
): AdaptiveCard {
  const card = ticketFormCard({
    locale,
    prefill,
    ...(priorities ? { priorities } : {}),
    ...(errors ? { errors } : {}),
  });
  return submitting(card.content);
}

/** "Create ticket" chosen: the new-ticket form, filled with the message, for a customer's contact. */
async function fetchCreateTicket(turn: TurnContext, context: TeamsContext, source: SourceMessage) {
  const { person } = await personOf(turn, context);
  const locale = await readerLocale(context, turn);
  if (isDeskSide(person)) throw new DomainError('customerOnly', { action: 'openFromChat' });
  if (await alreadyATicket(turn, context, source, locale)) return;
  const prefill = source.text ? { title: titleFrom(source.text), description: source.text } : {};
  const card = formCard(locale, await prioritiesFor(context, person, locale), prefill);
  await answer(turn, dialog(translate(locale, 'ticketForm.heading'), card));
}

/**
 * The form submitted: the ticket, once per submit however often Teams sends it, with Teams' link
 * to the message. A post in a channel mapped to the requester's own organisation becomes the
 * ticket's conversation, as if it had opened it itself; anywhere else the desk does not answer
 * where others read. A message that is a ticket's conversation already opens nothing.
 */
async function submitCreateTicket(
  turn: TurnContext,
  context: TeamsContext,
  source: SourceMessage,
  data: unknown,
) {
  const locale = await readerLocale(context, turn);
  const read = readTicketForm(data, locale);
  if (!read.ok) {
    const { person } = await personOf(turn, context);
    const values = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
    const prefill = {
      ...(typeof values.title === 'string' ? { title: values.title } : {}),
      ...(typeof values.description === 'string' ? { description: values.description } : {}),
    };
    const card = formCard(locale, await prioritiesFor(context, person, locale), prefill, read.errors);
    await answer(turn, dialog(translate(locale, 'ticketForm.heading'), card));
    return;
  }
  const { activity } = turn;
  const eventId = activity.id ?? '';
  // A submit delivered again finds the ticket it opened as the message's: it is answered as before.
  const again = await context.deps.inbound.handled('teams', eventId);
  if (!again && (await alreadyATicket(turn, context, source, locale))) return;
  const { from, person } = await personOf(turn, context);
  const { ticket } = read;
  const mapped =
    source.post && source.channel && activity.serviceUrl
      ? await organisationOfChannel(context, activity.serviceUrl, source.channel)
      : undefined;
  const origin = mapped !== undefined && mapped === person.organisationId ? source.post : undefined;
  const description = [ticket.description, impactLine(locale, ticket.impact), source.link]
    .filter(Boolean)
    .join('\n\n');
  const { ticket: opened } = await openFromChat(context.deps, {
    channel: 'teams',
    // One dialog submitted is one ticket, however often Teams delivers the submit.
    eventId,
    from,
    category: ticket.category,
    title: ticket.title,
    description,
    ...(ticket.priority ? { priority: ticket.priority } : {}),
    ...(origin ? { origin, placeOf: mapped } : {}),
  });
  await answer(turn, told(translate(locale, 'teams.formSent', { id: opened.id })));
}

/** A message the desk may send to the customer: a reply in a ticket's triage chain. */
async function triageReply(context: TeamsContext, source: SourceMessage) {
  const place = await ticketOf(context, source);
  return place?.audience === 'triage' && !source.isPost && source.ref ? place : undefined;
}

/** "Send to customer" chosen: what will be said, to confirm, for the desk's people only. */
async function fetchSendToCustomer(turn: TurnContext, context: TeamsContext, source: SourceMessage) {
  const { person } = await personOf(turn, context);
  const locale = await readerLocale(context, turn);
  const t = (key: string, params = {}) => translate(locale, `teams.messageActions.${key}`, params);
  if (!isDeskSide(person)) return answer(turn, told(t('deskOnly')));
  const place = await triageReply(context, source);
  if (!place) return answer(turn, told(t('notATicketThread')));
  if (!source.text) return answer(turn, told(t('empty')));
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: t('confirmTitle'),
    body: [
      { type: 'TextBlock', text: t('confirmIntro', { id: place.ticketId }), wrap: true },
      {
        type: 'Container',
        style: 'emphasis',
        items: [{ type: 'TextBlock', text: escapeCardText(source.text), wrap: true }],
      },
    ],
    actions: [{ type: 'Action.Submit', title: t('confirm'), style: 'positive' }],
  };
  await answer(turn, dialog(t('confirmTitle'), card));
}

/**
 * Confirmed: the message's words become a public comment, said to the requester (the internal
 * note it was stays as it was). Checked again here, whatever the dialog showed: only the desk's
 * people, only a reply in a ticket's triage chain; once per message, however often it is sent.
 */
async function submitSendToCustomer(turn: TurnContext, context: TeamsContext, source: SourceMessage) {
  const { from, person } = await personOf(turn, context);
  const locale = await readerLocale(context, turn);
  const t = (key: string, params = {}) => translate(locale, `teams.messageActions.${key}`, params);
  if (!isDeskSide(person)) return answer(turn, told(t('deskOnly')));
  const place = await triageReply(context, source);
  if (!place || !source.thread || !source.ref) return answer(turn, told(t('notATicketThread')));
  if (!source.text) return answer(turn, told(t('empty')));
  const outcome = await replyInThread(context.deps, {
    channel: 'teams',
    // The message is the event: sent once, and apart from the note it was (its own activity's).
    eventId: `send:${source.ref.id}`,
    from,
    thread: source.thread,
    text: source.text,
    toCustomer: true,
  });
  if (outcome.kind !== 'commented') return answer(turn, told(t('notATicketThread')));
  await answer(turn, told(t('sent', { id: outcome.ticket.id })));
}

/**
 * The desk's message actions (composeExtensions, context message, `fetchTask: true`): "Create
 * ticket" opens the new-ticket form filled with the message and opens the ticket on its submit;
 * "Send to customer" shows the words to confirm and makes them a public comment. Each invoke is
 * answered in it: a dialog, or a message saying what was done or why not, in the chooser's
 * language. Commands that are not the desk's are left alone.
 */
export const messageActionListeners: TeamsListener = async (turn, context) => {
  const { activity } = turn;
  if (activity.type !== 'invoke') return false;
  if (activity.name !== FETCH_TASK_INVOKE && activity.name !== SUBMIT_ACTION_INVOKE) return false;
  const value = (activity.value ?? {}) as ActionValue;
  const command = value.commandId;
  if (command !== CREATE_TICKET_COMMAND && command !== SEND_TO_CUSTOMER_COMMAND) return false;
  const fetching = activity.name === FETCH_TASK_INVOKE;
  try {
    const source = sourceOf(turn, value.messagePayload);
    if (command === CREATE_TICKET_COMMAND) {
      await (fetching
        ? fetchCreateTicket(turn, context, source)
        : submitCreateTicket(turn, context, source, value.data));
    } else {
      await (fetching
        ? fetchSendToCustomer(turn, context, source)
        : submitSendToCustomer(turn, context, source));
    }
  } catch (error) {
    await answer(turn, told(await refusalText(context, turn, error)));
  }
  return true;
};
