import { createHash } from 'node:crypto';
import type { App } from '@slack/bolt';
import type { Clock, ReceivedRequests, Waiter } from '../../app/ports.ts';

/** Slack waits 3 s for its answer: a request not kept by then is answered 500, and Slack sends it again. */
export const KEEP_WITHIN_MS = 2_000;

export interface KeptRequests {
  /** Works the requests an earlier process acked and did not finish; resolves with how many. */
  replay(): Promise<number>;
  /** Resolves once the replay started so far is done. */
  settled(): Promise<void>;
}

/**
 * Every request is kept in the database before bolt acks it and let go when its work is done, so
 * a process killed between the ack and the work leaves it to the next start instead of losing it
 * (Slack never sends an acked request again). The work is idempotent by the platform's ids, so a
 * request worked twice (a replay meeting a live process) acts once.
 */
export function keepUntilDone(
  app: App,
  options: {
    received: ReceivedRequests;
    clock: Clock;
    waiter: Waiter;
    logger: { error(details: object, message: string): void };
  },
): KeptRequests {
  const { received, clock, waiter, logger } = options;
  const work = app.processEvent.bind(app);
  const done = (id: string) =>
    received
      .done('slack', id)
      .catch((error: unknown) => logger.error({ err: error }, 'letting go of a Slack request failed'));

  app.processEvent = async (event) => {
    const body = JSON.stringify(event.body);
    const id = createHash('sha256').update(body).digest('base64url');
    const kept = received.keep({ channel: 'slack', id, body, receivedAt: clock.now() });
    const late = waiter.wait(KEEP_WITHIN_MS).then(() => {
      throw new Error(`the database did not keep the Slack request within ${KEEP_WITHIN_MS} ms`);
    });
    await Promise.race([kept, late]);
    try {
      await work(event);
    } finally {
      await done(id);
    }
  };

  let replaying: Promise<number> = Promise.resolve(0);
  return {
    replay() {
      replaying = (async () => {
        let worked = 0;
        for (const request of await received.unfinished('slack', 1_000)) {
          // Its ack went long ago; its trigger or response URL may have expired, its ids have not.
          await work({
            body: JSON.parse(request.body) as Record<string, unknown>,
            ack: async () => undefined,
          }).catch((error: unknown) => logger.error({ err: error }, 'working a kept Slack request failed'));
          await done(request.id);
          worked++;
        }
        return worked;
      })();
      return replaying;
    },
    settled: () => replaying.then(() => undefined),
  };
}
