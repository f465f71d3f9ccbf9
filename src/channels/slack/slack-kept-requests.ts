import { createHash } from 'node:crypto';
import type { App, ReceiverEvent } from '@slack/bolt';
import pLimit, { type LimitFunction } from 'p-limit';
import { HOME_NEW_TICKET_ACTION } from './slack-home.ts';
import { BUTTON_ACTION_PREFIX } from './slack-message.ts';
import type { Clock, ReceivedRequests, Waiter } from '../../app/ports.ts';

/** Slack waits 3 s for its answer: a request not kept by then is answered 500, and Slack sends it again. */
export const KEEP_WITHIN_MS = 2_000;

/**
 * How many requests are worked at once after their ack. Slack gets its answer at once whatever
 * the backlog; the work behind it waits its turn (kept, so nothing is lost), instead of thousands
 * of opens sharing the event loop and the database at once until none finishes in time.
 */
export const WORK_AT_ONCE = 8;

/**
 * The request's ack, then a turn to work: the listener's `await ack()` answers Slack and returns
 * once one of the WORK_AT_ONCE turns is free; `release` gives the turn back.
 */
function ackThenTurn(limit: LimitFunction, ack: ReceiverEvent['ack']) {
  let release: (() => void) | undefined;
  let turn: Promise<void> | undefined;
  return {
    ack: async (response?: unknown) => {
      await ack(response as never);
      turn ??= new Promise<void>((granted) => {
        void limit(() => new Promise<void>((done) => ((release = done), granted())));
      });
      await turn;
    },
    release: () => release?.(),
  };
}

/** The block actions whose work opens a modal (views.open with the press's trigger_id). */
const MODAL_ACTIONS: ReadonlySet<string> = new Set([
  HOME_NEW_TICKET_ACTION,
  `${BUTTON_ACTION_PREFIX}priority`,
]);

/** Slash commands, shortcuts, and the buttons that open a modal: Slack's trigger_id lasts 3 s. */
function opensModal(body: Record<string, unknown>): boolean {
  if (typeof body.command === 'string') return true;
  if (body.type === 'shortcut' || body.type === 'message_action') return true;
  if (body.type !== 'block_actions') return false;
  const actions = (body.actions ?? []) as { action_id?: string }[];
  return actions.some((action) => MODAL_ACTIONS.has(action.action_id ?? ''));
}

/** A kept request whose replay keeps failing is let go this long after it came. */
const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;

/** A kept request younger than this is taken to be at work in some process. */
export const AT_WORK_MS = 30_000;

export interface KeptRequests {
  /** Works the requests an earlier process acked and did not finish; resolves with how many. */
  replay(): Promise<number>;
  /** Resolves once the replay of the requests surely left behind is done. */
  settled(): Promise<void>;
  /** The second pass, AT_WORK_MS after the start: how many it worked (0 when stopped first). */
  laterPass(): Promise<number>;
  /** No later replay pass starts after this. */
  stop(): void;
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
  const process = app.processEvent.bind(app);
  const limit = pLimit(WORK_AT_ONCE);
  const work = async (event: ReceiverEvent) => {
    // A modal must open within the 3 s of its trigger_id: that work does not queue.
    if (opensModal(event.body)) {
      await process(event);
      return;
    }
    const turn = ackThenTurn(limit, event.ack);
    try {
      await process({ ...event, ack: turn.ack });
    } finally {
      turn.release();
    }
  };
  const done = (id: string) =>
    received
      .done('slack', id)
      .catch((error: unknown) => logger.error({ err: error }, 'letting go of a Slack request failed'));

  app.processEvent = async (event) => {
    const body = JSON.stringify(event.body);
    const id = createHash('sha256').update(body).digest('base64url');
    const kept = received.keep({ channel: 'slack', id, body, receivedAt: clock.now() });
    const late = waiter.wait(KEEP_WITHIN_MS).then(() => {
      // Answered 500, so Slack sends it again: a keep landing after all is let go, or the retry
      // would find it kept, take it to be at work, and answer without doing it.
      void kept.then(({ first }) => (first ? done(id) : undefined)).catch(() => undefined);
      throw new Error(`the database did not keep the Slack request within ${KEEP_WITHIN_MS} ms`);
    });
    const { first, keptAt } = await Promise.race([kept, late]);
    // Slack sends a request again when our answer was slow; the first is still at work (or, kept
    // long ago by a process that died, is worked now). Either way this one is answered, not redone.
    if (!first && clock.now().getTime() - keptAt.getTime() < AT_WORK_MS) {
      await event.ack();
      return;
    }
    try {
      await work(event);
    } finally {
      await done(id);
    }
  };

  /** Works the requests kept before `before`, oldest first; how many. */
  const replayKeptBefore = async (before: Date): Promise<number> => {
    let worked = 0;
    for (const request of await received.unfinished('slack', before, 1_000)) {
      // Its ack went long ago; its trigger or response URL may have expired, its ids have not.
      const succeeded = await work({
        body: JSON.parse(request.body) as Record<string, unknown>,
        ack: async () => undefined,
      }).then(
        () => true,
        (error: unknown) => {
          logger.error({ err: error }, 'working a kept Slack request failed');
          return false;
        },
      );
      // A request whose work failed (the database gone again) waits for the next start, up to a
      // day: after that, whatever it asked for is long past.
      const expired = clock.now().getTime() - request.receivedAt.getTime() > GIVE_UP_AFTER_MS;
      if (succeeded || expired) await done(request.id);
      if (succeeded) worked++;
    }
    return worked;
  };

  let replaying: Promise<number> = Promise.resolve(0);
  let later: Promise<number> = Promise.resolve(0);
  let stopped = false;
  return {
    /**
     * At start: the requests kept AT_WORK_MS or more before it, whose process is surely gone; then,
     * once AT_WORK_MS has passed, the rest kept before the start, which another live process may
     * have been at work on until then. Requests of this process are never replayed.
     */
    replay() {
      const startedAt = clock.now();
      replaying = replayKeptBefore(new Date(startedAt.getTime() - AT_WORK_MS));
      later = replaying
        .then(() => waiter.wait(AT_WORK_MS))
        .then(() => (stopped ? 0 : replayKeptBefore(startedAt)))
        .catch((error: unknown) => {
          logger.error({ err: error }, 'working kept Slack requests failed');
          return 0;
        });
      return replaying;
    },
    settled: () => replaying.then(() => undefined),
    laterPass: () => later,
    stop() {
      stopped = true;
    },
  };
}
