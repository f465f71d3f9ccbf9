import type { MessageButton, OutgoingMessage } from '../../app/messaging/message.ts';
import { translate } from '../../i18n/translate.ts';
import { buttonLabel, escalationState, slaWords, wordedParams, type Wording } from '../plain-text.ts';
import { escapeMrkdwn, slackDate } from './slack-text.ts';

/** What the Web API is given for one message: Block Kit for the eye, text for notifications. */
export interface SlackContent {
  text: string;
  blocks: object[];
}

/** The prefix of every action id the desk's buttons carry, so its handler knows its own. */
export const BUTTON_ACTION_PREFIX = 'sladesk:';

/** Slack's mrkdwn: every word someone wrote escaped, instants as Slack date tokens. */
const SLACK_WORDING: Wording = { text: escapeMrkdwn, instant: slackDate };

/** The escalation the card's ticket has reached, and whether it was acknowledged. */
function escalationLine(message: OutgoingMessage): string | undefined {
  const state = escalationState(message);
  if (!state) return undefined;
  const key = state.acknowledged ? 'acknowledged' : 'waiting';
  return translate(message.locale, `notify.escalation.${key}`, { level: state.level });
}

/**
 * A message as Slack shows it: its sentence, the ticket's facts as a context line, and its buttons.
 * Each button's value is the core's button as JSON (ticket and the step it was made for); the
 * server checks it, and who pressed it, again when it comes back.
 */
export function slackContent(message: OutgoingMessage): SlackContent {
  const { locale } = message;
  const text = translate(locale, `notify.${message.key}`, wordedParams(message, SLACK_WORDING));
  const { params } = message;
  const facts = [
    `*${escapeMrkdwn(params.ticketId)}*`,
    translate(locale, `statuses.${params.status}`),
    escapeMrkdwn(params.priority),
    // The card is the agents' whole view of the ticket: what kind it is, and whose.
    ...(message.kind === 'card' && params.category
      ? [translate(locale, `categories.${params.category}`)]
      : []),
    ...(message.kind === 'card' && params.requester ? [escapeMrkdwn(params.requester)] : []),
  ].join(' · ');
  const blocks: object[] = [
    { type: 'section', text: { type: 'mrkdwn', text } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: facts }] },
  ];
  if (message.kind === 'card') {
    for (const line of [slaWords(message, SLACK_WORDING), escalationLine(message)]) {
      if (line) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: line }] });
    }
  }
  // A desk person's own thread (reminders, escalations) offers the ticket at a glance too.
  const opener = message.audience.startsWith('person:') ? [openTicketButton(message)] : [];
  if (message.buttons.length + opener.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: `sladesk-actions-${message.ticketVersion}`,
      elements: [
        ...message.buttons.map((button) =>
          button.action === 'assign' ? assignPicker(message, button) : buttonElement(locale, button),
        ),
        ...opener,
      ],
    });
  }
  return { text, blocks };
}

/**
 * Assign is Slack's user picker: the person is chosen where the button would be. A picker has no
 * value of its own, so the ticket rides in its action id (assign acts on the ticket as it is now).
 */
function assignPicker(message: OutgoingMessage, button: MessageButton): object {
  return {
    type: 'users_select',
    action_id: `${BUTTON_ACTION_PREFIX}assign:${button.ticketId}`,
    placeholder: { type: 'plain_text', text: translate(message.locale, 'slack.assignPlaceholder') },
  };
}

/** The action id of "Open ticket": the ticket, its state and a link to its card, for the presser alone. */
export const OPEN_TICKET_ACTION = 'sladesk_open_ticket';

function openTicketButton(message: OutgoingMessage): object {
  return {
    type: 'button',
    action_id: OPEN_TICKET_ACTION,
    text: { type: 'plain_text', text: translate(message.locale, 'slack.openTicket.button') },
    value: message.ticketId,
  };
}

function buttonElement(locale: OutgoingMessage['locale'], button: MessageButton): object {
  return {
    type: 'button',
    action_id: `${BUTTON_ACTION_PREFIX}${button.action}`,
    text: { type: 'plain_text', text: buttonLabel(locale, button.action) },
    value: JSON.stringify(button),
    ...(button.action === 'claim' || button.action === 'accept' || button.action === 'acknowledge'
      ? { style: 'primary' }
      : {}),
  };
}
