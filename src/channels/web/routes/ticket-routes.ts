import { listAgents } from '../../../app/directory.ts';
import { performAction } from '../../../app/perform-action.ts';
import { SUBMISSION } from '../web-input.ts';
import { getTicket, ticketHistory } from '../../../app/ticket-queries.ts';
import { DomainError } from '../../../domain/domain-error.ts';
import { isDeskSide } from '../../../domain/desk/people.ts';
import { HttpError } from '../../../http/http-error.ts';
import { translate } from '../../../i18n/translate.ts';
import { backTo, notAllowed } from '../web-answers.ts';
import { fieldOf } from '../web-body.ts';
import { readInput } from '../web-input.ts';
import { page } from '../web-layout.ts';
import { namesOf, organisationsOf } from '../web-lookups.ts';
import type { SignedInRoute } from '../web-routes.ts';
import type { SignedInRequest, WebAnswer, WebDeskContext } from '../web-request.ts';
import { slaStateOf } from '../web-sla-state.ts';
import { isActionSlug, readAction } from '../web-ticket-action-input.ts';
import { listQuery, ticketsFor } from '../web-ticket-list.ts';
import { ticketListHtml } from '../web-ticket-list-view.ts';
import { ticketPageMain } from '../web-ticket-page.ts';

const TICKET_PATH = /^\/web\/tickets\/([^/]+)(?:\/([a-z-]+))?$/;

/** A path's ticket id as typed; one that cannot be decoded is no ticket of anyone's. */
function ticketIdOf(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new DomainError('notFound', { ticket: raw });
  }
}

/**
 * The customer portal and the desk's ticket pages: the list of the tickets the reader may see
 * (GET /web/tickets), one ticket (GET /web/tickets/<id>), and its actions
 * (POST /web/tickets/<id>/<action>). Who may see and do what is the app's to decide: an unknown
 * ticket and another organisation's answer the same 404, a refused action changes nothing.
 */
export function ticketRoutes(context: WebDeskContext): SignedInRoute {
  const { desk } = context;

  async function list(request: SignedInRequest): Promise<WebAnswer> {
    const { person } = request.current;
    const query = readInput(listQuery, Object.fromEntries(request.query));
    const found = await ticketsFor(desk, person.id, query);
    const deskSide = isDeskSide(person);
    const organisations = deskSide
      ? new Map((await desk.organisations.list()).map((o) => [o.id, o]))
      : await organisationsOf(desk, [person.organisationId, ...found.tickets.map((t) => t.organisationId)]);
    const now = desk.clock.now();
    if (request.wantsJson) {
      const tickets = found.tickets.map((ticket) => {
        const organisation = organisations.get(ticket.organisationId);
        const contract = organisation ? desk.contracts.contract(organisation.contractId) : undefined;
        const sla = contract ? slaStateOf(ticket, contract, organisation!.timeZone, now).kind : undefined;
        return {
          id: ticket.id,
          title: ticket.title,
          status: ticket.status,
          priority: ticket.priority,
          organisationId: ticket.organisationId,
          ...(ticket.assigneeId ? { assigneeId: ticket.assigneeId } : {}),
          ...(sla ? { sla } : {}),
        };
      });
      return { status: 200, json: { tickets, ...(found.next ? { next: found.next } : {}) } };
    }
    const names = await namesOf(
      desk,
      found.tickets.map((t) => t.assigneeId),
    );
    const main = ticketListHtml(request, desk, { ...found, query, organisations, names, deskSide }, now);
    return {
      status: 200,
      html: page(request, { title: translate(request.locale, 'web.tickets.title'), active: 'tickets', main }),
    };
  }

  async function show(request: SignedInRequest, ticketId: string): Promise<WebAnswer> {
    const { person } = request.current;
    const ticket = await getTicket(desk, person.id, ticketId);
    const events = await ticketHistory(desk, person.id, ticket.id);
    if (request.wantsJson) {
      if (isDeskSide(person)) return { status: 200, json: { ticket, events } };
      // The page shows a customer no effort log (the desk's own notes and who worked how long):
      // its JSON shows no more than the page.
      const { effort: _effort, effortThresholdNotified: _notified, ...shown } = ticket;
      const said = events.filter((event) => event.type !== 'effort_logged');
      return { status: 200, json: { ticket: shown, events: said } };
    }
    const organisation = await desk.organisations.get(ticket.organisationId);
    if (!organisation) throw new DomainError('notFound', { ticket: ticket.id });
    const deskSide = isDeskSide(person);
    const agents = deskSide ? await listAgents(desk) : [];
    const names = await namesOf(desk, [
      ticket.assigneeId,
      ticket.requesterId,
      ...ticket.comments.map((c) => c.authorId),
      ...ticket.effort.map((e) => e.personId),
      ...events.map((e) => e.actorId),
      ...events.flatMap((e) => (e.type === 'claimed' || e.type === 'assigned' ? [e.assigneeId] : [])),
      ticket.billable?.flaggedBy,
      ticket.billable?.approvedBy,
    ]);
    const main = ticketPageMain(request, {
      ticket,
      events,
      organisation,
      contract: desk.contracts.contract(organisation.contractId),
      names,
      agents,
      deskSide,
      now: desk.clock.now(),
    });
    return {
      status: 200,
      html: page(request, { title: `${ticket.id} ${ticket.title}`, active: 'tickets', main }),
    };
  }

  async function act(request: SignedInRequest, ticketId: string, slug: string): Promise<WebAnswer> {
    const { person } = request.current;
    if (!isActionSlug(slug)) throw new HttpError(404, 'notFound', 'web.errors.noSuchPage');
    const { action, madeFor } = readAction(slug, request.body, person.id);
    // The same form sent twice (a double click, a retry after a lost answer) acts once, and the
    // second is answered as the first was, not with "that is not possible any more".
    const submission = SUBMISSION.safeParse(fieldOf(request.body, 'submission'));
    const eventId = submission.success ? `form:${person.id}:${submission.data}` : undefined;
    const ticket =
      eventId && (await desk.inbound.handled('web', eventId))
        ? await getTicket(desk, person.id, ticketId)
        : await performAction(desk, person.id, ticketId, action, madeFor);
    if (eventId) await desk.inbound.record('web', eventId, desk.clock.now());
    if (request.wantsJson)
      return { status: 200, json: { ok: true, ticket: { id: ticket.id, status: ticket.status } } };
    return backTo(fieldOf(request.body, 'back'), `/web/tickets/${encodeURIComponent(ticket.id)}`);
  }

  return async (request) => {
    if (request.path === '/web/tickets') {
      if (request.method !== 'GET') return notAllowed('GET', request.locale);
      return list(request);
    }
    const match = TICKET_PATH.exec(request.path);
    if (!match) return undefined;
    const ticketId = ticketIdOf(match[1]!);
    const slug = match[2];
    if (slug === undefined) {
      if (request.method !== 'GET') return notAllowed('GET', request.locale);
      return show(request, ticketId);
    }
    if (request.method !== 'POST') return notAllowed('POST', request.locale);
    return act(request, ticketId, slug);
  };
}
