import { describe, expect, it } from 'vitest';
import { organisationResponse, personResponse } from '../../src/http/response-schemas.ts';
import { useTestApi } from './support/api.ts';

describe('the directory over HTTP (admin)', () => {
  const api = useTestApi();
  const asAdmin = (body?: unknown, lang = 'en') => ({ key: api().adminKey, body, lang });

  it('sets up a customer: organisation, contacts, escalation people, CEO, API key', async () => {
    const manager = await api().call('POST', '/api/agents', asAdmin({ name: 'Ingrid IPM', locale: 'sv' }));
    expect(manager.status, manager.text).toBe(201);
    expect(personResponse.parse(manager.body).role).toBe('agent');
    const ceo = await api().call('POST', '/api/agents', asAdmin({ name: 'Vera VD', admin: true }));
    expect(ceo.body.role).toBe('admin');

    const created = await api().call(
      'POST',
      '/api/organisations',
      asAdmin({ name: 'Kamstrup', contractId: 'kamstrup', locale: 'sv' }),
    );
    expect(created.status, created.text).toBe(201);
    const organisation = organisationResponse.parse(created.body);
    expect(organisation).toMatchObject({ timeZone: 'Europe/Stockholm', contactIds: [] });

    const contact = await api().call(
      'POST',
      `/api/organisations/${organisation.id}/contacts`,
      asAdmin({
        name: 'Karin Kund',
        email: 'karin@example.com',
        identities: [{ channel: 'slack', externalId: 'U123' }],
      }),
    );
    expect(contact.status, contact.text).toBe(201);
    expect(contact.body).toMatchObject({ role: 'contact', organisationId: organisation.id });

    const escalation = await api().call(
      'PUT',
      `/api/organisations/${organisation.id}/escalation`,
      asAdmin({
        incidentManagerId: manager.body.id,
        accountOwnerId: manager.body.id,
      }),
    );
    expect(escalation.status).toBe(200);
    expect(escalation.body).toMatchObject({
      incidentManagerId: manager.body.id,
      contactIds: [contact.body.id],
    });
    const contactAsManager = await api().call(
      'PUT',
      `/api/organisations/${organisation.id}/escalation`,
      asAdmin({ accountOwnerId: contact.body.id }),
    );
    expect(contactAsManager.status).toBe(403);

    const setCeo = await api().call('PUT', '/api/settings/ceo', asAdmin({ personId: ceo.body.id }));
    expect(setCeo.body).toEqual({ ceoId: ceo.body.id });
    expect((await api().desk.store.deskSettings.get()).ceoId).toBe(ceo.body.id);

    const listed = await api().call('GET', '/api/organisations', asAdmin());
    expect(listed.body.organisations.map((o: { name: string }) => o.name)).toContain('Kamstrup');

    const made = await api().call(
      'POST',
      `/api/organisations/${organisation.id}/api-keys`,
      asAdmin({ label: 'Zabbix' }),
    );
    expect(made.status).toBe(201);
    const keys = await api().call('GET', `/api/organisations/${organisation.id}/api-keys`, asAdmin());
    expect(keys.body.apiKeys).toHaveLength(1);
    expect(keys.text).not.toContain(made.body.key);
    const opened = await api().call('POST', '/api/tickets', {
      key: made.body.key,
      person: contact.body.id,
      body: { category: 'incident', title: 'Meter readings missing', priority: 'A' },
    });
    expect(opened.status, opened.text).toBe(201);

    const revoked = await api().call('DELETE', `/api/api-keys/${made.body.apiKey.id}`, asAdmin());
    expect(revoked.body).toEqual({ revoked: true });
    expect((await api().call('DELETE', `/api/api-keys/${made.body.apiKey.id}`, asAdmin())).status).toBe(404);
    const afterRevoke = await api().call('GET', '/api/tickets', {
      key: made.body.key,
      person: contact.body.id,
    });
    expect(afterRevoke.status).toBe(401);
  });

  it('refuses a duplicate name, an unknown contract and an unknown time zone', async () => {
    const body = { name: 'Stratiteq', contractId: 'stratiteq', locale: 'en' };
    expect((await api().call('POST', '/api/organisations', asAdmin(body))).status).toBe(201);
    const duplicate = await api().call('POST', '/api/organisations', asAdmin(body, 'sv'));
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toEqual({
      code: 'organisationNameTaken',
      message: 'det finns redan en organisation som heter ”Stratiteq”',
    });

    const contract = await api().call(
      'POST',
      '/api/organisations',
      asAdmin({ ...body, name: 'X', contractId: 'nope' }),
    );
    expect(contract.status).toBe(422);
    expect(contract.body.error.code).toBe('unknownContract');

    const zone = await api().call(
      'POST',
      '/api/organisations',
      asAdmin({ ...body, name: 'Y', timeZone: 'Mars/Olympus' }, 'sv'),
    );
    expect(zone.status).toBe(400);
    expect(zone.body.error.issues).toEqual([
      {
        in: 'body',
        field: 'timeZone',
        code: 'custom',
        message: 'är ingen känd tidszon (t.ex. Europe/Stockholm)',
      },
    ]);
  });

  it('keeps what each platform needs to reach a person: Slack team, Teams tenant and conversation', async () => {
    const created = await api().call(
      'POST',
      '/api/organisations',
      asAdmin({ name: 'Platforms AB', contractId: 'stratiteq', locale: 'en' }),
    );
    const identities = [
      { channel: 'slack', externalId: 'U0PLAT', teamId: 'T0PLAT' },
      {
        channel: 'teams',
        externalId: '6f1c2d3e-aad-object',
        tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        conversation: { id: 'a:1XyZ-conversation', serviceUrl: 'https://smba.trafficmanager.net/emea/' },
      },
      { channel: 'web', externalId: 'plat' },
    ];
    const contact = await api().call(
      'POST',
      `/api/organisations/${created.body.id}/contacts`,
      asAdmin({ name: 'Pia Plattform', identities }),
    );
    expect(contact.status, contact.text).toBe(201);
    expect(personResponse.parse(contact.body).identities).toEqual(identities);
    const listed = await api().call('GET', `/api/organisations/${created.body.id}/contacts`, asAdmin());
    expect(listed.body.contacts[0].identities).toEqual(identities);
    expect((await api().desk.store.people.findByIdentity('slack', 'U0PLAT'))?.identities).toEqual(identities);
  });

  it('refuses platform details that do not belong to the channel, an unknown channel and a plain-http service URL', async () => {
    const created = await api().call(
      'POST',
      '/api/organisations',
      asAdmin({ name: 'Bad Platforms AB', contractId: 'stratiteq', locale: 'en' }),
    );
    const path = `/api/organisations/${created.body.id}/contacts`;
    const refused = await api().call(
      'POST',
      path,
      asAdmin({
        name: 'Bo Bad',
        identities: [
          { channel: 'slack', externalId: 'U0BAD', tenantId: 'T0BAD' },
          { channel: 'skype', externalId: 'bo' },
          {
            channel: 'teams',
            externalId: 'aad-bo',
            conversation: { id: 'a:1', serviceUrl: 'http://smba.trafficmanager.net/emea/' },
          },
        ],
      }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.issues).toEqual([
      { in: 'body', field: 'identities.0', code: 'unrecognized_keys', message: 'unknown field(s): tenantId' },
      {
        in: 'body',
        field: 'identities.1.channel',
        code: 'invalid_union',
        message: 'must be one of slack, teams, web, email',
      },
      {
        in: 'body',
        field: 'identities.2.conversation.serviceUrl',
        code: 'invalid_format',
        message: 'must be an https URL',
      },
    ]);
    expect((await api().call('GET', path, asAdmin())).body.contacts).toEqual([]);
  });

  it('registers at most ten contacts per organisation', async () => {
    const created = await api().call(
      'POST',
      '/api/organisations',
      asAdmin({ name: 'Hypergene', contractId: 'hypergene', locale: 'sv' }),
    );
    const path = `/api/organisations/${created.body.id}/contacts`;
    for (let n = 1; n <= 10; n++) {
      expect((await api().call('POST', path, asAdmin({ name: `Contact ${n}` }))).status).toBe(201);
    }
    const eleventh = await api().call('POST', path, asAdmin({ name: 'Contact 11' }));
    expect(eleventh.status).toBe(409);
    expect(eleventh.body.error).toEqual({
      code: 'tooManyContacts',
      message: 'Hypergene already has 10 registered contacts, the most the contract allows',
    });
    const unknown = await api().call('POST', '/api/organisations/nope/contacts', asAdmin({ name: 'Ghost' }));
    expect(unknown.status).toBe(404);
  });
});
