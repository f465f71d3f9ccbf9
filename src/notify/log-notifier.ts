import type { Notification } from '../app/notification.ts';
import type { Notifier } from '../app/ports.ts';

interface InfoLogger {
  info(details: object, message: string): void;
}

/** Writes each notification to the log: the desk's record when no chat channel is connected. */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: InfoLogger) {}

  async notify(notification: Notification): Promise<void> {
    this.logger.info(
      {
        ticketId: notification.ticketId,
        recipient: notification.recipient,
        key: notification.key,
        event: notification.event.type,
        text: notification.text,
      },
      'notification',
    );
  }
}
