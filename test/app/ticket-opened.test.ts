import { describe, expect, it } from 'vitest';
import { openTicket, reportAlert } from '../../src/app/open-ticket.ts';
import type { TicketSource } from '../../src/app/desk-deps.ts';
import { DomainError } from '../../src/domain/domain-error.ts';
import { toHttpError } from '../../src/http/error-mapping.ts';
import { errorMessage } from '../../src/i18n/error-message.ts';
import { useTestDesk, type SeededCustomer } from '../support/test-desk.ts';

const desk = useTestDesk();

/** Tickets opened so far from `source`, as /metrics shows them. */
async function opened(source: TicketSource): Promise<number> {
  const metric = desk().metrics.getSingleMetric('sladesk_tickets_opened_total');
  const values = (await metric?.get())?.values ?? [];
  return values.find((value) => value.labels.via === source)?.value ?? 0;
}

const request = (customer: SeededCustomer) => ({
  requesterId: customer.contact.id,
  category: 'incident' as const,
  title: 'Invoices fail',
  description: 'Export crashes',
});

describe('counting tickets opened, in the application', () => {
  it('counts an open once, however often a retry with its key gives it back', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme counted');
    const before = await opened('api');
    const retried = { ...request(acme), source: 'api' as const, idempotencyKey: 'count-once' };
    const first = await openTicket(deps, acme.contact.id, retried);
    const again = await openTicket(deps, acme.contact.id, retried);
    expect(again.id).toBe(first.id);
    expect(await opened('api')).toBe(before + 1);
    await openTicket(deps, acme.contact.id, { ...request(acme), source: 'api' });
    expect(await opened('api')).toBe(before + 2);
  });

  it('counts a ticket opened from chat under its channel', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme from Slack');
    const [api, slack] = [await opened('api'), await opened('slack')];
    await openTicket(deps, acme.contact.id, { ...request(acme), source: 'slack', idempotencyKey: 'Ev0123' });
    expect([await opened('api'), await opened('slack')]).toEqual([api, slack + 1]);
  });

  it('counts an alert’s incident once, not the firings that only add to it', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme alerting');
    const before = await opened('alert');
    const report = { organisationId: acme.organisation.id, alertKey: 'cpu', title: 'CPU', description: 'd' };
    expect((await reportAlert(deps, report)).created).toBe(true);
    expect((await reportAlert(deps, report)).created).toBe(false);
    expect(await opened('alert')).toBe(before + 1);
  });
});

describe('the organisation a ticket is for', () => {
  it('is the requester’s when the request names none', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme implied');
    const byContact = await openTicket(deps, acme.contact.id, { ...request(acme), source: 'teams' });
    const byAgent = await openTicket(deps, acme.agent.id, { ...request(acme), source: 'web' });
    expect([byContact.organisationId, byAgent.organisationId]).toEqual([
      acme.organisation.id,
      acme.organisation.id,
    ]);
  });

  it('must be named when the requester has none, with a clear 422', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme agent requester');
    const before = await opened('api');
    const error = await openTicket(deps, acme.agent.id, {
      ...request(acme),
      requesterId: acme.agent.id,
      source: 'api',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('organisationRequired');
    const answer = toHttpError(error)!;
    expect(answer.status).toBe(422);
    expect(errorMessage('en', answer.key, answer.params)).toBe(
      'say which organisation this is for (organisationId)',
    );
    expect(errorMessage('sv', answer.key, answer.params)).toBe(
      'ange vilken organisation det gäller (organisationId)',
    );
    expect(await opened('api')).toBe(before);
  });
});
