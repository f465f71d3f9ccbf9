import { DomainError } from '../domain/domain-error.ts';
import { isDeskSide } from '../domain/desk/people.ts';
import type { Contract } from '../domain/sla/contract.ts';
import { alertRepeated, openTicket as open, requirePriority } from '../domain/tickets/lifecycle.ts';
import { isOpen, type Category, type Ticket, type TicketOrigin } from '../domain/tickets/ticket.ts';
import type { DeskDeps, TicketSource } from './desk-deps.ts';
import { requireRegisteredContact } from './policy.ts';
import { createHash } from 'node:crypto';
import type { Organisation } from '../domain/desk/organisation.ts';
import type { Change } from '../domain/tickets/lifecycle.ts';
import { changeTicket, commit, loadOrganisation, loadPerson } from './ticket-changes.ts';

export interface OpenTicketRequest {
  /** The customer the ticket is for; left out, the requester's organisation. */
  organisationId?: string;
  /** The contact the ticket is for; the actor when a contact opens it themselves. */
  requesterId: string;
  /** Where it is opened from, for the count of tickets opened (monitoring alerts come as reports). */
  source: Exclude<TicketSource, 'alert'>;
  category: Category;
  title: string;
  description: string;
  /** What the customer asks for; the desk decides unless the contract lets the customer set it. */
  priority?: string;
  /** The chat message it was written in, to answer in its thread. */
  origin?: TicketOrigin;
  /**
   * The caller's key for this open: the same key (from the same actor) gives back the ticket it
   * opened, also when the first answer was lost or was an error after the ticket was stored.
   */
  idempotencyKey?: string;
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
  const requester = actor.id === request.requesterId ? actor : await loadPerson(deps, request.requesterId);
  const organisationId = request.organisationId ?? requester.organisationId;
  if (organisationId === undefined) throw new DomainError('organisationRequired');
  const organisation = await loadOrganisation(deps, organisationId);
  if (!isDeskSide(actor) && actor.id !== requester.id)
    throw new DomainError('agentsOnly', { action: 'openFor' });
  requireRegisteredContact(requester, organisation);
  const contract = deps.contracts.contract(organisation.contractId);
  checkPriority(contract, request.priority);
  const decides = isDeskSide(actor) || contract.terms.prioritySetBy === 'customer';
  const priority = decides && request.priority ? request.priority : contract.terms.defaultPriority;
  const requestedPriority = !decides && request.priority !== priority ? request.priority : undefined;
  const { idempotencyKey, source, organisationId: _named, ...rest } = request;
  const fields = { ...rest, organisationId };
  const decide = (id: string) =>
    open({ ...fields, id, priority, ...(requestedPriority ? { requestedPriority } : {}) }, contract, {
      actorId: actor.id,
      at: deps.clock.now(),
    });
  const context = { organisation, contract };
  const { ticket, opened } =
    idempotencyKey === undefined
      ? await openNew(deps, decide, context)
      : await openOnce(deps, `request:${actor.id}:${idempotencyKey}`, fingerprint(fields), decide, {
          ...context,
          idempotencyKey,
        });
  if (opened) deps.signals?.ticketOpened(source);
  return ticket;
}

/** A ticket an open gave back, and whether this call opened it (not a repeat of an earlier try). */
interface Opened {
  ticket: Ticket;
  opened: boolean;
}

async function openNew(
  deps: DeskDeps,
  decide: (id: string) => Change,
  context: { organisation: Organisation; contract: Contract },
): Promise<Opened> {
  const ticket = await commit(deps, decide(await deps.ids.nextTicketId()), { ...context, isNew: true });
  return { ticket, opened: true };
}

const fingerprint = (fields: object): string =>
  createHash('sha256').update(JSON.stringify(fields)).digest('base64url');

/** How long a claim may wait for its holder to name the ticket before it counts as abandoned. */
const ABANDONED_CLAIM_MS = 30_000;
/** Looks (every HOLDER_POLL_MS) at a key another open holds before answering "in progress": about 3 s. */
const HOLDER_POLLS = 60;
/** How long each look at a key another open holds waits before it reads the key again. */
const HOLDER_POLL_MS = 50;

/**
 * Opens the ticket a key stands for, once: the first caller claims the key, draws the number and
 * opens; a repeat (a retry after a lost answer or a 5xx) gets that ticket back, and finishes opening
 * it if the first caller died after drawing the number. Only the claim's holder draws a number.
 */
