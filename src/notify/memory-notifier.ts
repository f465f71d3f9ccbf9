import type { Notification } from '../app/notification.ts';
import type { Notifier } from '../app/ports.ts';

/** Keeps notifications in memory, in order: for tests and for a desk with nobody to tell yet. */
export class MemoryNotifier implements Notifier {
  readonly sent: Notification[] = [];

  async notify(notification: Notification): Promise<void> {
    this.sent.push(notification);
  }
}
