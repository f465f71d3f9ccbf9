import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelBusyError } from '../../../src/app/messaging/channel.ts';
import type { OutgoingMessage } from '../../../src/app/messaging/message.ts';
import { createSlackClient } from '../../../src/channels/slack/slack-client.ts';
import { SlackSender } from '../../../src/channels/slack/slack-sender.ts';
import { ESCALATION_DUE, escalationMessage } from '../support/escalation-message.ts';

const API = 'http://slack.test/api/';
const locales = {
  en: JSON.parse(readFileSync('locales/en.json', 'utf8')),
  sv: JSON.parse(readFileSync('locales/sv.json', 'utf8')),
};

const due = ESCALATION_DUE;
const escalation = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage =>
  escalationMessage({
    ...overrides,
    params: {
      title: 'Mail is down <!channel> &lt; <https://evil.example|click>',
      organisation: 'Acme & Co',
      ...overrides.params,
    },
  });

interface Call {
  method: string;
  args: Record<string, string>;
  auth: string | undefined;
}

/** The Web API as the sender meets it: records each call, answers as Slack does. */
function slackApi(answers: Record<string, (args: Record<string, string>) => [number, object, object?]>) {
  const calls: Call[] = [];
  nock('http://slack.test')
    .persist()
    .post(/\/api\/.+/)
    .reply(function (uri, body) {
      const method = uri.replace('/api/', '');
      const args = Object.fromEntries(new URLSearchParams(String(body)));
      calls.push({ method, args, auth: this.req.headers.authorization as string | undefined });
      const answer = answers[method];
      if (!answer) return [404, { ok: false, error: 'unknown_method' }];
      const [status, reply, headers] = answer(args);
      return [status, reply, headers ?? {}];
    });
  return calls;
}

