import { loadContract } from '../../../src/contracts/load-contract.ts';
import type { Contract } from '../../../src/domain/sla/contract.ts';
import { approveBillable, flagBillable, logEffort } from '../../../src/domain/tickets/effort.ts';
import { recordStep } from '../../../src/domain/tickets/escalation.ts';
import type { TicketEvent } from '../../../src/domain/tickets/events.ts';
import {
  claim,
  comment,
  openTicket,
  resolve,
  resume,
  startWork,
  waitOnCustomer,
  type NewTicket,
} from '../../../src/domain/tickets/lifecycle.ts';
import { plannedTimers } from '../../../src/domain/tickets/sla-clock.ts';
import type { Ticket } from '../../../src/domain/tickets/ticket.ts';

export const contract: Contract = await loadContract('stratiteq');

/** Monday 3 March 2025, 09:00 in Stockholm. */
export const MONDAY = new Date('2025-03-03T08:00:00Z');
export const minutesAfter = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

export function newTicket(
  input: Partial<NewTicket> & { id: string },
  at: Date = MONDAY,
  actorId = 'contact-1',
): Ticket {
  return openTicket(
    {
      organisationId: 'org-1',
      requesterId: 'contact-1',
      category: 'incident',
      title: `Ticket ${input.id}`,
      description: 'Something broke',
      priority: 'P3',
      ...input,
    },
    contract,
    { actorId, at },
  ).ticket;
}

/**
 * A ticket that went through most of its life: claimed, commented (public and internal), waited on
 * the customer and resumed (a closed paused span), billable work flagged and approved, effort
 * logged, a reminder recorded, then resolved.
 * Returns the events too, in the order they happened.
 */
export function fullTicket(id: string): { ticket: Ticket; events: TicketEvent[] } {
  const events: TicketEvent[] = [];
  const at = (minutes: number) => minutesAfter(MONDAY, minutes);
  const opened = openTicket(
    {
      id,
      organisationId: 'org-1',
      requesterId: 'contact-1',
      category: 'incident',
      title: 'Invoices fail to export',
      description: 'Since this morning every export ends in a 500.',
      priority: 'P2',
      requestedPriority: 'P1',
    },
    contract,
    { actorId: 'contact-1', at: at(0) },
  );
  events.push(...opened.events);
  let ticket = opened.ticket;
  const step = (change: { ticket: Ticket; events: TicketEvent[] }) => {
    ticket = change.ticket;
    events.push(...change.events);
  };
  step(claim(ticket, { actorId: 'agent-1', at: at(5) }));
  step(
    comment(
      ticket,
      { id: 'c-1', body: 'Looking at it', visibility: 'public' },
      { actorId: 'agent-1', at: at(6) },
    ),
  );
  step(
    comment(
      ticket,
      { id: 'c-2', body: 'Probably the cert', visibility: 'internal' },
      { actorId: 'agent-1', at: at(7) },
    ),
  );
  // The response reminder fired before work started (the desk's own clock: no actor).
  const reminder = plannedTimers(ticket, contract).find((timer) => timer.step === 'response:reminder')!;
  step(recordStep(ticket, reminder, contract, { at: at(8) }));
  step(startWork(ticket, { actorId: 'agent-1', at: at(10) }));
  step(waitOnCustomer(ticket, { actorId: 'agent-1', at: at(20) }));
  step(resume(ticket, contract, { actorId: 'contact-1', at: at(50) }));
  step(
    flagBillable(
      ticket,
      { estimateMinutes: 120, reason: 'Custom report' },
      { actorId: 'agent-1', at: at(60) },
    ),
  );
  step(approveBillable(ticket, { actorId: 'contact-1', at: at(70) }));
  step(
    logEffort(
      ticket,
      { id: 'e-1', minutes: 45, note: 'Renewed the cert', billable: false },
      { actorId: 'agent-1', at: at(80) },
    ),
  );
  step(logEffort(ticket, { id: 'e-2', minutes: 90, billable: true }, { actorId: 'agent-1', at: at(90) }));
  step(resolve(ticket, contract, { actorId: 'agent-1', at: at(120) }));
  return { ticket, events };
}
