import { createHmac } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../src/app/notification.ts';
import { FanOutNotifier } from '../../src/notify/fan-out-notifier.ts';
import { MemoryNotifier } from '../../src/notify/memory-notifier.ts';
import { WebhookError, WebhookNotifier } from '../../src/notify/webhook-notifier.ts';

const notification: Notification = {
  id: 'SD-1001:response:level1:p-1',
  recipient: { kind: 'person', personId: 'p-1' },
  ticketId: 'SD-1001',
  event: {
    type: 'escalated',
    clock: 'response',
    level: 1,
    dueAt: new Date('2026-11-16T10:00:00Z'),
    lateByMs: 60_000,
    ticketId: 'SD-1001',
    at: new Date('2026-11-16T10:01:00Z'),
  },
  key: 'escalated.response',
  text: 'Escalation level 1',
  actions: [{ kind: 'acknowledge', level: 1 }],
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('WebhookNotifier', () => {
  it('posts the notification as JSON, signed with the shared secret', async () => {
    let seen: { body: string; signature: string | undefined } | undefined;
    const scope = nock('https://hooks.example.net')
      .post('/sladesk')
      .reply(function (_uri, body) {
        seen = {
          body: JSON.stringify(body),
          signature: this.req.headers['x-sladesk-signature'] as string | undefined,
        };
        return [204];
      });
    await new WebhookNotifier({ url: 'https://hooks.example.net/sladesk', secret: 's3cret' }).notify(
      notification,
    );
    expect(scope.isDone()).toBe(true);
    const posted = JSON.parse(seen!.body) as { type: string; notification: Notification };
    expect(posted.type).toBe('sladesk.notification');
    expect(posted.notification).toMatchObject({
      ticketId: 'SD-1001',
      key: 'escalated.response',
      actions: [{ kind: 'acknowledge', level: 1 }],
    });
    expect(seen!.signature).toBe(`sha256=${createHmac('sha256', 's3cret').update(seen!.body).digest('hex')}`);
  });

  it('sends no signature without a secret', async () => {
    let signature: unknown = 'unset';
    nock('https://hooks.example.net')
      .post('/plain')
      .reply(function () {
        signature = this.req.headers['x-sladesk-signature'];
        return [200, 'ok'];
      });
    await new WebhookNotifier({ url: 'https://hooks.example.net/plain' }).notify(notification);
    expect(signature).toBeUndefined();
  });

  it('fails loudly when the receiver refuses, so the caller can log it', async () => {
    nock('https://hooks.example.net').post('/down').reply(503, 'maintenance');
    await expect(
      new WebhookNotifier({ url: 'https://hooks.example.net/down' }).notify(notification),
    ).rejects.toThrow(WebhookError);
  });
});

describe('FanOutNotifier', () => {
  it('still tells the other channels when one fails, then reports the failure', async () => {
    nock('https://hooks.example.net').post('/down').reply(500);
    const memory = new MemoryNotifier();
    const fanOut = new FanOutNotifier([
      new WebhookNotifier({ url: 'https://hooks.example.net/down' }),
      memory,
    ]);
    await expect(fanOut.notify(notification)).rejects.toThrow(AggregateError);
    expect(memory.sent).toEqual([notification]);
  });
});
