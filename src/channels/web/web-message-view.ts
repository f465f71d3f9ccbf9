import { formatInTimeZone } from 'date-fns-tz';
import type { ButtonActionName } from '../../app/action-steps.ts';
import { buttonLabel, plainText } from '../plain-text.ts';
import type { WebMessage } from './web-inbox.ts';

/** A kept message as the browser is given it: its words, and the buttons it offers. */
export interface WebMessageView {
  ref: string;
  thread: string;
  ticketId: string;
  text: string;
  buttons: { action: ButtonActionName; label: string }[];
  updates: number;
  postedAt: string;
  /** When it was posted, in the organisation's time zone. */
  postedAtText: string;
  /** Written by the reader themselves. */
  own: boolean;
  /** The reader's answer to it (a button they pressed), in their words. */
  answered?: string;
}

/** In the words it was composed in: the reader's language and their organisation's time zone. */
export function viewOf(message: WebMessage): WebMessageView {
  const { body } = message;
  // The body went through the database: its instants may come back as strings in some stores.
  const params = Object.fromEntries(
    Object.entries(body.params).map(([name, value]) => [
      name,
      typeof value === 'string' && /Due$|At$/.test(name) ? new Date(value) : value,
    ]),
  );
  const composed = { ...body, params: params as typeof body.params, event: undefined as never };
  return {
    ref: message.ref,
    thread: message.thread,
    ticketId: message.ticketId,
    text: message.written ?? plainText(composed),
    // Once answered, the page offers the choice no more; the desk still judges a late press.
    buttons: (message.answered ? [] : body.buttons).map((button) => ({
      action: button.action,
      label: buttonLabel(body.locale, button.action),
    })),
    updates: message.updates,
    postedAt: message.postedAt.toISOString(),
    postedAtText: formatInTimeZone(message.postedAt, body.timeZone, 'yyyy-MM-dd HH:mm'),
    own: message.written !== undefined,
    ...(message.answered ? { answered: buttonLabel(body.locale, message.answered) } : {}),
  };
}
