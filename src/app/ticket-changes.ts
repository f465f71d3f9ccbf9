import { DomainError } from '../domain/domain-error.ts';
import type { Organisation } from '../domain/desk/organisation.ts';
import type { Person } from '../domain/desk/people.ts';
import type { Contract } from '../domain/sla/contract.ts';
import type { Change } from '../domain/tickets/lifecycle.ts';
import type { Ticket } from '../domain/tickets/ticket.ts';
import { ticketTimers } from '../domain/tickets/timers.ts';
import type { DeskDeps } from './desk-deps.ts';
import { ConcurrentChangeError } from './ports.ts';
import { DeliveryError } from './tell-people.ts';

/** What a use case sees while deciding a change. */
export interface ChangeContext {
  ticket: Ticket;
  organisation: Organisation;
  contract: Contract;
  at: Date;
}

/** Enough for an alert storm on one incident; each retry waits a little longer, with jitter. */
const ATTEMPTS = 8;
const backOff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, attempt * (5 + Math.random() * 20)));

export async function loadPerson(deps: DeskDeps, personId: string): Promise<Person> {
  const person = await deps.people.get(personId);
  if (!person) throw new DomainError('notFound', { person: personId });
  return person;
}

export async function loadOrganisation(deps: DeskDeps, organisationId: string): Promise<Organisation> {
  const organisation = await deps.organisations.get(organisationId);
  if (!organisation) throw new DomainError('notFound', { organisation: organisationId });
  return organisation;
}

/**
 * Writes a decided change: the ticket (if nobody changed it meanwhile), its audit entries, its SLA
 * timers, then the messages. Saving first means a message never announces a change that was lost.
 */
export async function record(deps: DeskDeps, change: Change, context: Omit<ChangeContext, 'ticket' | 'at'>) {
  if (change.events.length === 0) return change.ticket;
  const saved = await deps.tickets.save(change.ticket);
  await afterSave(deps, saved, change, context);
  return saved;
}

export async function afterSave(
  deps: DeskDeps,
  saved: Ticket,
  change: Change,
  { organisation, contract }: Omit<ChangeContext, 'ticket' | 'at'>,
): Promise<void> {
  // Neither waits for the other: both follow from the saved ticket alone.
  await Promise.all([
    deps.audit.append(saved.id, saved.version, change.events),
    deps.timers.replace(saved.id, ticketTimers(saved, contract)),
  ]);
  try {
    await deps.tell.tell(change.events, saved, organisation);
  } catch (error) {
    // A chat platform being down must not undo a change that is saved and logged: the failures are
    // logged where they happened, and an SLA step tells again until it gets through (sla-steps.ts).
    if (!(error instanceof DeliveryError)) throw error;
  }
}

/**
 * Loads a ticket, lets `decide` make the change, and records it. When another agent saved the
 * ticket in between, the decision is made again on the fresh ticket, so the loser of a race gets
 * the domain's own answer ("already claimed by …") instead of a silent overwrite.
 */
export async function changeTicket(
  deps: DeskDeps,
  ticketId: string,
  decide: (context: ChangeContext) => Change,
): Promise<Ticket> {
  for (let attempt = 1; ; attempt++) {
    const ticket = await deps.tickets.get(ticketId);
    if (!ticket) throw new DomainError('notFound', { ticket: ticketId });
    const organisation = await loadOrganisation(deps, ticket.organisationId);
    const contract = deps.contracts.contract(organisation.contractId);
    const change = decide({ ticket, organisation, contract, at: deps.clock.now() });
    try {
      return await record(deps, change, { organisation, contract });
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError) || attempt >= ATTEMPTS) throw error;
      await backOff(attempt);
    }
  }
}
