import type { ButtonActionName } from '../../app/action-steps.ts';
import type { OutgoingMessage } from '../../app/messaging/message.ts';

/** Whose a web message is: one person's (`person:<id>`), or the agents' queue (`triage`). */
export type WebReader = `person:${string}` | 'triage';

export const personReader = (personId: string): WebReader => `person:${personId}`;

/** What the web desk keeps of a message: everything it is shown with, not the event it came of. */
export type WebMessageBody = Omit<OutgoingMessage, 'event'>;

/**
 * A message as the web desk's "platform" keeps it for the browser: posted once under its `ref`,
 * threaded under its conversation's first message (`thread`), changed in place (`updates`).
 */
export interface WebMessage {
  ref: string;
  thread: string;
  reader: WebReader;
  ticketId: string;
  body: WebMessageBody;
  updates: number;
  postedAt: Date;
  changedAt: Date;
  /**
   * What the reader wrote themselves in the thread (a platform shows a user's own messages too);
   * its body is the thread's, for the ticket's words, without buttons.
   */
  written?: string;
  /** The button the reader answered this message with: the page offers the buttons no more. */
  answered?: ButtonActionName;
}

/**
 * Where the web channel keeps what it was sent, for the browsers to read: the web desk's
 * platform side, as Slack's servers are Slack's. A post of a ref already kept keeps the first, so
 * a delivery carried out again after a crash shows the message once.
 */
export interface WebInbox {
  post(message: WebMessage): Promise<void>;
  /** Changes a kept message in place; false when there is none under `ref`. */
  update(ref: string, body: WebMessageBody, changedAt: Date): Promise<boolean>;
  get(ref: string): Promise<WebMessage | undefined>;
  /** Marks a kept message answered by the reader's press of `action`. */
  answer(ref: string, action: ButtonActionName, at: Date): Promise<void>;
  /** A reader's messages, oldest first: the newest `limit` of them, or only one ticket's. */
  forReader(reader: WebReader, options?: { ticketId?: string; limit?: number }): Promise<WebMessage[]>;
  /** When any of these readers' messages last changed: what a live page polls for. */
  lastChange(readers: readonly WebReader[]): Promise<Date | undefined>;
}
