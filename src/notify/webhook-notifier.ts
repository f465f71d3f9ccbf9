import { createHmac } from 'node:crypto';
import type { Notification } from '../app/notification.ts';
import type { Notifier } from '../app/ports.ts';

export class WebhookError extends Error {
  override name = 'WebhookError';
}

/**
 * POSTs every notification as JSON to an integration's URL. With a secret, the body is signed
 * (`X-Sladesk-Signature: sha256=<hex HMAC>`) so the receiver can tell it came from this desk.
 */
export class WebhookNotifier implements Notifier {
  constructor(
    private readonly target: { url: string; secret?: string },
    private readonly timeoutMs = 5_000,
  ) {}

  async notify(notification: Notification): Promise<void> {
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
    if (!response.ok) throw new WebhookError(`web-hook answered ${response.status}`);
  }
}
