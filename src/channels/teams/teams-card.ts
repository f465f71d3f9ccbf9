import { formatInTimeZone } from 'date-fns-tz';
import type { MessageButton, OutgoingMessage } from '../../app/messaging/message.ts';
import { translate } from '../../i18n/translate.ts';
import {
  buttonLabel,
  escalationState,
  plainText,
  slaWords,
  wordedParams,
  type Wording,
} from '../plain-text.ts';

/** The content type Teams knows an Adaptive Card attachment by. */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** The prefix of every verb the desk's card actions carry (`sladesk:claim`…), so its handler knows its own. */
export const ACTION_VERB_PREFIX = 'sladesk:';

/** The verb of "Open ticket" on a desk person's reminder or escalation. */
export const OPEN_TICKET_VERB = 'sladesk_open_ticket';

/** The verb of a chat card's reply box: what is written there is a reply in the ticket's thread. */
export const REPLY_VERB = 'sladesk_reply';

/** A chat card's reply box: its input's id, and the ticket the reply is about (the action's data). */
export interface ReplyData {
  ticketId: string;
  reply?: unknown;
}

export interface TeamsCardOptions {
  /**
   * A reply box under the card (Action.ShowCard): for a person's chat, which has no reply chains,
   * so that a reply names the ticket it is about however many tickets share the chat.
   */
  replyBox?: boolean;
}

/**
 * The verb of the triage card's refresh (Universal Actions): Teams invokes it for each person who
 * views the card, and the bot answers with the card as that person is to see it.
 */
export const REFRESH_VERB = `${ACTION_VERB_PREFIX}refresh`;

/** An Adaptive Card attachment, as an activity carries it. */
export interface TeamsAttachment {
  contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
  content: AdaptiveCard;
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  fallbackText: string;
  body: object[];
  actions?: object[];
  /** Universal Actions' refresh: the Action.Execute Teams invokes to show the card per viewer. */
  refresh?: { action: object };
}

/** What the connector is given for one message: the card, and plain words for notifications. */
export interface TeamsContent {
  /** The notification's and the chat list's preview, in plain words. */
  summary: string;
  attachments: [TeamsAttachment];
}

/**
 * Text someone wrote, made safe for an Adaptive Card's TextBlock (and fact values), which read a
 * markdown subset: bold and italics (`**`, `_`), links (`[label](url)`), lists (`- `, `1. `) and,
 * in some hosts, code, headings and quotes. Every character that subset gives a meaning is
 * backslash-escaped (CommonMark's escape, which the Teams and Adaptive Cards renderers honour), so
 * that a title shows as it was typed and can neither link nor format. `{{` would open a text
 * function (`{{DATE(…)}}`): a zero-width joiner keeps its braces apart.
 */