async function openOnce(
  deps: DeskDeps,
  key: string,
  print: string,
  decide: (id: string) => Change,
  context: { organisation: Organisation; contract: Contract; idempotencyKey: string },
): Promise<Opened> {
  let claim = await deps.openClaims.latest(key);
  let polls = 0;
  for (;;) {
    if (claim?.fingerprint !== undefined && claim.fingerprint !== print) {
      throw new DomainError('idempotencyKeyReused', { key: context.idempotencyKey });
    }
    // Of two holders (a slow one, and one that took over its claim) the number named first is opened.
    if (claim?.ticketId) {
      return openOrFind(deps, await deps.openClaims.settle(key, claim.ticketId), decide, context);
    }
    const abandoned = claim && deps.clock.now().getTime() - claim.since.getTime() >= ABANDONED_CLAIM_MS;
    if (claim && !abandoned) {
      // Someone else holds the key and has not drawn a number yet: wait for it a little; a holder
      // that died is taken over only once it is surely gone, so the caller is asked to come back.
      if (++polls > HOLDER_POLLS) throw new DomainError('openInProgress', { key: context.idempotencyKey });
      await deps.waiter.wait(HOLDER_POLL_MS);
      claim = await deps.openClaims.latest(key);
      continue;
    }
    const generation = claim ? claim.generation + 1 : 0;
    const token = deps.ids.newId();
    claim = await deps.openClaims.claim(key, generation, token, deps.clock.now(), print);
    if (claim.token === token) {
      const ticketId = await deps.ids.nextTicketId();
      await deps.openClaims.bind(key, generation, token, ticketId);
      claim = { ...claim, ticketId };
    }
  }
}

/** Opens `ticketId` unless it was committed already (by an earlier try), then gives it back. */
async function openOrFind(
  deps: DeskDeps,
  ticketId: string,
  decide: (id: string) => Change,
  context: { organisation: Organisation; contract: Contract },
): Promise<Opened> {
  const existing = await deps.tickets.get(ticketId);
  if (existing) return { ticket: existing, opened: false };
  try {
    return { ticket: await commit(deps, decide(ticketId), { ...context, isNew: true }), opened: true };
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'alreadyExists') throw error;
    const settled = await deps.tickets.settle(ticketId);
    if (!settled) throw error;
    return { ticket: settled, opened: false };
  }
}

export interface AlertReport {
  organisationId: string;
  alertKey: string;
  title: string;
  description: string;
  priority?: string;
}

/**
 * A monitoring system crossed a threshold (SPEC 004 §4.2, 002): an incident is opened, or the open
 * incident for the same alert counts one more firing instead of being duplicated. The alert key is
 * claimed by the firing that opens its incident, so firings that arrive together open one incident
 * between them and draw one ticket number.
 */
export async function reportAlert(
  deps: DeskDeps,
  report: AlertReport,
): Promise<{ ticket: Ticket; created: boolean }> {
  const organisation = await loadOrganisation(deps, report.organisationId);
  const contract = deps.contracts.contract(organisation.contractId);
  checkPriority(contract, report.priority);
  const key = `alert:${organisation.id}:${report.alertKey}`;
  let claim = await deps.openClaims.latest(key);
  for (;;) {
    const incident = claim?.ticketId ? await deps.tickets.get(claim.ticketId) : undefined;
    if (incident && isOpen(incident)) {
      const ticket = await changeTicket(deps, incident.id, ({ ticket, at }) => alertRepeated(ticket, { at }));
      return { ticket, created: false };
    }
    const young = claim && deps.clock.now().getTime() - claim.since.getTime() < ABANDONED_CLAIM_MS;
    if (claim && !incident && young) {
      // Another firing is opening the incident right now: wait for it to appear.
      await deps.waiter.wait(HOLDER_POLL_MS);
      claim = await deps.openClaims.latest(key);
      continue;
    }
    // Never claimed, or the incident of the latest claim is resolved (or was never written): the
    // next generation of the claim opens a new one.
    const generation = claim ? claim.generation + 1 : 0;
    const token = deps.ids.newId();
    claim = await deps.openClaims.claim(key, generation, token, deps.clock.now());
    if (claim.token !== token) continue;
    const id = await deps.ids.nextTicketId();
    await deps.openClaims.bind(key, generation, token, id);
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
    const ticket = await commit(deps, change, { organisation, contract, isNew: true });
    deps.signals?.ticketOpened('alert');
    return { ticket, created: true };
  }
}
