import { customerPlaces, mapCustomerPlace, unmapCustomerPlace } from '../../../app/chat/customer-places.ts';
import {
  addAgent,
  addContact,
  createOrganisation,
  currentCeo,
  listAgents,
  listContacts,
  removeContact,
  setCeo,
  setEscalationPeople,
} from '../../../app/directory.ts';
import { setTriagePlace, triagePlaces } from '../../../app/messaging/messaging-admin.ts';
import { loadOrganisation } from '../../../app/ticket-changes.ts';
import { HttpError } from '../../../http/http-error.ts';
import { translate } from '../../../i18n/translate.ts';
import { backTo, notAllowed } from '../web-answers.ts';
import { fieldOf } from '../web-body.ts';
import {
  agentForm,
  ceoForm,
  ladderForm,
  organisationForm,
  personForm,
  placeForm,
  triageForm,
} from '../web-admin-input.ts';
import { organisationMain } from '../web-admin-organisation-view.ts';
import { adminMain } from '../web-admin-view.ts';
import { readInput } from '../web-input.ts';
import { page } from '../web-layout.ts';
import type { SignedInRoute } from '../web-routes.ts';
import type { SignedInRequest, WebAnswer, WebDeskContext } from '../web-request.ts';

const ID = '([A-Za-z0-9_-]{1,64})';
const ORGANISATION = new RegExp(`^/web/admin/organisations/${ID}$`);
const ORGANISATION_PART = new RegExp(
  `^/web/admin/organisations/${ID}/(contacts|ladder|places|places/unmap)$`,
);
const CONTACT_REMOVAL = new RegExp(`^/web/admin/organisations/${ID}/contacts/${ID}/remove$`);

/** Setting the desk up is the admins' alone: refused on the server to anyone else. */
function requireAdmin(request: SignedInRequest): void {
  if (request.current.person.role !== 'admin') throw new HttpError(403, 'adminsOnly', 'web.admin.adminsOnly');
}

/** A change made: JSON for the page's script, else back to the page the form was on. */
const done = (request: SignedInRequest, json: object, fallback = '/web/admin'): WebAnswer =>
  request.wantsJson
    ? { status: 200, json: { ok: true, ...json } }
    : backTo(fieldOf(request.body, 'back'), fallback);

/**
 * The admin pages of the web desk: customer organisations (their contacts, within the ten the
 * contract allows; their escalation ladder; the chat places their contacts write in), the desk's
 * agents, its CEO and its triage places. Every change is the app's (directory.ts and friends),
 * which refuses what the rules forbid; the refusal comes back in the reader's words.
 */
