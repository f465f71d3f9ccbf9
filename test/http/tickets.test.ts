import { beforeAll, describe, expect, it } from 'vitest';
import { eventListResponse, ticketListResponse, ticketResponse } from '../../src/http/response-schemas.ts';
import type { SeededCustomer } from '../support/test-desk.ts';
import { useTestApi } from './support/api.ts';

describe('tickets over HTTP', () => {
  const api = useTestApi();
  let acme: SeededCustomer;
  let beta: SeededCustomer;
  let acmeKey: string;
  let betaKey: string;

  beforeAll(async () => {
    acme = await api().desk.seedCustomer('Acme');
    beta = await api().desk.seedCustomer('Beta');
    acmeKey = await api().organisationKey(acme.organisation.id);
    betaKey = await api().organisationKey(beta.organisation.id);
  });

  const asAcmeContact = () => ({ key: acmeKey, person: acme.contact.id });
  const asAgent = (agent = acme.agent) => ({ key: api().adminKey, person: agent.id });

  async function open(title: string, extra: Record<string, unknown> = {}) {
    api().desk.clock.advance(1000);
    const answer = await api().call('POST', '/api/tickets', {
      ...asAcmeContact(),
      body: { category: 'incident', title, description: 'It broke', ...extra },
    });
    expect(answer.status, answer.text).toBe(201);
    return answer.body as { id: string; version: number };
  }

  it('opens once per Idempotency-Key: a retry gets the same ticket, a reused key for another request is refused', async () => {
    const body = { category: 'incident', title: 'Retried', description: 'Sent twice' };
    const send = (headers: Record<string, string>, sent: object = body) =>
      api().call('POST', '/api/tickets', { ...asAcmeContact(), body: sent, headers, lang: 'en' });
    const first = await send({ 'Idempotency-Key': 'open-7f3a' });
    const again = await send({ 'Idempotency-Key': 'open-7f3a' });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect((again.body as { id: string }).id).toBe((first.body as { id: string }).id);
    const listed = await api().call('GET', '/api/tickets?limit=200', asAcmeContact());
    const titles = (listed.body as { tickets: { title: string }[] }).tickets.map((t) => t.title);
    expect(titles.filter((title) => title === 'Retried')).toHaveLength(1);

    const reused = await send({ 'Idempotency-Key': 'open-7f3a' }, { ...body, title: 'Something else' });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ error: { code: 'idempotencyKeyReused' } });
    expect((reused.body as { error: { message: string } }).error.message).toContain('open-7f3a');

    const bad = await send({ 'Idempotency-Key': 'x'.repeat(129) });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('idempotency-key');
  });

  it('lets a contact open, list and read their organisation’s tickets', async () => {
    const answer = await api().call('POST', '/api/tickets', {
      ...asAcmeContact(),
      body: {
        category: 'user_support',
        title: 'Cannot log in',
        description: 'Since this morning',
        priority: 'P1',
      },
    });
    expect(answer.status, answer.text).toBe(201);
    const ticket = ticketResponse.strict().parse(answer.body);
    expect(ticket).toMatchObject({
      id: expect.stringMatching(/^SD-\d+$/),
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      status: 'new',
      // Stratiteq: the desk sets the priority; the customer's wish is kept.
      priority: 'P3',
      requestedPriority: 'P1',
    });
    expect(api().desk.notifier.sent.some((n) => n.ticketId === ticket.id && n.key === 'opened')).toBe(true);

    const colleague = { key: acmeKey, person: acme.colleague.id };
    const read = await api().call('GET', `/api/tickets/${ticket.id}`, colleague);
    expect(read.status).toBe(200);
    expect(read.body.title).toBe('Cannot log in');

    const listed = await api().call(
      'GET',
      '/api/tickets?status=new,claimed&category=user_support',
      colleague,
    );
    expect(listed.status, listed.text).toBe(200);
    expect(ticketListResponse.parse(listed.body).tickets.map((t) => t.id)).toContain(ticket.id);

    const history = await api().call('GET', `/api/tickets/${ticket.id}/history`, colleague);
    expect(history.status).toBe(200);
    expect(eventListResponse.parse(history.body).events.map((e) => e.type)).toEqual(['opened']);
  });

  it('never shows one organisation’s tickets to another, and says only that the ticket is not found', async () => {
    const ticket = await open('Acme secret outage');
    const asBeta = { key: betaKey, person: beta.contact.id, lang: 'en' };
    for (const path of [`/api/tickets/${ticket.id}`, `/api/tickets/${ticket.id}/history`]) {
      const answer = await api().call('GET', path, asBeta);
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: { code: 'notFound', message: `ticket ${ticket.id} not found` } });
    }
    const comment = await api().call('POST', `/api/tickets/${ticket.id}/actions/comment`, {
      ...asBeta,
      body: { body: 'hello?' },
    });
    expect(comment.status).toBe(404);
    expect(comment.text).not.toContain('Acme');

    const listed = await api().call('GET', `/api/tickets?organisationId=${acme.organisation.id}`, asBeta);
    expect(listed.status).toBe(200);
    expect(listed.body.tickets).toEqual([]);
    const own = await api().call('GET', '/api/tickets', asBeta);
    expect(own.body.tickets).toEqual([]);

    // Beta's key cannot borrow an Acme contact, nor open tickets for Acme.
    const borrowed = await api().call('GET', `/api/tickets/${ticket.id}`, {
      key: betaKey,
      person: acme.contact.id,
    });
    expect(borrowed.status).toBe(403);
    expect(borrowed.body.error.code).toBe('personNotAllowed');
    const forAcme = await api().call('POST', '/api/tickets', {
      ...asBeta,
      body: { organisationId: acme.organisation.id, category: 'incident', title: 'x' },
    });
    expect(forAcme.status).toBe(403);
    expect(forAcme.body.error.code).toBe('otherOrganisation');
    expect((await api().desk.store.tickets.get(ticket.id))?.comments).toEqual([]);
  });

  it('refuses desk-only actions to a contact and leaves the ticket as it was', async () => {
    const ticket = await open('Printer on fire');
    for (const [action, body] of [
      ['claim', undefined],
      ['resolve', {}],
      ['priority', { priority: 'P1' }],
      ['comment', { body: 'psst', visibility: 'internal' }],
    ] as const) {
      const answer = await api().call('POST', `/api/tickets/${ticket.id}/actions/${action}`, {
        ...asAcmeContact(),
        body,
        lang: 'en',
      });
      expect(answer.status, action).toBe(403);
      expect(answer.body.error.code).toBe('agentsOnly');
      expect(answer.body.error.message).toMatch(/^only the service desk may do this/);
    }
    const stored = await api().desk.store.tickets.get(ticket.id);
    expect(stored).toMatchObject({ status: 'new', version: ticket.version, comments: [] });
  });

  it('gives one of two simultaneous claims the ticket and tells the other who has it', async () => {
    const ticket = await open('Race');
    const [first, second] = await Promise.all([
      api().call('POST', `/api/tickets/${ticket.id}/actions/claim`, { ...asAgent(acme.agent), lang: 'en' }),
      api().call('POST', `/api/tickets/${ticket.id}/actions/claim`, {
        ...asAgent(acme.otherAgent),
        lang: 'en',
      }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const [winner, loser] = first.status === 200 ? [first, second] : [second, first];
    const holder = winner.body.assigneeId === acme.agent.id ? acme.agent : acme.otherAgent;
    expect(loser.body.error).toEqual({
      code: 'alreadyClaimed',
      message: `ticket ${ticket.id} is already claimed by ${holder.name}`,
    });
    // The agent who lost asks again, in Swedish (the winner claiming again is simply a no-op).
    const other = holder === acme.agent ? acme.otherAgent : acme.agent;
    const swedish = await api().call('POST', `/api/tickets/${ticket.id}/actions/claim`, {
      ...asAgent(other),
      lang: 'sv',
    });
    expect(swedish.body.error.message).toBe(`ärende ${ticket.id} är redan taget av ${holder.name}`);
  });

  it('works a ticket through to the customer’s acceptance, keeping internal notes from the customer', async () => {
    const ticket = await open('Slow reports');
    const act = (action: string, who: { key: string; person: string }, body?: unknown) =>
      api().call('POST', `/api/tickets/${ticket.id}/actions/${action}`, { ...who, body });

    expect((await act('claim', asAgent())).status).toBe(200);
    expect((await act('start', asAgent())).status).toBe(200);
    expect(
      (await act('comment', asAgent(), { body: 'Customer DB is tiny', visibility: 'internal' })).status,
    ).toBe(200);
    expect((await act('effort', asAgent(), { minutes: 30, note: 'index' })).status).toBe(200);
    const resolved = await act('resolve', asAgent());
    expect(resolved.body.status).toBe('resolved');

    const seen = await api().call('GET', `/api/tickets/${ticket.id}`, asAcmeContact());
    expect(seen.body.comments).toEqual([]);
    const history = await api().call('GET', `/api/tickets/${ticket.id}/history`, asAcmeContact());
    expect(history.body.events.some((e: { type: string }) => e.type === 'commented')).toBe(false);
    const reply = await act('comment', asAcmeContact(), { body: 'Thanks!' });
    expect(reply.body.comments.map((c: { body: string }) => c.body)).toEqual(['Thanks!']);

    const accepted = await act('accept', asAcmeContact());
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('closed');
    const again = await act('resolve', asAgent());
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('illegalTransition');
  });

  it('maps the contract’s own refusals to 422', async () => {
    const ticket = await open('Wrong priority');
    const answer = await api().call('POST', `/api/tickets/${ticket.id}/actions/priority`, {
      ...asAgent(),
      body: { priority: 'Z9' },
      lang: 'en',
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error).toEqual({
      code: 'unknownPriority',
      message: 'unknown priority “Z9”; the contract has P1, P2, P3',
    });
  });

  it('pages through the list, newest first', async () => {
    const opened = [await open('Page 1'), await open('Page 2'), await open('Page 3')];
    const first = await api().call('GET', '/api/tickets?limit=2', asAcmeContact());
    expect(first.body.tickets.map((t: { id: string }) => t.id)).toEqual([opened[2]!.id, opened[1]!.id]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await api().call(
      'GET',
      `/api/tickets?limit=2&cursor=${first.body.nextCursor}`,
      asAcmeContact(),
    );
    expect(next.body.tickets[0].id).toBe(opened[0]!.id);
    // A cursor that is not a page's, or is another list's, is refused by name and in the reader's language.
    const forged = await api().call('GET', '/api/tickets?cursor=SD-1', { ...asAcmeContact(), lang: 'en' });
    expect(forged.status).toBe(400);
    expect(forged.body.error.message).toBe(
      'the request is not valid: cursor: expected the nextCursor of a previous page, as it was given',
    );
    // The desk's list (an agent's, no filter) and its open queue page differently.
    const desk = await api().call('GET', '/api/tickets?limit=2', asAgent());
    const other = await api().call('GET', `/api/tickets?status=new&cursor=${desk.body.nextCursor}`, {
      ...asAgent(),
      lang: 'sv',
    });
    expect(other.status).toBe(422);
    expect(other.body.error).toEqual({
      code: 'badCursor',
      message: `markören ”${desk.body.nextCursor}” hör inte till den här listan: börja om utan den och skicka varje sidas nextCursor oförändrad med samma filter`,
    });
  });

  it('lets an admin key act for any person, and open a ticket for a contact', async () => {
    const answer = await api().call('POST', '/api/tickets', {
      ...asAgent(),
      body: { requesterId: acme.colleague.id, category: 'order', title: 'New laptop', priority: 'P2' },
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body).toMatchObject({
      organisationId: acme.organisation.id,
      requesterId: acme.colleague.id,
      priority: 'P2',
    });
  });
});
