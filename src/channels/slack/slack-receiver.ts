import type { App, Receiver } from '@slack/bolt';
import type { SlackHandler } from './slack-endpoint.ts';

/**
 * Bolt's receiver, as the desk's own HTTP server serves it: the `/slack/events` endpoint checks
 * and acks (see slack-endpoint.ts), this hands each verified request to the bolt app. It listens
 * on nothing itself, so Slack shares the API's port, its limits and its logs.
 */
export class EndpointReceiver implements Receiver {
  private app: App | undefined;

  init(app: App): void {
    this.app = app;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  /** Work acked but not yet done: Slack has its answer, the person not yet. */
  private readonly running = new Set<Promise<void>>();

  /** Resolves once all work acked so far is done: for a drain at shutdown, and for tests. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  readonly handle: SlackHandler = async (delivery) => {
    const work = this.process(delivery);
    this.running.add(work);
    try {
      await work;
    } finally {
      this.running.delete(work);
    }
  };

  private async process({ body, retry, ack }: Parameters<SlackHandler>[0]): Promise<void> {
    if (!this.app) throw new Error('the Slack receiver was not given its app');
    await this.app.processEvent({
      body: body as Record<string, unknown>,
      ack: async (response?: unknown) =>
        ack(typeof response === 'object' && response !== null ? response : undefined),
      ...(retry ? { retryNum: retry.num, retryReason: retry.reason } : {}),
    });
  }
}
