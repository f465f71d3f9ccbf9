import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { slackEventsEndpoint, type SlackDelivery } from '../../../src/channels/slack/slack-endpoint.ts';
import { request, useTestApi } from '../../http/support/api.ts';

const SECRET = 'test-signing-secret';
const now = { ms: Date.parse('2026-12-02T10:00:00Z') };
const handled: SlackDelivery[] = [];
const failures: unknown[] = [];
let behaviour: 'ack' | 'ackWith' | 'throwBefore' | 'throwAfter' | 'silent' = 'ack';

const endpoint = slackEventsEndpoint({
  signingSecret: SECRET,
  clock: { now: () => new Date(now.ms) },
  logger: { error: (details) => failures.push(details) },
  async handle(delivery) {
    handled.push(delivery);
    if (behaviour === 'throwBefore') throw new Error('database away');
    if (behaviour === 'ackWith') delivery.ack({ response_action: 'clear' });
    else if (behaviour !== 'silent') delivery.ack();
    if (behaviour === 'throwAfter') throw new Error('after the ack');
  },
});

/** Signed as Slack signs: v0 HMAC-SHA256 over "v0:<timestamp>:<raw body>". */
function signed(body: string, at = now.ms, secret = SECRET, contentType = 'application/json') {
  const timestamp = String(Math.floor(at / 1000));
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    raw: body,
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
    },
  };
}

describe('the /slack/events endpoint', () => {
  const api = useTestApi({ platformEndpoints: new Map([['/slack/events', endpoint]]) });
  const post = (options: { raw: string; headers: Record<string, string> }) =>
    request(api().url, 'POST', '/slack/events', options);

  it('answers Slack’s URL check with its challenge', async () => {
    const answer = await post(signed(JSON.stringify({ type: 'url_verification', challenge: 'c-123' })));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ challenge: 'c-123' });
  });

  it('refuses a forged, a stale and an unsigned request with 401, and hands none of them on', async () => {
    const before = handled.length;
    const event = JSON.stringify({ type: 'event_callback', event_id: 'Ev1', event: { type: 'message' } });
    const forged = await post(signed(event, now.ms, 'not-the-secret'));
    expect(forged).toMatchObject({ status: 401, body: { ok: false, error: 'invalid_signature' } });
    const stale = await post(signed(event, now.ms - 6 * 60_000));
    expect(stale).toMatchObject({ status: 401, body: { ok: false, error: 'stale_request' } });
    const unsigned = await post({ raw: event, headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    const tampered = signed(event);
    const changed = await post({ ...tampered, raw: tampered.raw.replace('Ev1', 'Ev2') });
    expect(changed.status).toBe(401);
    expect(handled.length).toBe(before);
    expect(JSON.stringify([forged.text, stale.text, unsigned.text])).not.toContain(SECRET);
  });

  it('hands a signed event on with Slack’s retry headers, and answers as the handler acks', async () => {
    behaviour = 'ack';
    const event = { type: 'event_callback', event_id: 'Ev9', event: { type: 'reaction_added' } };
    const once = signed(JSON.stringify(event));
    const answer = await post({
      ...once,
      headers: { ...once.headers, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(answer.status).toBe(200);
    expect(handled.at(-1)).toMatchObject({ body: event, retry: { num: 1, reason: 'http_timeout' } });

    behaviour = 'ackWith';
    const form = `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', view: { id: 'V1' } }))}`;
    const submitted = await post(signed(form, now.ms, SECRET, 'application/x-www-form-urlencoded'));
    expect(submitted).toMatchObject({ status: 200, body: { response_action: 'clear' } });
    expect(handled.at(-1)!.body).toMatchObject({ type: 'view_submission', view: { id: 'V1' } });

    behaviour = 'silent';
    expect((await post(signed(JSON.stringify(event)))).status).toBe(200);
  });

  it('a handler failing before its ack answers 500, so Slack delivers again; after the ack it is logged', async () => {
    behaviour = 'throwBefore';
    const event = JSON.stringify({ type: 'event_callback', event_id: 'Ev10' });
    const failed = await post(signed(event));
    expect(failed).toMatchObject({ status: 500, body: { ok: false, error: 'internal' } });
    expect(failed.text).not.toContain('database away');
    behaviour = 'throwAfter';
    expect((await post(signed(event))).status).toBe(200);
    expect(failures).toHaveLength(2);
    expect((await api().call('GET', '/healthz')).status).toBe(200);
    behaviour = 'ack';
  });

  it('takes only POST', async () => {
    expect((await request(api().url, 'GET', '/slack/events')).status).toBe(405);
  });
});
