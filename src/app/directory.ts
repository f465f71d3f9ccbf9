import { DomainError } from '../domain/domain-error.ts';
import {
  addContact as withContact,
  removeContact as withoutContact,
  type Organisation,
} from '../domain/desk/organisation.ts';
import { withIdentity, type Identity, type Person } from '../domain/desk/people.ts';
import type { Locale } from '../domain/locale.ts';
import type { DeskDeps } from './desk-deps.ts';
import { changeRecord } from './change-batches.ts';
import {
  ConcurrentOrganisationChangeError,
  ConcurrentPersonChangeError,
  type DeskSettingsRepository,
} from './ports.ts';
import { loadOrganisation, loadPerson } from './ticket-changes.ts';

/**
 * Setting up a desk: customers, their contacts, the desk's agents. These are admin actions; the
 * edges (admin API key, CLI on the server) decide who may call them.
 */
export interface NewOrganisation {
  name: string;
  contractId: string;
  locale: Locale;
  timeZone?: string;
  incidentManagerId?: string;
  accountOwnerId?: string;
}

function requireTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new DomainError('unknownTimeZone', { timeZone });
  }
}

export async function createOrganisation(deps: DeskDeps, input: NewOrganisation): Promise<Organisation> {
  const contract = deps.contracts.contract(input.contractId);
  if (input.timeZone) requireTimeZone(input.timeZone);
  for (const personId of [input.incidentManagerId, input.accountOwnerId]) {
    if (personId) await requireAgent(deps, personId);
  }
  const organisation: Organisation = {
    id: deps.ids.newId(),
    name: input.name,
    contractId: input.contractId,
    locale: input.locale,
    timeZone: input.timeZone ?? contract.terms.calendar.timeZone,
    contactIds: [],
    ...(input.incidentManagerId ? { incidentManagerId: input.incidentManagerId } : {}),
    ...(input.accountOwnerId ? { accountOwnerId: input.accountOwnerId } : {}),
  };
  return deps.organisations.insert(organisation);
}

/**
 * Loads an organisation, lets `decide` change it, and saves it if nobody saved it meanwhile;
 * otherwise decides again on the fresh organisation. Thirty contacts added at once are thus all
 * judged against the ten-contact limit one after the other.
 */
const changeOrganisation = (
  deps: DeskDeps,
  organisationId: string,
  decide: (organisation: Organisation) => Organisation,
): Promise<Organisation> =>
  changeRecord(
    deps.batches,
    `organisation:${organisationId}`,
    {
      load: () => loadOrganisation(deps, organisationId),
      save: (organisation) => deps.organisations.save(organisation),
      isConflict: (error) => error instanceof ConcurrentOrganisationChangeError,
    },
    decide,
  );

/** The same for a person. */
const changePerson = (
  deps: DeskDeps,
  personId: string,
  decide: (person: Person) => Person,
): Promise<Person> =>
  changeRecord(
    deps.batches,
    `person:${personId}`,
    {
      load: () => loadPerson(deps, personId),
      save: (person) => deps.people.save(person),
      isConflict: (error) => error instanceof ConcurrentPersonChangeError,
    },
    decide,
  );

/**
 * Links a chat identity (a Slack or Teams user, a web login) to a person, so that what they do on
 * that platform is theirs; one identity belongs to one person (`IdentityTakenError` otherwise).
 * Linking a known identity again brings its platform details up to date (a Teams conversation
 * the bot was installed in since), and saves nothing when they are the same.
 */
export function linkIdentity(deps: DeskDeps, personId: string, identity: Identity): Promise<Person> {
  return changePerson(deps, personId, (person) => {
    const identities = withIdentity(person.identities, identity);
    return identities === person.identities ? person : { ...person, identities };
  });
}

async function requireAgent(deps: DeskDeps, personId: string): Promise<Person> {
  const person = await loadPerson(deps, personId);
  if (person.role === 'contact') throw new DomainError('agentsOnly', { action: 'escalationRole' });
  return person;
}

export interface NewPerson {
  name: string;
  email?: string;
  locale?: Locale;
  identities?: Identity[];
}

function person(deps: DeskDeps, input: NewPerson, role: Person['role'], organisationId?: string): Person {
  return {
    id: deps.ids.newId(),
    name: input.name,
    role,
    identities: input.identities ?? [],
    ...(organisationId ? { organisationId } : {}),
    ...(input.email ? { email: input.email } : {}),
    ...(input.locale ? { locale: input.locale } : {}),
  };
}

/** SPEC (004 §2.4): a registered contact; the eleventh is refused. */
export async function addContact(deps: DeskDeps, organisationId: string, input: NewPerson): Promise<Person> {
  const contact = person(deps, input, 'contact', organisationId);
  // The organisation's list is the registration: written first, so that a crash before the
  // person is stored leaves a place on the list (seen, and removable), never a person who acts
  // for an organisation that does not list them.
  await changeOrganisation(deps, organisationId, (organisation) => withContact(organisation, contact.id));
  return deps.people.insert(contact);
}

/** Takes a contact off their organisation's list: from then on they neither open nor read its tickets. */
export async function removeContact(
  deps: DeskDeps,
  organisationId: string,
  personId: string,
): Promise<Organisation> {
  return changeOrganisation(deps, organisationId, (organisation) => withoutContact(organisation, personId));
}

export async function addAgent(deps: DeskDeps, input: NewPerson & { admin?: boolean }): Promise<Person> {
  const agent = person(deps, input, input.admin ? 'admin' : 'agent');
  return deps.people.insert(agent);
}

export async function setEscalationPeople(
  deps: DeskDeps,
  organisationId: string,
  roles: { incidentManagerId?: string; accountOwnerId?: string },
): Promise<Organisation> {
  await loadOrganisation(deps, organisationId);
  for (const personId of Object.values(roles)) if (personId) await requireAgent(deps, personId);
  return changeOrganisation(deps, organisationId, (organisation) => ({ ...organisation, ...roles }));
}

export async function setCeo(
  deps: DeskDeps,
  settings: DeskSettingsRepository,
  personId: string,
): Promise<void> {
  await requireAgent(deps, personId);
  await settings.setCeo(personId);
}

const byName = (a: Person, b: Person) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** The desk's people, agents and admins together, by name. */
export async function listAgents(deps: DeskDeps): Promise<Person[]> {
  const [agents, admins] = await Promise.all([
    deps.people.list({ role: 'agent' }),
    deps.people.list({ role: 'admin' }),
  ]);
  return [...agents, ...admins].sort(byName);
}

/** The organisation's registered contacts (those who may open tickets for it), by name. */
export async function listContacts(deps: DeskDeps, organisationId: string): Promise<Person[]> {
  const organisation = await loadOrganisation(deps, organisationId);
  const people = await deps.people.list({ role: 'contact', organisationId: organisation.id });
  return people.filter((contact) => organisation.contactIds.includes(contact.id));
}

/** Who is named CEO (escalation level 3), with their record; `ceoId` is null while nobody is. */
export async function currentCeo(
  deps: DeskDeps,
  settings: DeskSettingsRepository,
): Promise<{ ceoId: string | null; ceo?: Person }> {
  const { ceoId } = await settings.get();
  const ceo = ceoId ? await deps.people.get(ceoId) : undefined;
  return { ceoId: ceoId ?? null, ...(ceo ? { ceo } : {}) };
}
