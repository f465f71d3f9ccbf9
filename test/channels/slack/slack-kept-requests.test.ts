import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AT_WORK_MS } from '../../../src/channels/slack/slack-kept-requests.ts';
import { linkIdentity } from '../../../src/app/directory.ts';
import type { ReceivedRequests } from '../../../src/app/ports.ts';
import { TEAM, useSlackDesk } from './support/slack-harness.ts';

/** A new-ticket modal's submission, as Slack sends it (the form's payload). */
const submission = (userId: string, viewId: string, title: string) => ({
  type: 'view_submission',
  team: { id: TEAM },
  user: { id: userId, team_id: TEAM },
  api_app_id: 'A1',
  view: {
    id: viewId,
    type: 'modal',
    callback_id: 'sladesk_ticket',
    private_metadata: '{}',
    state: {
      values: {
        title: { value: { type: 'plain_text_input', value: title } },
        category: { value: { type: 'static_select', selected_option: { value: 'incident' } } },
        impact: { value: { type: 'static_select', selected_option: { value: 'one' } } },
      },
    },
  },
});

describe('a Slack request acked by a process that died before working it', () => {
  const harness = useSlackDesk();

  it('is worked at the next start, once, and then let go', async () => {
    const { api, deps, slack, receiving } = harness();
    const acme = await api.desk.seedCustomer('Kept requests AB');
    slack.addUser({ id: 'U0KEPT' });
    await linkIdentity(deps, acme.contact.id, { channel: 'slack', externalId: 'U0KEPT', teamId: TEAM });
    // What the killed process had written before its ack: the request, and nothing else.
    const body = JSON.stringify(submission('U0KEPT', 'VKEPT', 'Left behind by a crash'));
    const killedAt = new Date(api.desk.clock.now().getTime() - AT_WORK_MS - 1_000);
    await deps.received.keep({ channel: 'slack', id: 'crashed-1', body, receivedAt: killedAt });
    // Kept a moment ago by another web process, still at work on it: not this start's to replay.
    const busy = JSON.stringify(submission('U0KEPT', 'VBUSYELSEWHERE', 'At work elsewhere'));
    await deps.received.keep({
      channel: 'slack',
      id: 'elsewhere-1',
      body: busy,
      receivedAt: api.desk.clock.now(),
    });

    await receiving.start();
    await receiving.settled();
    const opened = (await deps.tickets.list({ organisationId: acme.organisation.id })).tickets;
    expect(opened.filter((t) => t.title === 'Left behind by a crash')).toHaveLength(1);
    expect(opened.filter((t) => t.title === 'At work elsewhere')).toEqual([]);
    const left = await deps.received.unfinished('slack', new Date(api.desk.clock.now().getTime() + 1), 10);
    expect(left.map((r) => r.id)).toEqual(['elsewhere-1']);
    // The same request coming in again (Slack, had it not been acked) opens nothing more.
    await harness().send(harness().interaction(submission('U0KEPT', 'VKEPT', 'Left behind by a crash')));
    const again = (await deps.tickets.list({ organisationId: acme.organisation.id })).tickets;
    expect(again.filter((t) => t.title === 'Left behind by a crash')).toHaveLength(1);
  });
});

describe('a Slack request kept just before a start, by a process that may still be at work', () => {
  const waits: (() => void)[] = [];
  const harness = useSlackDesk({
    waiter: { wait: () => new Promise<void>((resolve) => waits.push(resolve)) },
  });

  it('is left alone at the start, and worked once AT_WORK_MS later if still unfinished', async () => {
    const { api, deps, slack, receiving } = harness();
    const acme = await api.desk.seedCustomer('Kept late AB');
    slack.addUser({ id: 'U0LATE' });
    await linkIdentity(deps, acme.contact.id, { channel: 'slack', externalId: 'U0LATE', teamId: TEAM });
    const body = JSON.stringify(submission('U0LATE', 'VLATE', 'Kept a moment before the start'));
    await deps.received.keep({ channel: 'slack', id: 'late-1', body, receivedAt: api.desk.clock.now() });
    api.desk.clock.advance(1_000);
    const titled = async () =>
      (await deps.tickets.list({ organisationId: acme.organisation.id })).tickets.filter(
        (t) => t.title === 'Kept a moment before the start',
      );

    await receiving.start();
    await receiving.settled();
    expect(await titled()).toEqual([]);
    // AT_WORK_MS on: whoever had it is gone, since it is still kept.
    api.desk.clock.advance(AT_WORK_MS);
    for (const release of waits.splice(0)) release();
    expect(await receiving.replayedLater()).toBe(1);
    expect(await titled()).toHaveLength(1);
  });
});

