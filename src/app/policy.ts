import { DomainError } from '../domain/domain-error.ts';
import type { Organisation } from '../domain/desk/organisation.ts';
import { isDeskSide, type Person } from '../domain/desk/people.ts';
import type { Ticket } from '../domain/tickets/ticket.ts';

/**
 * Who may do what, checked here on the server whatever a channel shows or hides.
 * SPEC (004 §2.2): a contact sees all tickets of their own organisation, never another's.
 */
export function requireCanSee(actor: Person, ticket: Pick<Ticket, 'id' | 'organisationId'>): void {
  if (isDeskSide(actor)) return;
  if (actor.role !== 'contact' || actor.organisationId !== ticket.organisationId) {
    // Said as "not found" so that ticket ids of other customers cannot be probed.
    throw new DomainError('notFound', { ticket: ticket.id });
  }
}

export function requireDeskSide(actor: Person, action: string): void {
  if (!isDeskSide(actor)) throw new DomainError('agentsOnly', { action });
}

/** Decisions that are the customer's own: accepting a solution, approving an estimate. */
export function requireContactOf(
  actor: Person,
  ticket: Pick<Ticket, 'organisationId'>,
  action: string,
): void {
  if (actor.role !== 'contact' || actor.organisationId !== ticket.organisationId) {
    throw new DomainError('customerOnly', { action });
  }
}

/** SPEC (004 §2.4): the organisation's list is the registration of its contacts. */
export const isRegisteredContact = (person: Person, organisation: Organisation): boolean =>
  person.role === 'contact' &&
  person.organisationId === organisation.id &&
  organisation.contactIds.includes(person.id);

/** SPEC (004 §2.4): only a customer's registered contacts may open tickets for it. */
export function requireRegisteredContact(person: Person, organisation: Organisation): void {
  if (!isRegisteredContact(person, organisation)) {
    throw new DomainError('notAContact', { organisation: organisation.name });
  }
}
