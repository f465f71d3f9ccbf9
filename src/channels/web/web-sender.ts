import { createHash } from 'node:crypto';
import type { Address, ChannelSender, MessageRef } from '../../app/messaging/channel.ts';
import type { OutgoingMessage } from '../../app/messaging/message.ts';
import type { Clock } from '../../app/ports.ts';
import { personReader, type WebInbox, type WebMessageBody, type WebReader } from './web-inbox.ts';
import type { WebLive } from './web-live.ts';

/** The web identity of a person is their own id: whoever signs in as them is reached there. */
export const webIdentityOf = (personId: string) => ({ channel: 'web' as const, externalId: personId });

const readerOf = (address: Address): WebReader => {
  if (address.kind === 'person') return personReader(address.personId);
  if (address.kind === 'triage') return 'triage';
  throw new Error('the web channel reaches people and the queue, not a feed');
};

const bodyOf = ({ event: _event, ...body }: OutgoingMessage): WebMessageBody => body;

/**
 * The same notice for the same reader has the same ref: a delivery carried out again (after a
 * crash between keeping the message and recording it sent) finds it kept, and shows it once.
 */
const refFor = (message: OutgoingMessage, reader: WebReader): string =>
  'w' + createHash('sha256').update(`${message.id}\u0000${reader}`).digest('base64url').slice(0, 22);

/**
 * The web chat's sending side: keeps each message in the inbox for its reader's browser and tells
 * their open pages. Rendering happens when a page reads it (web-message-view.ts), in the words the
 * message was composed in.
 */
export function webSender(inbox: WebInbox, live: WebLive, clock: Clock): ChannelSender {
  return {
    name: 'web',
    reach: 'identities',
    identityChannel: 'web',
    async post(address: Address, message: OutgoingMessage, thread?: MessageRef): Promise<MessageRef> {
      const reader = readerOf(address);
      const ref = refFor(message, reader);
      const now = clock.now();
      const threadRef = thread?.thread ?? ref;
      await inbox.post({
        ref,
        thread: threadRef,
        reader,
        ticketId: message.ticketId,
        body: bodyOf(message),
        updates: 0,
        postedAt: now,
        changedAt: now,
      });
      live.publish(reader);
      return { id: ref, thread: threadRef };
    },
    async update(ref: MessageRef, message: OutgoingMessage): Promise<void> {
      const kept = await inbox.get(ref.id);
      if (!kept) throw new Error(`web: no message ${ref.id} to update`);
      await inbox.update(ref.id, bodyOf(message), clock.now());
      live.publish(kept.reader);
    },
  };
}
