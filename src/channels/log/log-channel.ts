import type { Address, ChannelSender, MessageRef } from '../../app/messaging/channel.ts';
import type { OutgoingMessage } from '../../app/messaging/message.ts';
import { plainText } from '../plain-text.ts';

interface InfoLogger {
  info(details: object, message: string): void;
}

/**
 * Writes every message to the log: the desk's record of who was told what, and all there is when
 * no chat channel is connected. A record: it takes every message, whoever it is for, as it is
 * delivered, without an outbox entry of its own (a log line cannot fail in a way a retry mends).
 */
export class LogChannel implements ChannelSender {
  readonly name = 'log';
  readonly reach = 'record';

  constructor(private readonly logger: InfoLogger) {}

  async post(_address: Address, message: OutgoingMessage): Promise<MessageRef> {
    this.logger.info(
      {
        ticketId: message.ticketId,
        recipient: message.recipient,
        key: message.key,
        kind: message.kind,
        event: message.event.type,
        text: plainText(message),
      },
      'notification',
    );
    return { id: message.id, thread: message.ticketId };
  }

  async update(_ref: MessageRef, message: OutgoingMessage): Promise<void> {
    await this.post({ kind: 'feed' }, message);
  }
}
