import type { MessageButton, OutgoingMessage } from '../../app/messaging/message.ts';
import { translate, type Params } from '../../i18n/translate.ts';
import { buttonLabel, left, plainParams } from '../plain-text.ts';
import { escapeMrkdwn, slackDate } from './slack-text.ts';

/** What the Web API is given for one message: Block Kit for the eye, text for notifications. */
export interface SlackContent {
  text: string;
  blocks: object[];
}

/** The prefix of every action id the desk's buttons carry, so its handler knows its own. */
export const BUTTON_ACTION_PREFIX = 'sladesk:';

/** Every word someone wrote escaped, instants as Slack date tokens. */
function slackParams(message: OutgoingMessage): Params {
  const plain = plainParams(message);
  const escaped = Object.fromEntries(
    Object.entries(plain).map(([name, value]) => [
      name,
      typeof value === 'string' ? escapeMrkdwn(value) : value,
    ]),
  );
  const { params, timeZone } = message;
  const when = (at: Date | undefined) => (at ? slackDate(at, timeZone) : '-');
  return {
    ...escaped,
    responseDue: when(params.responseDue),
    resolutionDue: when(params.resolutionDue),
    dueAt: when(params.dueAt),
    opensAt: when(params.opensAt),
  };
}

/**
 * The card's SLA state in business time, as it stood at the change ("response due 14:00 · 1 h
 * 20 min left"), for each running clock; nothing when none runs.
 */
function slaLine(message: OutgoingMessage): string | undefined {
  const { params, locale, timeZone } = message;
  const clocks = [
    ['response', params.responseDue, params.responseLeftMs],
    ['resolution', params.resolutionDue, params.resolutionLeftMs],
  ] as const;
  const parts = clocks
    .filter(([, due, ms]) => due !== undefined && ms !== undefined)
    .map(([clock, due, ms]) =>
      translate(locale, `notify.sla.${clock}`, { at: slackDate(due!, timeZone), left: left(ms, locale) }),
    );
  if (parts.length === 0) return undefined;
  // Left as of the change: the card is not redrawn every minute, so it says when it was true.
  const asOf = translate(locale, 'notify.sla.note', { at: slackDate(message.event.at, timeZone) });
  return `${parts.join('  ·  ')}  (${asOf})`;
}

/** The escalation the card's ticket has reached, and whether it was acknowledged. */
function escalationLine({ params, locale }: OutgoingMessage): string | undefined {
  const escalation = params.escalation;
  if (!escalation) return undefined;
  const key = escalation.acknowledged >= escalation.level ? 'acknowledged' : 'waiting';
  return translate(locale, `notify.escalation.${key}`, { level: escalation.level });
}

/**
 * A message as Slack shows it: its sentence, the ticket's facts as a context line, and its buttons.
 * Each button's value is the core's button as JSON (ticket and the step it was made for); the
 * server checks it, and who pressed it, again when it comes back.
 */
export function slackContent(message: OutgoingMessage): SlackContent {
  const { locale } = message;
  const text = translate(locale, `notify.${message.key}`, slackParams(message));
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
    for (const line of [slaLine(message), escalationLine(message)]) {
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
