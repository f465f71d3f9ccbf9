import { describe, expect, it } from 'vitest';
import { useTestApi } from './support/api.ts';

const count = (text: string, via: string) =>
  Number(new RegExp(`sladesk_tickets_opened_total\\{via="${via}"\\} (\\d+)`).exec(text)?.[1] ?? 0);

describe('opening over HTTP, as the application counts and places it', () => {
  const api = useTestApi({ defaultLocale: 'en' });

  it('counts a retried open once, and places an admin key’s open with the requester’s organisation', async () => {
    const acme = await api().desk.seedCustomer('Acme over HTTP');
    const key = await api().organisationKey(acme.organisation.id);
    const metrics = async () => (await api().call('GET', '/metrics', { key: api().adminKey })).text;
    const before = count(await metrics(), 'api');
    const body = { category: 'incident', title: 'Twice', description: 'd' };
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await api().call('POST', '/api/tickets', {
        key,
        person: acme.contact.id,
        body,
        headers: { 'Idempotency-Key': 'http-count' },
      });
      expect(answer.status, answer.text).toBe(201);
    }
    expect(count(await metrics(), 'api')).toBe(before + 1);

    const forContact = await api().call('POST', '/api/tickets', {
      key: api().adminKey,
      person: acme.agent.id,
      body: { ...body, requesterId: acme.contact.id },
    });
    expect(forContact.status, forContact.text).toBe(201);
    expect(forContact.body.organisationId).toBe(acme.organisation.id);

    const forNobody = await api().call('POST', '/api/tickets', {
      key: api().adminKey,
      person: acme.agent.id,
      body,
      lang: 'en',
    });
    expect(forNobody.status).toBe(422);
    expect(forNobody.body).toEqual({
      error: { code: 'organisationRequired', message: 'say which organisation this is for (organisationId)' },
    });
    expect(count(await metrics(), 'api')).toBe(before + 2);
  });
});
