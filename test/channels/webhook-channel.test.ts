import { createHmac } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelBusyError } from '../../src/app/messaging/channel.ts';
import { retryDelayMs } from '../../src/app/messaging/delivery.ts';
import { openTicket } from '../../src/app/open-ticket.ts';
import { relayPending } from '../../src/app/relay.ts';
import { useTestDesk } from '../support/test-desk.ts';
import type { OutgoingMessage } from '../../src/app/messaging/message.ts';
import { WebhookChannel, WebhookError } from '../../src/channels/webhook/webhook-channel.ts';
import { escalationMessage } from './support/escalation-message.ts';

const message: OutgoingMessage = escalationMessage();

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('WebhookChannel', () => {
  it('posts the message as JSON with its text said in the reader’s language, signed with the shared secret', async () => {
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
    await new WebhookChannel({ url: 'https://hooks.example.net/sladesk', secret: 's3cret' }).post(
      { kind: 'feed' },
      message,
    );
    expect(scope.isDone()).toBe(true);
    const posted = JSON.parse(seen!.body) as { type: string; notification: Record<string, unknown> };
    expect(posted.type).toBe('sladesk.notification');
    expect(posted.notification).toMatchObject({
      id: message.id,
      ticketId: 'SD-1001',
      key: 'escalated.response',
      actions: [{ action: 'acknowledge', ticketId: 'SD-1001', madeFor: 'level1' }],
    });
    // 10:00 UTC is 11:00 in Stockholm; the minute late is said in words.
    expect(posted.notification.text).toContain('should have started at 2026-11-16 11:00; it is 1 min late');
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
    await new WebhookChannel({ url: 'https://hooks.example.net/plain' }).post({ kind: 'feed' }, message);
    expect(signature).toBeUndefined();
  });

  it('fails loudly when the receiver refuses, so the delivery tries again', async () => {
    nock('https://hooks.example.net').post('/down').reply(503, 'maintenance');
    await expect(
      new WebhookChannel({ url: 'https://hooks.example.net/down' }).post({ kind: 'feed' }, message),
    ).rejects.toThrow(WebhookError);
  });

  it('passes on a 429’s Retry-After, so the next try waits at least that long', async () => {
    nock('https://hooks.example.net').post('/busy').reply(429, 'slow down', { 'Retry-After': '120' });
    const refusal = await new WebhookChannel({ url: 'https://hooks.example.net/busy' })
      .post({ kind: 'feed' }, message)
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ChannelBusyError);
    expect((refusal as ChannelBusyError).retryAfterMs).toBe(120_000);
  });
});

describe('the web-hook as a channel of the outbox', () => {
  const desk = useTestDesk();

  it('a receiver that answers 500 twice and then 200 gets each notification exactly once, signed', async () => {
    const { clock } = desk();
    const deps = desk().deliveringOn([
      new WebhookChannel({ url: 'https://hooks.example.net/flaky', secret: 'k3y' }),
    ]);
    const received: { id: string; signed: boolean }[] = [];
    let answers = 0;
    nock('https://hooks.example.net')
      .post('/flaky')
      .times(20)
      .reply(function (_uri, body) {
        answers++;
        // The first two tries of anything fail; from then on the receiver takes everything.
        if (answers <= 2) return [500, 'oops'];
        const raw = JSON.stringify(body);
        const signature = this.req.headers['x-sladesk-signature'];
        received.push({
          id: (body as { notification: { id: string } }).notification.id,
          signed: signature === `sha256=${createHmac('sha256', 'k3y').update(raw).digest('hex')}`,
        });
        return [200];
      });
    const acme = await desk().seedCustomer('Hook AB');
    const ticket = await openTicket(deps, acme.contact.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'incident',
      title: 'Hooked',
      description: 'x',
    });
    for (let tried = 1; tried <= 3; tried++) {
      clock.advance(retryDelayMs(tried));
      await relayPending(deps);
    }
    const ids = received.map((r) => r.id).filter((id) => id.startsWith(`${ticket.id}:`));
    expect(ids.sort()).toEqual([`${ticket.id}:v0#0:${acme.contact.id}`, `${ticket.id}:v0#0:triage`]);
    expect(received.every((r) => r.signed)).toBe(true);
  });
});
