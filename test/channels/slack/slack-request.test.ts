import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readSlackRequest } from '../../../src/channels/slack/slack-request.ts';

const FORM = 'application/x-www-form-urlencoded';

/** The worked example from Slack's "Verifying requests from Slack" guide. */
const doc = {
  signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

function docRequest(overrides: { rawBody?: string; nowMs?: number } = {}) {
  return readSlackRequest({
    signingSecret: doc.signingSecret,
    rawBody: overrides.rawBody ?? doc.body,
    headers: {
      'content-type': FORM,
      'x-slack-request-timestamp': String(doc.timestamp),
      'x-slack-signature': doc.signature,
    },
    nowMs: overrides.nowMs ?? doc.timestamp * 1000 + 10_000,
  });
}

/** Signs the way Slack documents it, independently of Bolt. */
function signed(body: string, contentType: string, extra: Record<string, string> = {}) {
  const secret = 'test-signing-secret';
  const timestamp = 1_800_000_000;
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return readSlackRequest({
    signingSecret: secret,
    rawBody: body,
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
      ...extra,
    },
    nowMs: timestamp * 1000 + 1_000,
  });
}

describe('readSlackRequest', () => {
  it("accepts Slack's documented signing example and parses the slash command", () => {
    const result = docRequest();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.body).toMatchObject({
      command: '/webhook-collect',
      team_id: 'T1DC2JH3J',
      user_id: 'U2CERLKJA',
      text: '',
    });
    expect(result.retry).toBeUndefined();
  });

  it('refuses the example with one byte of the body changed', () => {
    const tampered = doc.body.replace('user_name=roadrunner', 'user_name=roadrunnes');
    expect(tampered).not.toBe(doc.body);
    expect(docRequest({ rawBody: tampered })).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses the same request six minutes later as stale', () => {
    expect(docRequest({ nowMs: doc.timestamp * 1000 + 6 * 60_000 })).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('parses a JSON event body', () => {
    const event = { type: 'event_callback', event: { type: 'message', text: 'Mail is down' } };
    expect(signed(JSON.stringify(event), 'application/json; charset=utf-8')).toEqual({
      ok: true,
      body: event,
    });
  });

  it('parses an interactive payload form body', () => {
    const payload = { type: 'block_actions', actions: [{ action_id: 'ack', value: 'SD-1001' }] };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    expect(signed(body, FORM)).toEqual({ ok: true, body: payload });
  });

  it('refuses a signed body that does not parse', () => {
    expect(signed('{not json', 'application/json')).toEqual({ ok: false, reason: 'malformed' });
    expect(signed('payload=%7Bnope', FORM)).toEqual({ ok: false, reason: 'malformed' });
    expect(signed('a=b', 'text/plain')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('reads the retry headers', () => {
    const result = signed('{}', 'application/json', {
      'x-slack-retry-num': '2',
      'x-slack-retry-reason': 'http_timeout',
    });
    expect(result).toEqual({ ok: true, body: {}, retry: { num: 2, reason: 'http_timeout' } });
  });

  it('refuses, rather than throws, when the signing headers are missing or garbled', () => {
    const base = { signingSecret: doc.signingSecret, rawBody: doc.body, nowMs: doc.timestamp * 1000 };
    const refused = { ok: false, reason: 'signature' };
    expect(readSlackRequest({ ...base, headers: {} })).toEqual(refused);
    expect(readSlackRequest({ ...base, headers: { 'x-slack-signature': doc.signature } })).toEqual(refused);
    expect(
      readSlackRequest({ ...base, headers: { 'x-slack-request-timestamp': String(doc.timestamp) } }),
    ).toEqual(refused);
    expect(
      readSlackRequest({
        ...base,
        headers: { 'x-slack-request-timestamp': 'soon', 'x-slack-signature': doc.signature },
      }),
    ).toEqual(refused);
    expect(
      readSlackRequest({
        ...base,
        headers: { 'x-slack-request-timestamp': String(doc.timestamp), 'x-slack-signature': 'v1' },
      }),
    ).toEqual(refused);
  });

  it('throws on an empty signing secret, a deployment mistake rather than a forgery', () => {
    expect(() => readSlackRequest({ signingSecret: '', rawBody: '', headers: {}, nowMs: 0 })).toThrow(
      'not configured',
    );
  });
});
