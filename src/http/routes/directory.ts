import {
  addAgent,
  addContact,
  createOrganisation,
  currentCeo,
  linkIdentity,
  listAgents,
  listContacts,
  removeContact,
  setCeo,
  setEscalationPeople,
} from '../../app/directory.ts';
import { loadOrganisation } from '../../app/ticket-changes.ts';
import { HttpError } from '../http-error.ts';
import * as schemas from '../request-schemas.ts';
import { route } from '../router.ts';
import {
  AGENT_LIST,
  API_KEY_LIST,
  CEO,
  CEO_SETTING,
  CONTACT_LIST,
  CREATED_API_KEY,
  ORGANISATION,
  ORGANISATION_LIST,
  PERSON,
  REVOKED,
} from './common.ts';

const TAG = 'Directory (admin)';

export const directoryRoutes = [
  route({
    name: 'createOrganisation',
    method: 'POST',
    path: '/api/organisations',
    summary: 'Add a customer organisation with its contract',
    tag: TAG,
    access: 'admin',
    body: { name: 'OrganisationRequest', zod: schemas.organisationBody },
    responses: { 201: { description: 'The new organisation', schema: ORGANISATION } },
    refusals: [404, 409, 422],
    async handle(context) {
      return { status: 201, body: await createOrganisation(context.services.deps, context.body) };
    },
  }),
  route({
    name: 'listOrganisations',
    method: 'GET',
    path: '/api/organisations',
    summary: 'All customer organisations, by name',
    tag: TAG,
    access: 'admin',
    responses: { 200: { description: 'The organisations', schema: ORGANISATION_LIST } },
    async handle(context) {
      return { status: 200, body: { organisations: await context.services.deps.organisations.list() } };
    },
  }),
  route({
    name: 'addContact',
    method: 'POST',
    path: '/api/organisations/:id/contacts',
    summary: 'Register a contact of the organisation (at most 10)',
    tag: TAG,
    access: 'admin',
    params: schemas.organisationPath,
    body: { name: 'PersonRequest', zod: schemas.personBody },
    responses: { 201: { description: 'The new contact', schema: PERSON } },
    refusals: [404, 409],
    async handle(context) {
      return { status: 201, body: await addContact(context.services.deps, context.params.id, context.body) };
    },
  }),
  route({
    name: 'listContacts',
    method: 'GET',
    path: '/api/organisations/:id/contacts',
    summary: 'The organisation’s registered contacts, by name',
    tag: TAG,
    access: 'admin',
    params: schemas.organisationPath,
    responses: { 200: { description: 'The contacts', schema: CONTACT_LIST } },
    refusals: [404],
    async handle(context) {
      return {
        status: 200,
        body: { contacts: await listContacts(context.services.deps, context.params.id) },
      };
    },
  }),
  route({
    name: 'removeContact',
    method: 'DELETE',
    path: '/api/organisations/:id/contacts/:personId',
    summary: 'Take a contact off the organisation’s list: they no longer open or read its tickets',
    tag: TAG,
    access: 'admin',
    params: schemas.contactPath,
    responses: { 200: { description: 'The organisation without the contact', schema: ORGANISATION } },
    refusals: [404],
    async handle(context) {
      const { id, personId } = context.params;
      return { status: 200, body: await removeContact(context.services.deps, id, personId) };
    },
  }),
  route({
    name: 'setEscalationPeople',
    method: 'PUT',
    path: '/api/organisations/:id/escalation',
    summary: 'Name the Incident & Problem Manager (level 1) and account owner (level 2)',
    tag: TAG,
    access: 'admin',
    params: schemas.organisationPath,
    body: { name: 'EscalationRequest', zod: schemas.escalationBody },
    responses: { 200: { description: 'The organisation', schema: ORGANISATION } },
    refusals: [404],
    async handle(context) {
      return {
        status: 200,
        body: await setEscalationPeople(context.services.deps, context.params.id, context.body),
      };
    },
  }),
  route({
    name: 'linkIdentity',
    method: 'PUT',
    path: '/api/people/:id/identity',
    summary: 'Link a person (agent or contact) to their user on a chat platform, e.g. a Slack user id',
    tag: TAG,
    access: 'admin',
    params: schemas.personPath,
    body: { name: 'IdentityRequest', zod: schemas.identity },
    responses: { 200: { description: 'The person, with the identity linked', schema: PERSON } },
    refusals: [404, 409],
    async handle(context) {
      return {
        status: 200,
        body: await linkIdentity(context.services.deps, context.params.id, context.body),
      };
    },
  }),
  route({
    name: 'addAgent',
    method: 'POST',
    path: '/api/agents',
    summary: 'Add an agent (or admin) of the desk',
    tag: TAG,
    access: 'admin',
    body: { name: 'AgentRequest', zod: schemas.agentBody },
    responses: { 201: { description: 'The new agent', schema: PERSON } },
    refusals: [409],
    async handle(context) {
      return { status: 201, body: await addAgent(context.services.deps, context.body) };
    },
  }),
  route({
    name: 'listAgents',
    method: 'GET',
    path: '/api/agents',
    summary: 'The desk’s agents and admins, by name',
    tag: TAG,
    access: 'admin',
    responses: { 200: { description: 'The agents', schema: AGENT_LIST } },
    async handle(context) {
      return { status: 200, body: { agents: await listAgents(context.services.deps) } };
    },
  }),
  route({
    name: 'getCeo',
    method: 'GET',
    path: '/api/settings/ceo',
    summary: 'Who is named CEO, escalation level 3',
    tag: TAG,
    access: 'admin',
    responses: { 200: { description: 'The CEO setting', schema: CEO_SETTING } },
    async handle(context) {
      return { status: 200, body: await currentCeo(context.services.deps, context.services.settings) };
    },
  }),
  route({
    name: 'setCeo',
    method: 'PUT',
    path: '/api/settings/ceo',
    summary: 'Name the CEO, escalation level 3',
    tag: TAG,
    access: 'admin',
    body: { name: 'CeoRequest', zod: schemas.ceoBody },
    responses: { 200: { description: 'The CEO now in force', schema: CEO } },
    refusals: [404],
    async handle(context) {
      await setCeo(context.services.deps, context.services.settings, context.body.personId);
      return { status: 200, body: { ceoId: context.body.personId } };
    },
  }),
  route({
    name: 'createApiKey',
    method: 'POST',
    path: '/api/organisations/:id/api-keys',
    summary: 'Make an API key for the organisation; the key is shown in this answer only',
    tag: TAG,
    access: 'admin',
    params: schemas.organisationPath,
    body: { name: 'ApiKeyRequest', zod: schemas.apiKeyBody },
    responses: { 201: { description: 'The key, once, and its public record', schema: CREATED_API_KEY } },
    refusals: [404],
    async handle(context) {
      const { deps, apiKeys } = context.services;
      const organisation = await loadOrganisation(deps, context.params.id);
      const created = await apiKeys.create(
        { kind: 'organisation', organisationId: organisation.id },
        context.body.label,
      );
      return { status: 201, body: created };
    },
  }),
  route({
    name: 'listApiKeys',
    method: 'GET',
    path: '/api/organisations/:id/api-keys',
    summary: 'The organisation’s API keys (never the keys themselves)',
    tag: TAG,
    access: 'admin',
    params: schemas.organisationPath,
    responses: { 200: { description: 'The keys’ public records', schema: API_KEY_LIST } },
    async handle(context) {
      return {
        status: 200,
        body: { apiKeys: await context.services.apiKeys.list({ organisationId: context.params.id }) },
      };
    },
  }),
  route({
    name: 'revokeApiKey',
    method: 'DELETE',
    path: '/api/api-keys/:id',
    summary: 'Revoke an API key at once',
    tag: TAG,
    access: 'admin',
    params: schemas.apiKeyPath,
    responses: { 200: { description: 'The key no longer works', schema: REVOKED } },
    refusals: [404],
    async handle(context) {
      if (!(await context.services.apiKeys.revoke(context.params.id))) {
        throw new HttpError(404, 'notFound', 'errors.notFound', { apiKey: context.params.id });
      }
      return { status: 200, body: { revoked: true } };
    },
  }),
];