describe('a Slack request sent again while the first is still at work', () => {
  const harness = useSlackDesk();

  it('is answered and not worked again; kept long ago by a process now gone, it is worked', async () => {
    const { api, deps, slack } = harness();
    const acme = await api.desk.seedCustomer('At work AB');
    slack.addUser({ id: 'U0BUSY' });
    await linkIdentity(deps, acme.contact.id, { channel: 'slack', externalId: 'U0BUSY', teamId: TEAM });
    const request = harness().interaction(submission('U0BUSY', 'VBUSY', 'Slow to open'));
    const payload = JSON.parse(decodeURIComponent(request.raw.slice('payload='.length))) as object;
    const body = JSON.stringify(payload);
    const id = createHash('sha256').update(body).digest('base64url');
    // Another process kept it a moment ago and is at work on it.
    await deps.received.keep({ channel: 'slack', id, body, receivedAt: api.desk.clock.now() });
    const list = async () =>
      (await deps.tickets.list({ organisationId: acme.organisation.id })).tickets.filter(
        (t) => t.title === 'Slow to open',
      );
    expect((await harness().send({ ...request, retry: 1 })).status).toBe(200);
    expect(await list()).toEqual([]);
    // That process died: a try after AT_WORK_MS does the work, once.
    api.desk.clock.advance(AT_WORK_MS);
    expect((await harness().send({ ...request, retry: 2 })).status).toBe(200);
    expect(await list()).toHaveLength(1);
    expect(await deps.received.unfinished('slack', api.desk.clock.now(), 10)).toEqual([]);
  });
});

describe('a Slack request the database cannot keep in time', () => {
  let stuck = true;
  // The first keep never answers (the database gone); the wait for it ends at once.
  const harness = useSlackDesk({
    received: (real): ReceivedRequests => ({
      keep: (request) => (stuck ? new Promise(() => undefined) : real.keep(request)),
      done: (channel, id) => real.done(channel, id),
      unfinished: (channel, before, limit) => real.unfinished(channel, before, limit),
    }),
    waiter: { wait: () => (stuck ? Promise.resolve() : new Promise<void>(() => undefined)) },
  });

  it('is answered 500, not acked, so Slack sends it again; the retry opens one ticket', async () => {
    const { api, deps, slack } = harness();
    const acme = await api.desk.seedCustomer('Unkept requests AB');
    slack.addUser({ id: 'U0UNKEPT' });
    await linkIdentity(deps, acme.contact.id, { channel: 'slack', externalId: 'U0UNKEPT', teamId: TEAM });
    const request = harness().interaction(submission('U0UNKEPT', 'VUNKEPT', 'Kept on the second try'));
    const refused = await harness().send(request);
    expect(refused.status).toBe(500);
    const list = async () => (await deps.tickets.list({ organisationId: acme.organisation.id })).tickets;
    expect(await list()).toEqual([]);
    stuck = false;
    expect((await harness().send({ ...request, retry: 1 })).status).toBe(200);
    expect((await list()).filter((t) => t.title === 'Kept on the second try')).toHaveLength(1);
  });
});

describe('a Slack request whose keep lands only after it was answered 500', () => {
  let gate: (() => void) | undefined;
  let landed: Promise<unknown> | undefined;
  let slow = true;
  let waits = 0;
  const harness = useSlackDesk({
    received: (real): ReceivedRequests => ({
      keep: (request) => {
        if (!slow) return real.keep(request);
        slow = false;
        // The database answers, but only after the desk gave up waiting.
        const opened = new Promise<void>((resolve) => (gate = resolve));
        const kept = opened.then(() => real.keep(request));
        landed = kept;
        return kept;
      },
      done: (channel, id) => real.done(channel, id),
      unfinished: (channel, before, limit) => real.unfinished(channel, before, limit),
    }),
    // The first wait (the slow keep's) ends at once; later ones never do.
    waiter: { wait: () => (waits++ === 0 ? Promise.resolve() : new Promise<void>(() => undefined)) },
  });

  it('is let go when it lands, so that Slack’s retry works it: one ticket, nothing left kept', async () => {
    const { api, deps, slack } = harness();
    const acme = await api.desk.seedCustomer('Late keep AB');
    slack.addUser({ id: 'U0LATEKEEP' });
    await linkIdentity(deps, acme.contact.id, { channel: 'slack', externalId: 'U0LATEKEEP', teamId: TEAM });
    const request = harness().interaction(submission('U0LATEKEEP', 'VLATEKEEP', 'Kept after the answer'));
    expect((await harness().send(request)).status).toBe(500);
    gate!();
    await landed;
    const later = () => deps.received.unfinished('slack', new Date(api.desk.clock.now().getTime() + 1), 10);
    // Let go right after it lands (a delete on its way): a bounded number of turns of the loop.
    for (let turn = 0; turn < 200 && (await later()).length > 0; turn++) await new Promise(setImmediate);
    expect(await later()).toEqual([]);
    expect((await harness().send({ ...request, retry: 1 })).status).toBe(200);
    const opened = (await deps.tickets.list({ organisationId: acme.organisation.id })).tickets;
    expect(opened.filter((t) => t.title === 'Kept after the answer')).toHaveLength(1);
  });
});
