import type { App, ReceiverEvent } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import type { ReceivedRequests } from '../../../src/app/ports.ts';
import { keepUntilDone, WORK_AT_ONCE } from '../../../src/channels/slack/slack-kept-requests.ts';

/** Turns of the event loop, enough for every promise already settled to have run on. */
const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise(setImmediate);
};

/**
 * The turns behind the acks, on a bolt app whose listeners are stand-ins: each acks, then, holding
 * a turn, waits until the test lets it finish. What is looked at is the desk's wrapper around it.
 */
function appWithListeners() {
  const started: string[] = [];
  const acked: string[] = [];
  const finish: (() => void)[] = [];
  const app = {
    async processEvent(event: ReceiverEvent) {
      const { name } = event.body as { name: string };
      await event.ack();
      started.push(name);
      await new Promise<void>((resolve) => finish.push(resolve));
    },
  } as unknown as App;
  const received: ReceivedRequests = {
    keep: async (request) => ({ first: true, keptAt: request.receivedAt }),
    done: async () => undefined,
    unfinished: async () => [],
  };
  keepUntilDone(app, {
    received,
    clock: { now: () => new Date('2026-12-02T10:00:00Z') },
    waiter: { wait: () => new Promise<void>(() => undefined) },
    logger: { error: () => undefined },
  });
  const send = (body: Record<string, unknown>) =>
    app.processEvent({ body, ack: async () => void acked.push(String(body.name)) });
  return { send, started, acked, finish };
}

describe('the work behind Slack’s acks', () => {
  it('runs WORK_AT_ONCE at a time, each acked at once; a slash command, which opens a modal, does not wait', async () => {
    const { send, started, acked, finish } = appWithListeners();
    const busy = Array.from({ length: WORK_AT_ONCE + 1 }, (_, i) =>
      send({ name: `event-${i}`, type: 'event_callback' }),
    );
    await turns();
    expect(acked).toHaveLength(WORK_AT_ONCE + 1);
    expect(started).toHaveLength(WORK_AT_ONCE);

    // The trigger_id of a command lasts 3 s: its work starts now, turns or not.
    void send({ name: 'ticket-command', command: '/ticket' });
    void send({
      name: 'priority-press',
      type: 'block_actions',
      actions: [{ action_id: 'sladesk:priority' }],
    });
    await turns();
    expect(started).toContain('ticket-command');
    expect(started).toContain('priority-press');
    expect(started).not.toContain(`event-${WORK_AT_ONCE}`);

    finish.shift()!();
    await turns();
    expect(started).toContain(`event-${WORK_AT_ONCE}`);
    for (const release of finish.splice(0)) release();
    await turns();
    for (const release of finish.splice(0)) release();
    await Promise.all(busy);
  });
});
