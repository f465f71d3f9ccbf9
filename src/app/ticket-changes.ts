import { DomainError } from '../domain/domain-error.ts';
import type { Organisation } from '../domain/desk/organisation.ts';
import type { Person } from '../domain/desk/people.ts';
import type { Contract } from '../domain/sla/contract.ts';
import type { Change } from '../domain/tickets/lifecycle.ts';
import type { Ticket } from '../domain/tickets/ticket.ts';
import { backOff, CONFLICT_ROUNDS, type Outcome } from './change-batches.ts';
import { decideNotices } from './decide-notices.ts';
import type { DeskDeps } from './desk-deps.ts';
import { ConcurrentChangeError, type ChangeEffects } from './ports.ts';
import { carryOut } from './relay.ts';

/** What a use case sees while deciding a change. */
export interface ChangeContext {
  ticket: Ticket;
  organisation: Organisation;
  contract: Contract;
  at: Date;
}

export type Decide = (context: ChangeContext) => Change;

export async function loadPerson(deps: DeskDeps, personId: string): Promise<Person> {
  const person = await deps.people.get(personId);
  if (!person) throw new DomainError('notFound', { person: personId });
  return person;
}

/**
 * The person acting on tickets. A contact acts only while their organisation lists them: the
 * organisation's list is the one record of who is registered (SPEC 004 §2.4), so a contact taken
 * off it (or never put on it) neither opens nor reads that organisation's tickets.
 */
export async function loadActor(deps: DeskDeps, personId: string): Promise<Person> {
  const person = await loadPerson(deps, personId);
  if (person.role !== 'contact') return person;
  const organisation = person.organisationId
    ? await deps.organisations.get(person.organisationId)
    : undefined;
  if (!organisation?.contactIds.includes(person.id)) {
    throw new DomainError('notAContact', {
      organisation: organisation?.name ?? person.organisationId ?? '-',
    });
  }
  return person;
}

export async function loadOrganisation(deps: DeskDeps, organisationId: string): Promise<Organisation> {
  const organisation = await deps.organisations.get(organisationId);
  if (!organisation) throw new DomainError('notFound', { organisation: organisationId });
  return organisation;
}

/**
 * Commits a decided change in one single-document write: the ticket with everything the change
 * must cause (its events, the notices it decided). Then carries the change out (timers, outbox,
 * delivery). From the commit on the change stands: if carrying it out fails half-way (a crash, the
 * database gone), the relay finishes it later, so the caller is not told it failed.
 */
export async function commit(
  deps: DeskDeps,
  change: Change,
  {
    organisation,
    contract,
    isNew = false,
  }: { organisation: Organisation; contract: Contract; isNew?: boolean },
): Promise<Ticket> {
  const settings = await deps.settings.get();
  const version = isNew ? 0 : change.ticket.version + 1;
  const effects: ChangeEffects = {
    events: change.events,
    notices: decideNotices(change.events, { ...change.ticket, version }, organisation, settings, contract),
  };
  const saved = isNew
    ? await deps.tickets.insert(change.ticket, effects)
    : await deps.tickets.save(change.ticket, effects);
  try {
    await carryOut(deps, saved, saved.version, effects, contract);
  } catch (error) {
    deps.logger.warn({ err: error, ticketId: saved.id, version: saved.version }, 'change left to the relay');
  }
  return saved;
}

/**
 * Loads a ticket, lets `decide` make the change, and commits it. Changes to the same ticket that
 * meet in this process are decided in turn and committed together; when another process saved the
 * ticket in between, they are decided again on the fresh ticket, so the loser of a race gets the
 * domain's own answer ("already claimed by …") instead of a silent overwrite.
 */
export function changeTicket(deps: DeskDeps, ticketId: string, decide: Decide): Promise<Ticket> {
  return deps.batches.submit(`ticket:${ticketId}`, decide, (decides) =>
    commitTogether(deps, ticketId, decides),
  );
}

async function commitTogether(
  deps: DeskDeps,
  ticketId: string,
  decides: Decide[],
): Promise<Outcome<Ticket>[]> {
  for (let attempt = 1; ; attempt++) {
    const ticket = await deps.tickets.get(ticketId);
    if (!ticket) throw new DomainError('notFound', { ticket: ticketId });
    const organisation = await loadOrganisation(deps, ticket.organisationId);
    const contract = deps.contracts.contract(organisation.contractId);
    const at = deps.clock.now();
    let current = ticket;
    const events: Change['events'] = [];
    const refusals = decides.map((decide) => {
      try {
        const change = decide({ ticket: current, organisation, contract, at });
        current = change.ticket;
        events.push(...change.events);
        return undefined;
      } catch (error) {
        return { error };
      }
    });
    try {
      const saved =
        events.length === 0
          ? current
          : await commit(deps, { ticket: current, events }, { organisation, contract });
      return refusals.map((refusal) => refusal ?? { value: saved });
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError) || attempt >= CONFLICT_ROUNDS) throw error;
      await backOff(deps.waiter, attempt);
    }
  }
}