export function escapeCardText(text: string): string {
  return text
    .replace(/[\\`*_[\]()#>~<!|]/g, '\\$&')
    .replace(/\{\{/g, '{\u2060{')
    .replace(/\}\}/g, '}\u2060}')
    .replace(/^(\s*)([-+])(?=\s)/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s)/gm, '$1\\$2');
}

/**
 * An instant as the card's text functions show it, in each reader's own calendar and clock: the
 * instant given with the organisation's UTC offset (the functions take RFC 3339 without
 * fractions). The card's fallback text and the activity's summary carry it as plain words in the
 * organisation's time zone, for notifications and hosts without text functions.
 */
export function cardDate(at: Date, timeZone: string): string {
  const instant = formatInTimeZone(at, timeZone, "yyyy-MM-dd'T'HH:mm:ssXXX");
  return `{{DATE(${instant}, SHORT)}} {{TIME(${instant})}}`;
}

/** An Adaptive Card's text: every word someone wrote escaped, instants as text functions. */
const CARD_WORDING: Wording = { text: escapeCardText, instant: cardDate };

function escalationWords(message: OutgoingMessage): string | undefined {
  const state = escalationState(message);
  if (!state) return undefined;
  const key = state.acknowledged ? 'acknowledged' : 'waiting';
  return translate(message.locale, `teams.escalation.${key}`, { level: state.level });
}

const fact = (title: string, value: string) => ({ title, value });

/**
 * A message as an Adaptive Card (schema 1.5): its sentence, the ticket's facts, and its buttons as
 * Universal Actions (`Action.Execute`, verb `sladesk:<action>`, data the core's button: ticket and
 * the step it was made for), which the bot answers, checking the button and who pressed it again.
 * Assign and Priority need a choice the card cannot offer without the desk's people and the
 * contract's priorities: they are plain actions too, and the listener answers them with a card
 * that asks (teams-choice-cards.ts). The triage card also carries a refresh, so that each viewer
 * sees it as they may: the desk's people with its buttons, others without, a customer of another
 * organisation nothing of it.
 */
export function teamsCard(message: OutgoingMessage, options: TeamsCardOptions = {}): AdaptiveCard {
  const { locale, params } = message;
  const text = translate(locale, `notify.${message.key}`, wordedParams(message, CARD_WORDING));
  const facts = [
    fact(translate(locale, 'teams.facts.ticket'), escapeCardText(params.ticketId)),
    fact(translate(locale, 'teams.facts.status'), translate(locale, `statuses.${params.status}`)),
    fact(translate(locale, 'teams.facts.priority'), escapeCardText(params.priority)),
  ];
  if (message.kind === 'card') {
    // The card is the agents' whole view of the ticket: what kind it is, whose, and how late.
    if (params.category) {
      facts.push(
        fact(translate(locale, 'teams.facts.category'), translate(locale, `categories.${params.category}`)),
      );
    }
    if (params.requester) {
      facts.push(fact(translate(locale, 'teams.facts.requester'), escapeCardText(params.requester)));
    }
    const sla = slaWords(message, CARD_WORDING);
    if (sla) facts.push(fact(translate(locale, 'teams.facts.sla'), sla));
    const escalation = escalationWords(message);
    if (escalation) facts.push(fact(translate(locale, 'teams.facts.escalation'), escalation));
  }
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: plainText(message),
    body: [
      { type: 'TextBlock', text, wrap: true },
      { type: 'FactSet', facts },
    ],
  };
  const actions = message.buttons.map((button) => executeAction(message, button));
  // A desk person's own thread (reminders, escalations) offers the ticket at a glance too.
  if (message.audience.startsWith('person:')) actions.push(openTicketAction(message));
  if (options.replyBox) actions.push(replyBox(message));
  if (actions.length > 0) card.actions = actions;
  if (message.kind === 'card') {
    // No `userIds`: it is optional, and in a chat or channel of up to 60 members Teams refreshes
    // the card automatically for every viewer; in a larger one only for the users it lists (their
    // Teams user ids, which the desk does not keep: it knows people by their Entra object id),
    // the others get a manual refresh. A list would also be a snapshot of the desk's people as of
    // this version of the card. Without a refresh a viewer sees the card as posted, with its
    // buttons, whose presses the bot checks anyway.
    card.refresh = {
      action: { type: 'Action.Execute', verb: REFRESH_VERB, data: { ticketId: message.ticketId } },
    };
  }
  return card;
}

/** "Open ticket": the ticket as it is now, for the presser (listeners/open-ticket.ts). */
function openTicketAction(message: OutgoingMessage): object {
  const data: { ticketId: string } = { ticketId: message.ticketId };
  return {
    type: 'Action.Execute',
    verb: OPEN_TICKET_VERB,
    title: translate(message.locale, 'teams.openTicket.button'),
    data,
  };
}

/** "Reply", opening a text box whose Send carries the ticket's id and what was written. */
function replyBox(message: OutgoingMessage): object {
  const { locale } = message;
  const data: ReplyData = { ticketId: message.ticketId };
  return {
    type: 'Action.ShowCard',
    title: translate(locale, 'teams.reply.button'),
    card: {
      type: 'AdaptiveCard',
      body: [
        {
          type: 'Input.Text',
          id: 'reply',
          isMultiline: true,
          maxLength: 4000,
          isRequired: true,
          placeholder: translate(locale, 'teams.reply.placeholder'),
          errorMessage: translate(locale, 'teams.reply.required'),
        },
      ],
      actions: [
        { type: 'Action.Execute', verb: REPLY_VERB, title: translate(locale, 'teams.reply.send'), data },
      ],
    },
  };
}

function executeAction(message: OutgoingMessage, button: MessageButton): object {
  const data: MessageButton = {
    action: button.action,
    ticketId: button.ticketId,
    ...(button.madeFor === undefined ? {} : { madeFor: button.madeFor }),
  };
  return {
    type: 'Action.Execute',
    verb: `${ACTION_VERB_PREFIX}${button.action}`,
    title: buttonLabel(message.locale, button.action),
    data,
    ...(button.action === 'claim' || button.action === 'accept' || button.action === 'acknowledge'
      ? { style: 'positive' }
      : {}),
  };
}

/** The activity content for a message: the card as its one attachment, and a plain summary. */
export function teamsContent(message: OutgoingMessage, options: TeamsCardOptions = {}): TeamsContent {
  return {
    summary: plainText(message),
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: teamsCard(message, options) }],
  };
}