export function adminRoutes(context: WebDeskContext): SignedInRoute {
  const deps = context.desk;

  async function adminPage(request: SignedInRequest): Promise<WebAnswer> {
    const [organisations, agents, { ceoId }, triage] = await Promise.all([
      deps.organisations.list(),
      listAgents(deps),
      currentCeo(deps, deps.settings),
      triagePlaces(deps),
    ]);
    return {
      status: 200,
      html: page(request, {
        title: translate(request.locale, 'web.admin.title'),
        active: 'admin',
        main: adminMain(deps, request, { organisations, agents, ceoId, triage }),
      }),
    };
  }

  async function organisationPage(request: SignedInRequest, organisationId: string): Promise<WebAnswer> {
    const organisation = await loadOrganisation(deps, organisationId);
    const [contacts, agents, places] = await Promise.all([
      listContacts(deps, organisation.id),
      listAgents(deps),
      customerPlaces(deps),
    ]);
    return {
      status: 200,
      html: page(request, {
        title: organisation.name,
        active: 'admin',
        main: organisationMain(request, { organisation, contacts, agents, places }),
      }),
    };
  }

  async function deskChange(request: SignedInRequest): Promise<WebAnswer | undefined> {
    switch (request.path) {
      case '/web/admin/organisations': {
        const input = readInput(organisationForm, request.body);
        const organisation = await createOrganisation(deps, {
          name: input.name,
          contractId: input.contractId,
          locale: input.locale,
        });
        return done(request, { organisation: { id: organisation.id, name: organisation.name } });
      }
      case '/web/admin/agents': {
        const input = readInput(agentForm, request.body);
        const agent = await addAgent(deps, {
          name: input.name,
          ...(input.email ? { email: input.email } : {}),
          ...(input.locale ? { locale: input.locale } : {}),
          admin: input.admin,
        });
        return done(request, { agent: { id: agent.id, name: agent.name, role: agent.role } });
      }
      case '/web/admin/ceo': {
        const { personId } = readInput(ceoForm, request.body);
        await setCeo(deps, deps.settings, personId);
        return done(request, { ceoId: personId });
      }
      case '/web/admin/triage': {
        const { channel, target } = readInput(triageForm, request.body);
        return done(request, { triage: await setTriagePlace(deps, channel, target) });
      }
      default:
        return undefined;
    }
  }

  async function organisationChange(
    request: SignedInRequest,
    organisationId: string,
    part: string,
  ): Promise<WebAnswer> {
    const fallback = `/web/admin/organisations/${organisationId}`;
    switch (part) {
      case 'contacts': {
        const input = readInput(personForm, request.body);
        const contact = await addContact(deps, organisationId, {
          name: input.name,
          ...(input.email ? { email: input.email } : {}),
          ...(input.locale ? { locale: input.locale } : {}),
        });
        return done(request, { contact: { id: contact.id, name: contact.name } }, fallback);
      }
      case 'ladder': {
        const input = readInput(ladderForm, request.body);
        const organisation = await setEscalationPeople(deps, organisationId, {
          ...(input.incidentManagerId ? { incidentManagerId: input.incidentManagerId } : {}),
          ...(input.accountOwnerId ? { accountOwnerId: input.accountOwnerId } : {}),
        });
        const { incidentManagerId, accountOwnerId } = organisation;
        return done(
          request,
          {
            ladder: { incidentManagerId: incidentManagerId ?? null, accountOwnerId: accountOwnerId ?? null },
          },
          fallback,
        );
      }
      case 'places': {
        const { channel, place } = readInput(placeForm, request.body);
        const places = await mapCustomerPlace(deps, { channel, place, organisationId });
        return done(request, { places }, fallback);
      }
      default: {
        const { channel, place } = readInput(placeForm, request.body);
        await loadOrganisation(deps, organisationId);
        const mapped = (await customerPlaces(deps)).find(
          (known) => known.channel === channel && known.place === place,
        );
        // Only this organisation's own place is unmapped from its page.
        if (mapped?.organisationId !== organisationId)
          throw new HttpError(404, 'notFound', 'web.admin.noSuchPlace', { place });
        const { places } = await unmapCustomerPlace(deps, channel, place);
        return done(request, { places }, fallback);
      }
    }
  }

  async function change(request: SignedInRequest): Promise<WebAnswer> {
    const desk = await deskChange(request);
    if (desk) return desk;
    const removal = CONTACT_REMOVAL.exec(request.path);
    if (removal) {
      const [, organisationId, personId] = removal;
      await removeContact(deps, organisationId!, personId!);
      return done(request, { removed: personId }, `/web/admin/organisations/${organisationId}`);
    }
    const part = ORGANISATION_PART.exec(request.path);
    if (part) return organisationChange(request, part[1]!, part[2]!);
    throw new HttpError(404, 'notFound', 'web.errors.noSuchPage');
  }

  return async (request) => {
    if (request.path !== '/web/admin' && !request.path.startsWith('/web/admin/')) return undefined;
    requireAdmin(request);
    if (request.method === 'POST') {
      if (request.path === '/web/admin' || ORGANISATION.test(request.path))
        return notAllowed('GET', request.locale);
      return change(request);
    }
    if (request.method !== 'GET') return notAllowed('GET, POST', request.locale);
    if (request.path === '/web/admin') return adminPage(request);
    const organisation = ORGANISATION.exec(request.path);
    if (organisation) return organisationPage(request, organisation[1]!);
    throw new HttpError(404, 'notFound', 'web.errors.noSuchPage');
  };
}