const posted = (args: Record<string, string>): [number, object] => [
  200,
  { ok: true, channel: args.channel!.startsWith('U') ? 'D0DM' : args.channel, ts: '1700000000.000100' },
];

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('SlackSender', () => {
  const sender = () => new SlackSender(createSlackClient({ botToken: 'xoxb-test-token', apiUrl: API }));

  it('DMs a person by their Slack user id, with the bot token, text and Block Kit buttons', async () => {
    const calls = slackApi({ 'chat.postMessage': posted });
    const ref = await sender().post(
      { kind: 'person', personId: 'p-1', identity: { channel: 'slack', externalId: 'U123', teamId: 'T1' } },
      escalation(),
    );
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.method).toBe('chat.postMessage');
    expect(call!.auth).toBe('Bearer xoxb-test-token');
    expect(call!.args.channel).toBe('U123');
    expect(call!.args.thread_ts).toBeUndefined();
    // The reply names the DM channel it opened: replies and updates go there.
    expect(ref).toEqual({ id: 'D0DM/1700000000.000100', thread: 'D0DM/1700000000.000100' });
    const blocks = JSON.parse(call!.args.blocks!);
    const actions = blocks.find((block: { type: string }) => block.type === 'actions');
    // Acknowledge, and (a desk person's own thread) the ticket at a glance.
    expect(actions.elements).toHaveLength(2);
    expect(actions.elements[1]).toMatchObject({
      action_id: 'sladesk_open_ticket',
      value: 'SD-1001',
      text: { text: locales.en.slack.openTicket.button },
    });
    expect(actions.elements[0].text.text).toBe(locales.en.buttons.acknowledge);
    expect(JSON.parse(actions.elements[0].value)).toEqual({
      action: 'acknowledge',
      ticketId: 'SD-1001',
      madeFor: 'level1',
    });
    expect(call!.args.text).toContain('SD-1001');
  });

  it('shows a title with <!channel>, a link and &lt; as text: nothing pings, links or decodes', async () => {
    const calls = slackApi({ 'chat.postMessage': posted });
    await sender().post({ kind: 'triage', target: 'C0TRIAGE' }, escalation());
    const { text, blocks } = calls[0]!.args;
    for (const shown of [text!, blocks!]) {
      expect(shown).not.toContain('<!channel>');
      expect(shown).not.toContain('<https://evil.example');
      expect(shown).toContain('&lt;!channel&gt;');
      expect(shown).toContain('&amp;lt;');
      expect(shown).toContain('Acme &amp; Co');
    }
    // Instants go as Slack date tokens, with a fallback in the organisation's time zone.
    expect(text).toContain(`<!date^${due.getTime() / 1000}^`);
    expect(text).toContain('2026-11-16 11:00');
  });

  it('speaks the reader’s language: Swedish labels for a Swedish reader', async () => {
    const calls = slackApi({ 'chat.postMessage': posted });
    await sender().post({ kind: 'triage', target: 'C0TRIAGE' }, escalation({ locale: 'sv' }));
    const blocks = JSON.parse(calls[0]!.args.blocks!);
    const actions = blocks.find((block: { type: string }) => block.type === 'actions');
    expect(actions.elements[0].text.text).toBe(locales.sv.buttons.acknowledge);
    expect(locales.sv.buttons.acknowledge).not.toBe(locales.en.buttons.acknowledge);
    expect(calls[0]!.args.blocks).toContain(locales.sv.statuses.new);
  });

  it('posts in the thread it is given, and updates a card in place', async () => {
    const calls = slackApi({
      'chat.postMessage': (args) => [200, { ok: true, channel: args.channel, ts: '1700000000.000200' }],
      'chat.update': () => [200, { ok: true }],
    });
    const root = { id: 'C0TRIAGE/1700000000.000100', thread: 'C0TRIAGE/1700000000.000100' };
    const reply = await sender().post({ kind: 'triage', target: 'C0TRIAGE' }, escalation(), root);
    expect(calls[0]!.args).toMatchObject({ channel: 'C0TRIAGE', thread_ts: '1700000000.000100' });
    expect(reply).toEqual({ id: 'C0TRIAGE/1700000000.000200', thread: 'C0TRIAGE/1700000000.000100' });

    await sender().update(root, escalation({ buttons: [], audience: 'triage', kind: 'card' }));
    expect(calls[1]!.method).toBe('chat.update');
    expect(calls[1]!.args).toMatchObject({ channel: 'C0TRIAGE', ts: '1700000000.000100' });
    expect(JSON.parse(calls[1]!.args.blocks!).some((b: { type: string }) => b.type === 'actions')).toBe(
      false,
    );
  });

  it('a 429 is one call, handed back with Slack’s Retry-After; a 5xx throws for the outbox to retry', async () => {
    let answers = 0;
    const calls = slackApi({
      'chat.postMessage': () =>
        ++answers === 1
          ? [429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '7' }]
          : [503, { ok: false, error: 'service_unavailable' }],
    });
    const busy = await sender()
      .post({ kind: 'triage', target: 'C0TRIAGE' }, escalation())
      .catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(ChannelBusyError);
    expect((busy as ChannelBusyError).retryAfterMs).toBe(7000);
    expect(calls).toHaveLength(1);

    await expect(sender().post({ kind: 'triage', target: 'C0TRIAGE' }, escalation())).rejects.toThrow();
    expect(calls).toHaveLength(2);
  });

  it('a platform refusal (ok: false) throws, naming Slack’s error and never the token', async () => {
    slackApi({ 'chat.postMessage': () => [200, { ok: false, error: 'channel_not_found' }] });
    const error = (await sender()
      .post({ kind: 'triage', target: 'C0GONE' }, escalation())
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('channel_not_found');
    expect(JSON.stringify(error) + error.message + String(error.stack)).not.toContain('xoxb-test-token');
  });

  it('refuses an address Slack cannot reach instead of guessing', async () => {
    slackApi({ 'chat.postMessage': posted });
    await expect(
      sender().post(
        { kind: 'person', personId: 'p-2', identity: { channel: 'web', externalId: 'login-2' } },
        escalation(),
      ),
    ).rejects.toThrow(/cannot reach/);
  });
});
