import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIdentity } from '../../../src/app/directory.ts';
import { openTicket } from '../../../src/app/open-ticket.ts';
import { createSlackApp } from '../../../src/channels/slack/slack-app.ts';
import { createSlackClient } from '../../../src/channels/slack/slack-client.ts';
import { DEFAULT_STATUS_EMOJI } from '../../../src/channels/slack/slack-emoji.ts';
import { slackEventsEndpoint } from '../../../src/channels/slack/slack-endpoint.ts';
import { SlackUsers } from '../../../src/channels/slack/slack-users.ts';
import type { PlatformEndpoint } from '../../../src/http/server.ts';
import type { SeededCustomer } from '../../support/test-desk.ts';
import { request, useTestApi } from '../../http/support/api.ts';

const SECRET = 'buttons-signing-secret';
const API = 'http://slack.test/api/';
let endpoint: PlatformEndpoint | undefined;
let settled: () => Promise<void> = async () => undefined;
let respondServer: Server | undefined;
let respondUrl = '';
const responses: { url: string; body: Record<string, unknown> }[] = [];

describe('Slack buttons, pressed as Slack sends them', () => {
  const api = useTestApi({
    platformEndpoints: new Map([['/slack/events', (req, res) => endpoint!(req, res)]]),
  });
  let acme: SeededCustomer;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    const slack = nock('http://slack.test').persist();
    slack.post('/api/auth.test').reply(200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' });
    slack.post('/api/users.info').reply((_uri, body) => {
      const user = new URLSearchParams(String(body)).get('user');
      return [200, { ok: true, user: { id: user, locale: 'en-GB', profile: {} } }];
    });
    // response_url answers come by fetch: a real local server takes them, as Slack's would.
    respondServer = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        responses.push({ url: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => respondServer!.listen(0, '127.0.0.1', resolve));
    respondUrl = `http://127.0.0.1:${(respondServer.address() as AddressInfo).port}/respond`;
    const { deps, clock } = api().desk;
    const client = createSlackClient({ botToken: 'xoxb-test', apiUrl: API });
    const { receiver } = createSlackApp({
      botToken: 'xoxb-test',
      apiUrl: API,
      deps,
      users: new SlackUsers(client, clock),
      locale: 'en',
      replyPrefix: '!reply',
      emoji: DEFAULT_STATUS_EMOJI,
      logger: { error: () => undefined, warn: () => undefined },
    });
    settled = () => receiver.settled();
    endpoint = slackEventsEndpoint({
      signingSecret: SECRET,
      clock,
      handle: receiver.handle,
      logger: console,
    });
    acme = await api().desk.seedCustomer('Slack buttons AB');
    await linkIdentity(deps, acme.agent.id, { channel: 'slack', externalId: 'U0AGENT', teamId: 'T1' });
    await linkIdentity(deps, acme.contact.id, { channel: 'slack', externalId: 'U0CONTACT', teamId: 'T1' });
  });

  afterAll(async () => {
    await new Promise((resolve) => respondServer?.close(resolve));
    nock.cleanAll();
    nock.enableNetConnect();
  });

  /** A block_actions payload as Slack posts it: form-encoded, signed over the raw body. */
  function press(userId: string, value: string, actionTs: string) {
    const payload = {
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: userId },
      api_app_id: 'A1',
      token: 'legacy',
      trigger_id: 't1',
      response_url: `${respondUrl}/${actionTs}`,
      container: { type: 'message', channel_id: 'C0TRIAGE', message_ts: '1700000000.000100' },
      channel: { id: 'C0TRIAGE' },
      message: { ts: '1700000000.000100', text: 'card' },
      actions: [
        {
          type: 'button',
          action_id: `sladesk:${JSON.parse(value).action}`,
          block_id: 'sladesk-actions-1',
          value,
          action_ts: actionTs,
        },
      ],
    };
    const raw = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const timestamp = String(Math.floor(api().desk.clock.now().getTime() / 1000));
    const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${raw}`).digest('hex')}`;
    return send(raw, timestamp, signature);
  }

  /** Posts it, and waits for the work Slack's ack left running (ack first, then work). */
  async function send(raw: string, timestamp: string, signature: string) {
    const answer = await request(api().url, 'POST', '/slack/events', {
      raw,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signature,
      },
    });
    await settled();
    return answer;
  }

  it('an agent’s Claim claims once, also when Slack sends the press twice; a customer’s is refused in words', async () => {
    const { deps } = api().desk;
    const ticket = await openTicket(deps, acme.contact.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'incident',
      title: 'Buttons',
      description: 'Pressed from Slack',
    });
    const claimButton = JSON.stringify({ action: 'claim', ticketId: ticket.id });

    const refused = await press('U0CONTACT', claimButton, '1700000001.000001');
    expect(refused.status).toBe(200);
    expect((await deps.tickets.get(ticket.id))!.status).toBe('new');
    const told = responses.find((r) => r.url.endsWith('1700000001.000001'));
    expect(told?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(told?.body.text)).toMatch(/service desk|claim/i);

    expect((await press('U0AGENT', claimButton, '1700000002.000001')).status).toBe(200);
    const claimed = (await deps.tickets.get(ticket.id))!;
    expect(claimed).toMatchObject({ status: 'claimed', assigneeId: acme.agent.id });
    expect((await press('U0AGENT', claimButton, '1700000002.000001')).status).toBe(200);
    expect((await deps.tickets.get(ticket.id))!.version).toBe(claimed.version);
    expect(responses.filter((r) => r.url.endsWith('1700000002.000001'))).toEqual([]);
  });

  it('a forged button value is refused in words and changes nothing', async () => {
    const before = responses.length;
    expect(
      (
        await press(
          'U0AGENT',
          JSON.stringify({ action: 'claim', ticketId: 'SD-1', evil: 1 }),
          '1700000003.000001',
        )
      ).status,
    ).toBe(200);
    expect(responses.length).toBe(before + 1);
    expect(String(responses.at(-1)!.body.text)).toContain('slack');
  });
});
