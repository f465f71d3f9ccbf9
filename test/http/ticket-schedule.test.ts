import { beforeAll, describe, expect, it } from 'vitest';
import { fireTimer } from '../../src/app/sla-steps.ts';
import { ticketListResponse, ticketResponse } from '../../src/http/response-schemas.ts';
import type { SeededCustomer } from '../support/test-desk.ts';
import { useTestApi } from './support/api.ts';

/**
 * Stratiteq P3: 8 business hours on Mon–Fri 08–17, reminder at 75 %, levels at 100/150/200 %.
 * Opened Monday 16 November 09:00 (CET): due 17:00; reminder 15:00, level 1 17:00, level 2
 * Tuesday 12:00, level 3 Tuesday 16:00.
 */
const MONDAY_9 = '2026-11-16T09:00:00+01:00';
const P3_PLAN = [
  { step: 'response:reminder', level: 0, at: '2026-11-16T14:00:00.000Z' },
  { step: 'response:level1', level: 1, at: '2026-11-16T16:00:00.000Z' },
  { step: 'response:level2', level: 2, at: '2026-11-17T11:00:00.000Z' },
  { step: 'response:level3', level: 3, at: '2026-11-17T15:00:00.000Z' },
].map((step) => ({ ...step, clock: 'response', dueAt: '2026-11-16T16:00:00.000Z' }));

describe('ticket answers show what the SLA clock has scheduled', () => {
  const api = useTestApi();
  let acme: SeededCustomer;
  let acmeKey: string;

  beforeAll(async () => {
    acme = await api().desk.seedCustomer('Acme');
    acmeKey = await api().organisationKey(acme.organisation.id);
  });

  const asContact = () => ({ key: acmeKey, person: acme.contact.id });
  const asAgent = () => ({ key: api().adminKey, person: acme.agent.id });

  async function openAtNine(title: string): Promise<string> {
    api().desk.clock.set(MONDAY_9);
    const opened = await api().call('POST', '/api/tickets', {
      ...asContact(),
      body: { category: 'incident', title, priority: 'P1' },
    });
    expect(opened.status, opened.text).toBe(201);
    return opened.body.id as string;
  }

  it('gives the desk the reminder and each escalation level with its instant, and the requested priority', async () => {
    const id = await openAtNine('Invoices fail');
    const read = await api().call('GET', `/api/tickets/${id}`, asAgent());
    expect(read.status, read.text).toBe(200);
    const ticket = ticketResponse.strict().parse(read.body);
    expect(ticket).toMatchObject({ priority: 'P3', requestedPriority: 'P1' });
    expect(ticket.schedule).toEqual(P3_PLAN);

    const listed = await api().call('GET', '/api/tickets?status=new', asAgent());
    const inList = ticketListResponse.parse(listed.body).tickets.find((t) => t.id === id);
    expect(inList?.schedule).toEqual(P3_PLAN);
  });

  it('keeps the escalation plan from the customer', async () => {
    const id = await openAtNine('Customer view');
    const opened = await api().call('GET', `/api/tickets/${id}`, asContact());
    expect(opened.status).toBe(200);
    expect(opened.body).not.toHaveProperty('schedule');
    expect(opened.body.requestedPriority).toBe('P1');
    const listed = await api().call('GET', '/api/tickets', asContact());
    expect(listed.body.tickets.some((t: object) => 'schedule' in t)).toBe(false);
  });

  it('follows the ticket: an announced step drops out, a new priority moves the plan, work stops it', async () => {
    const id = await openAtNine('Slow exports');
    api().desk.clock.set('2026-11-16T15:00:00+01:00');
    await fireTimer(api().desk.deps, id, 'response:reminder');
    const afterReminder = await api().call('GET', `/api/tickets/${id}`, asAgent());
    expect(afterReminder.body.sla.notifiedSteps).toEqual(['response:reminder']);
    expect(afterReminder.body.schedule).toEqual(P3_PLAN.slice(1));

    // P1 is 2 h from 09:00: levels at 11:00, 12:00 and 13:00, all past now, so they fire at once; the
    // reminder was announced already.
    const raised = await api().call('POST', `/api/tickets/${id}/actions/priority`, {
      ...asAgent(),
      body: { priority: 'P1' },
    });
    expect(raised.status, raised.text).toBe(200);
    expect(raised.body.schedule.map((s: { step: string; at: string }) => [s.step, s.at])).toEqual([
      ['response:level1', '2026-11-16T10:00:00.000Z'],
      ['response:level2', '2026-11-16T11:00:00.000Z'],
      ['response:level3', '2026-11-16T12:00:00.000Z'],
    ]);

    const started = await api().call('POST', `/api/tickets/${id}/actions/start`, asAgent());
    expect(started.body.schedule).toEqual([]);
    const resolved = await api().call('POST', `/api/tickets/${id}/actions/resolve`, asAgent());
    expect(resolved.body.schedule).toEqual([{ step: 'autoClose', at: resolved.body.autoCloseAt }]);
  });

  it('shows the plan on alerts for an admin key, not for the organisation’s own key', async () => {
    api().desk.clock.set(MONDAY_9);
    const body = { organisationId: acme.organisation.id, alertKey: 'disk', title: 'Disk full' };
    const asAdmin = await api().call('POST', '/api/alerts', { key: api().adminKey, body });
    expect(asAdmin.status, asAdmin.text).toBe(201);
    expect(asAdmin.body.ticket.schedule).toEqual(P3_PLAN);
    const again = await api().call('POST', '/api/alerts', { key: acmeKey, body });
    expect(again.status, again.text).toBe(200);
    expect(again.body.ticket).not.toHaveProperty('schedule');
  });
});
