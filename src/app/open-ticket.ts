import { DomainError } from '../domain/domain-error.ts';
import { isDeskSide } from '../domain/desk/people.ts';
import type { Contract } from '../domain/sla/contract.ts';
import { alertRepeated, openTicket as open, requirePriority } from '../domain/tickets/lifecycle.ts';
import { isOpen, type Category, type ConversationRefs, type Ticket } from '../domain/tickets/ticket.ts';
import type { DeskDeps } from './desk-deps.ts';
import { requireRegisteredContact } from './policy.ts';
import { afterSave, changeTicket, loadOrganisation, loadPerson } from './ticket-changes.ts';

export interface OpenTicketRequest {
  organisationId: string;
  /** The contact the ticket is for; the actor when a contact opens it themselves. */
  requesterId: string;
  category: Category;
  title: string;
  description: string;
  /** What the customer asks for; the desk decides unless the contract lets the customer set it. */
  priority?: string;
  conversations?: ConversationRefs;
}

function checkPriority(contract: Contract, priority: string | undefined): void {
  if (priority !== undefined) requirePriority(contract, priority);
}

/** Registers a ticket: it gets its id at once and the requester is told it (SPEC 004 §2.7). */
export async function openTicket(
  deps: DeskDeps,
  actorId: string,
  request: OpenTicketRequest,
): Promise<Ticket> {
  const actor = await loadPerson(deps, actorId);
  const organisation = await loadOrganisation(deps, request.organisationId);
  const requester = actor.id === request.requesterId ? actor : await loadPerson(deps, request.requesterId);
  if (!isDeskSide(actor) && actor.id !== requester.id)
    throw new DomainError('agentsOnly', { action: 'openFor' });
  requireRegisteredContact(requester, organisation);
  const contract = deps.contracts.contract(organisation.contractId);
  checkPriority(contract, request.priority);
  const decides = isDeskSide(actor) || contract.terms.prioritySetBy === 'customer';
  const priority = decides && request.priority ? request.priority : contract.terms.defaultPriority;
  const requestedPriority = !decides && request.priority !== priority ? request.priority : undefined;
  const change = open(
    {
      ...request,
      id: await deps.ids.nextTicketId(),
      priority,
      ...(requestedPriority ? { requestedPriority } : {}),
    },
    contract,
    { actorId: actor.id, at: deps.clock.now() },
  );
  const saved = await deps.tickets.insert(change.ticket);
  await afterSave(deps, saved, change, { organisation, contract });
  return saved;
}

export interface AlertReport {
  organisationId: string;
  alertKey: string;
  title: string;
  description: string;
  priority?: string;
}

/** A hold whose ticket has not appeared after this long was left by a process that died. */
const ABANDONED_HOLD_MS = 30_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A monitoring system crossed a threshold (SPEC 004 §4.2, 002): an incident is opened, or the open
 * incident for the same alert counts one more firing instead of being duplicated. The alert key is
 * held by its incident, so firings that arrive together open one incident between them.
 */
export async function reportAlert(
  deps: DeskDeps,
  report: AlertReport,
): Promise<{ ticket: Ticket; created: boolean }> {
  const organisation = await loadOrganisation(deps, report.organisationId);
  const contract = deps.contracts.contract(organisation.contractId);
  checkPriority(contract, report.priority);
  const repeated = async (ticketId: string) => ({
    ticket: await changeTicket(deps, ticketId, ({ ticket, at }) => alertRepeated(ticket, { at })),
    created: false,
  });
  // Most firings repeat an open incident: answered without drawing a ticket id.
  const current = await deps.alerts.holder(organisation.id, report.alertKey);
  const incident = current && (await deps.tickets.get(current.ticketId));
  if (incident && isOpen(incident)) return repeated(incident.id);

  const id = await deps.ids.nextTicketId();
  for (;;) {
    const holder = await deps.alerts.hold(organisation.id, report.alertKey, id, deps.clock.now());
    if (holder.ticketId === id) break;
    const held = await deps.tickets.get(holder.ticketId);
    if (held && isOpen(held)) return repeated(held.id);
    if (!held && deps.clock.now().getTime() - holder.since.getTime() < ABANDONED_HOLD_MS) {
      // Another firing is opening the incident right now: wait for it to appear.
      await pause(50);
      continue;
    }
    // The incident that held the key is resolved (or was never written): the key is free again.
    await deps.alerts.release(organisation.id, report.alertKey, holder.ticketId);
  }

  const change = open(
    {
      id,
      organisationId: organisation.id,
      category: 'incident',
      title: report.title,
      description: report.description,
      priority: report.priority ?? contract.terms.defaultPriority,
      alertKey: report.alertKey,
    },
    contract,
    { at: deps.clock.now() },
  );
  const saved = await deps.tickets.insert(change.ticket);
  await afterSave(deps, saved, change, { organisation, contract });
  return { ticket: saved, created: true };
}
