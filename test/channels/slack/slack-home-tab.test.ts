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

const SECRET = 'home-signing-secret';
const API = 'http://slack.test/api/';
let endpoint: PlatformEndpoint | undefined;
let settled: () => Promise<void> = async () => undefined;
let respondServer: Server | undefined;
let respondUrl = '';
const responses: { url: string; body: Record<string, unknown> }[] = [];
/** What views.publish was given, as the Web API received it. */
const published: { user_id: string; view: { type: string; blocks: Record<string, unknown>[] } }[] = [];

type Block = { type: string; text?: { text: string }; elements?: { action_id?: string }[] };

describe('the App Home and /desk, as Slack sends them', () => {
  const api = useTestApi({
    platformEndpoints: new Map([['/slack/events', (req, res) => endpoint!(req, res)]]),
  });
  let acme: SeededCustomer;
  let other: SeededCustomer;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    const slack = nock('http://slack.test').persist();
    slack.post('/api/auth.test').reply(200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' });
    slack.post('/api/users.info').reply((_uri, body) => {
      const user = new URLSearchParams(String(body)).get('user');
      const locale = user === 'U0SWEDE' ? 'sv-SE' : 'en-GB';
      return [200, { ok: true, user: { id: user, locale, profile: {} } }];
    });
    slack.post('/api/views.publish').reply((_uri, body) => {
      const fields =
        typeof body === 'string'
          ? Object.fromEntries(new URLSearchParams(body))
          : (body as Record<string, unknown>);
      const view = typeof fields.view === 'string' ? JSON.parse(fields.view) : fields.view;
      published.push({ user_id: String(fields.user_id), view });
      return [200, { ok: true }];
    });
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
    acme = await api().desk.seedCustomer('Home tab AB');
    other = await api().desk.seedCustomer('Other home AB');
    await linkIdentity(deps, acme.agent.id, { channel: 'slack', externalId: 'U0AGENT', teamId: 'T1' });
    await linkIdentity(deps, acme.contact.id, { channel: 'slack', externalId: 'U0CONTACT', teamId: 'T1' });
    await linkIdentity(deps, other.contact.id, { channel: 'slack', externalId: 'U0OTHER', teamId: 'T1' });
  });

  afterAll(async () => {
    await new Promise((resolve) => respondServer?.close(resolve));
    nock.cleanAll();
    nock.enableNetConnect();
  });

  /** Posts a signed request and waits for the work its ack left running. */
  async function send(raw: string, contentType: string) {
    const timestamp = String(Math.floor(api().desk.clock.now().getTime() / 1000));
    const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${raw}`).digest('hex')}`;
    const answer = await request(api().url, 'POST', '/slack/events', {
      raw,
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signature,
      },
    });
    await settled();
    return answer;
  }

  let events = 0;
  const openHome = (userId: string, tab = 'home') =>
    send(
      JSON.stringify({
        type: 'event_callback',
        token: 'legacy',
        team_id: 'T1',
        api_app_id: 'A1',
        event_id: `Ev${++events}`,
        event_time: 1_700_000_000 + events,
        event: {
          type: 'app_home_opened',
          user: userId,
          channel: 'D0HOME',
          tab,
          event_ts: `1700000000.00000${events}`,
        },
      }),
      'application/json',
    );

  const desk = (userId: string, text: string, id: string) =>
    send(
      new URLSearchParams({
        token: 'legacy',
        team_id: 'T1',
        api_app_id: 'A1',
        channel_id: 'C0ANY',
        user_id: userId,
        command: '/desk',
        text,
        response_url: `${respondUrl}/${id}`,
        trigger_id: `t-${id}`,
      }).toString(),
      'application/x-www-form-urlencoded',
    );

  const texts = (blocks: readonly Record<string, unknown>[]) =>
    (blocks as Block[]).map((block) => block.text?.text ?? '').join('\n');

  const open = (customer: SeededCustomer, title: string) =>
    openTicket(api().desk.deps, customer.contact.id, {
      organisationId: customer.organisation.id,
      requesterId: customer.contact.id,
      source: 'api',
      category: 'incident',
      title,
      description: 'from the home tab test',
    });

  it("publishes a contact's organisation's open tickets and a New ticket button, never another's", async () => {
    const ours = await open(acme, 'Ours <!here>');
    const theirs = await open(other, 'Theirs');
    expect((await openHome('U0CONTACT')).status).toBe(200);
    const view = published.find((p) => p.user_id === 'U0CONTACT')!.view;
    expect(view.type).toBe('home');
    const shown = texts(view.blocks);
    expect(shown).toContain(`*${ours.id}* Ours &lt;!here&gt;`);
    expect(shown).not.toContain(theirs.id);
    const buttons = (view.blocks as Block[]).flatMap((block) => block.elements ?? []);
    expect(buttons.map((button) => button.action_id)).toContain('sladesk_home_new_ticket');
  });

  it("publishes a desk person's queues, and a stranger whom to ask, in the stranger's language", async () => {
    const unclaimed = await open(acme, 'Nobody has it');
    await openHome('U0AGENT');
    const agentView = published.filter((p) => p.user_id === 'U0AGENT').at(-1)!.view;
    expect(texts(agentView.blocks)).toContain('Assigned to you');
    expect(texts(agentView.blocks)).toContain(`*${unclaimed.id}* Nobody has it`);

    await openHome('U0SWEDE');
    const strangerView = published.filter((p) => p.user_id === 'U0SWEDE').at(-1)!.view;
    expect(texts(strangerView.blocks)).toMatch(/Du är inte registrerad som kontaktperson/);

    // The Messages tab opening is not a reason to publish anything.
    const before = published.length;
    await openHome('U0AGENT', 'messages');
    expect(published.length).toBe(before);
  });

  it('answers /desk to the desk person alone, and refuses a customer in words', async () => {
    const ticket = await open(acme, 'Breach soon');
    expect((await desk('U0AGENT', 'breach', 'cmd1')).status).toBe(200);
    const answer = responses.find((r) => r.url.endsWith('/cmd1'))!.body;
    expect(answer.response_type).toBe('ephemeral');
    const blocks = answer.blocks as Record<string, unknown>[];
    expect(texts(blocks)).toContain('Closest to breach');
    expect(texts(blocks)).not.toContain('Assigned to you');
    expect(texts(blocks)).toContain(ticket.id);

    await desk('U0CONTACT', '', 'cmd2');
    const refused = responses.find((r) => r.url.endsWith('/cmd2'))!.body;
    expect(refused).toMatchObject({ response_type: 'ephemeral' });
    expect(refused.blocks).toBeUndefined();
    expect(String(refused.text)).toMatch(/only the service desk/);

    await desk('U0AGENT', 'everything', 'cmd3');
    expect(String(responses.find((r) => r.url.endsWith('/cmd3'))!.body.text)).toMatch(/^Usage: \/desk/);
  });
});
