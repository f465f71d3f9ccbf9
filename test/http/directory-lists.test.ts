import { describe, expect, it } from 'vitest';
import {
  agentListResponse,
  ceoSettingResponse,
  contactListResponse,
} from '../../src/http/response-schemas.ts';
import { useTestApi } from './support/api.ts';

describe('reading the directory over HTTP (admin)', () => {
  const api = useTestApi();
  const asAdmin = (body?: unknown) => ({ key: api().adminKey, body, lang: 'en' });

  it('reads the CEO setting: none at first, then the person named', async () => {
    const none = await api().call('GET', '/api/settings/ceo', asAdmin());
    expect([none.status, none.body]).toEqual([200, { ceoId: null }]);

    const vera = await api().call('POST', '/api/agents', asAdmin({ name: 'Vera VD', admin: true }));
    expect((await api().call('PUT', '/api/settings/ceo', asAdmin({ personId: vera.body.id }))).status).toBe(
      200,
    );
    const named = await api().call('GET', '/api/settings/ceo', asAdmin());
    expect(named.status).toBe(200);
    expect(ceoSettingResponse.strict().parse(named.body)).toEqual({ ceoId: vera.body.id, ceo: vera.body });
  });

  it('lists the desk’s agents and admins by name, never contacts', async () => {
    const acme = await api().desk.seedCustomer('Acme');
    const answer = await api().call('GET', '/api/agents', asAdmin());
    expect(answer.status, answer.text).toBe(200);
    const { agents } = agentListResponse.strict().parse(answer.body);
    const names = agents.map((agent) => agent.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(
      expect.arrayContaining([acme.agent.name, acme.incidentManager.name, acme.ceo.name, 'Vera VD']),
    );
    expect(agents.find((agent) => agent.id === acme.ceo.id)?.role).toBe('admin');
    expect(agents.some((agent) => agent.role === 'contact')).toBe(false);
  });

  it('lists an organisation’s registered contacts, and names an unknown organisation', async () => {
    const acme = await api().desk.seedCustomer('Acme 2');
    const beta = await api().desk.seedCustomer('Beta');
    const added = await api().call(
      'POST',
      `/api/organisations/${acme.organisation.id}/contacts`,
      asAdmin({ name: 'Aaron Early', email: 'aaron@acme.example' }),
    );
    expect(added.status).toBe(201);
    // A person left half-added (stored, but never registered with the organisation) is no contact.
    await api().desk.store.people.insert({
      id: 'half-added',
      name: 'Aa Half',
      role: 'contact',
      organisationId: acme.organisation.id,
      identities: [],
    });

    const answer = await api().call('GET', `/api/organisations/${acme.organisation.id}/contacts`, asAdmin());
    expect(answer.status, answer.text).toBe(200);
    const { contacts } = contactListResponse.strict().parse(answer.body);
    expect(contacts.map((contact) => contact.id)).toEqual([
      added.body.id,
      acme.colleague.id,
      acme.contact.id,
    ]);
    expect(contacts.map((contact) => contact.id)).not.toContain(beta.contact.id);

    // Taken off the list: no longer listed, and no longer acting for the organisation.
    const removed = await api().call(
      'DELETE',
      `/api/organisations/${acme.organisation.id}/contacts/${acme.colleague.id}`,
      asAdmin(),
    );
    expect(removed.status, removed.text).toBe(200);
    expect(removed.body.contactIds).not.toContain(acme.colleague.id);
    const notOnList = await api().call(
      'DELETE',
      `/api/organisations/${acme.organisation.id}/contacts/${acme.colleague.id}`,
      asAdmin(),
    );
    expect(notOnList.status).toBe(404);
    expect(notOnList.body.error.message).toContain(acme.colleague.id);

    const unknown = await api().call('GET', '/api/organisations/no-such-org/contacts', asAdmin());
    expect([unknown.status, unknown.body.error]).toEqual([
      404,
      { code: 'notFound', message: 'organisation no-such-org not found' },
    ]);
  });

  it('keeps the lists to admin keys, and describes them in the API document', async () => {
    const acme = await api().desk.seedCustomer('Acme 3');
    const key = await api().organisationKey(acme.organisation.id);
    for (const path of [
      '/api/agents',
      '/api/settings/ceo',
      `/api/organisations/${acme.organisation.id}/contacts`,
    ]) {
      const answer = await api().call('GET', path, { key, lang: 'en' });
      expect([answer.status, answer.body.error.code], path).toEqual([403, 'adminOnly']);
    }
    const { body: document } = await api().call('GET', '/api/openapi.json');
    expect(document.paths['/api/agents'].get.operationId).toBe('listAgents');
    expect(document.paths['/api/settings/ceo'].get.operationId).toBe('getCeo');
    expect(document.paths['/api/organisations/{id}/contacts'].get.responses['404']).toBeDefined();
    expect(document.components.schemas.ContactList).toBeDefined();
  });
});
