import type { Notification } from '../app/notification.ts';
import type { Notifier } from '../app/ports.ts';

/**
 * Hands each notification to every channel. One channel failing does not keep the message from
 * the others; the failures are reported together afterwards.
 */
export class FanOutNotifier implements Notifier {
  constructor(private readonly channels: readonly Notifier[]) {}

  async notify(notification: Notification): Promise<void> {
    const results = await Promise.allSettled(this.channels.map((channel) => channel.notify(notification)));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0) {
      throw new AggregateError(
        failures.map((f) => f.reason),
        `${failures.length} channel(s) failed`,
      );
    }
  }
}
