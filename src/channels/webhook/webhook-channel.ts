import { createHmac } from 'node:crypto';
import {
  ChannelBusyError,
  type Address,
  type ChannelSender,
  type MessageRef,
} from '../../app/messaging/channel.ts';
import type { OutgoingMessage } from '../../app/messaging/message.ts';
import { plainText } from '../plain-text.ts';

export class WebhookError extends Error {
  override name = 'WebhookError';
}

/** How long a 429 without a usable Retry-After makes us wait. */
const DEFAULT_BUSY_MS = 60_000;

function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  if (header !== null && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = header ? Date.parse(header) : NaN;
  return Number.isNaN(at) ? DEFAULT_BUSY_MS : Math.max(0, at - Date.now());
}

/**
 * POSTs every message as JSON to an integration's URL, through the same outbox, leases and
 * retries as the chat channels. With a secret, the body is signed (`X-Sladesk-Signature:
 * sha256=<hex HMAC>`) so the receiver can tell it came from this desk; the notification's `id` is
 * stable, so a receiver can drop the rare repeat after a lost answer.
 */
export class WebhookChannel implements ChannelSender {
  readonly name = 'webhook';
  readonly reach = 'feed';

  constructor(
    private readonly target: { url: string; secret?: string },
    private readonly timeoutMs = 5_000,
  ) {}

  async post(_address: Address, message: OutgoingMessage): Promise<MessageRef> {
    const notification = {
      id: message.id,
      recipient: message.recipient,
      ticketId: message.ticketId,
      event: message.event,
      key: message.key,
      kind: message.kind,
      locale: message.locale,
      text: plainText(message),
      params: message.params,
      actions: message.buttons,
    };
    const body = JSON.stringify({ type: 'sladesk.notification', notification });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.target.secret) {
      headers['x-sladesk-signature'] =
        `sha256=${createHmac('sha256', this.target.secret).update(body).digest('hex')}`;
    }
    const response = await fetch(this.target.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // The receiver's body is of no use to us, but must be drained to free the connection.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status === 429)
      throw new ChannelBusyError('web-hook answered 429', retryAfterMs(response.headers.get('retry-after')));
    if (!response.ok) throw new WebhookError(`web-hook answered ${response.status}`);
    return { id: message.id, thread: message.ticketId };
  }

  async update(_ref: MessageRef, message: OutgoingMessage): Promise<void> {
    await this.post({ kind: 'feed' }, message);
  }
}
