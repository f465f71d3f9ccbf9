import type { Identity } from '../../domain/desk/people.ts';

/** Who wrote, as a chat channel knows them once it has verified the platform's request. */
export interface ChatUser {
  identity: Identity;
  /**
   * An address the platform vouches for (a Slack profile's, a Teams user's principal name), to
   * match the user to their contact record on first contact. Never one the user typed: whoever
   * can choose it can act as anyone.
   */
  email?: string;
  /**
   * From another organisation's directory (a Slack Connect user of the customer's workspace, a
   * Teams guest): whoever runs that directory sets its addresses, so its e-mail is matched to
   * customers' contacts only, never to the desk's own people.
   */
  external?: boolean;
}

/** What makes one platform event idempotent: its open's key, its comment's id, its inbound log entry. */
export const chatEventKey = (channel: string, eventId: string): string => `${channel}:${eventId}`;
