import { beforeAll, describe, expect, it } from 'vitest';
import { preferredLocale } from '../../src/http/locale.ts';
import type { SeededCustomer } from '../support/test-desk.ts';
import { useTestApi } from './support/api.ts';

describe('the language of answers without Accept-Language', () => {
  // The desk defaults to English; Acme and Beta are Swedish organisations (see seedCustomer).
  const api = useTestApi({ defaultLocale: 'en' });
  let acme: SeededCustomer;
  let beta: SeededCustomer;
  let acmeKey: string;

  beforeAll(async () => {
    acme = await api().desk.seedCustomer('Acme');
    beta = await api().desk.seedCustomer('Beta');
    acmeKey = await api().organisationKey(acme.organisation.id);
    await api().desk.store.people.save({ ...beta.contact, locale: 'sv' });
  });

  const missing = (options: { key: string; person: string; lang?: string }) =>
    api().call('GET', '/api/tickets/SD-404404', options);

  it('follows the acting person’s own language, then their organisation’s', async () => {
    // Acme's contact reads English, their colleague has none: Acme's Swedish.
    const contact = await missing({ key: acmeKey, person: acme.contact.id });
    expect(contact.body.error.message).toBe('ticket SD-404404 not found');
    const colleague = await missing({ key: acmeKey, person: acme.colleague.id });
    expect(colleague.body.error.message).toBe('ärende SD-404404 hittades inte');
    // With an admin key too: the account owner reads Swedish, the agent English.
    const owner = await missing({ key: api().adminKey, person: acme.accountOwner.id });
    expect(owner.body.error.message).toBe('ärende SD-404404 hittades inte');
    const agent = await missing({ key: api().adminKey, person: acme.agent.id });
    expect(agent.body.error.message).toBe('ticket SD-404404 not found');
  });

  it('words refusals of the input in the person’s language too', async () => {
    const answer = await api().call('POST', '/api/tickets', {
      key: acmeKey,
      person: acme.colleague.id,
      body: { category: 'gripe', title: 'x' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^förfrågan är inte giltig: category: måste vara något av/);
  });

  it('lets Accept-Language win, and ignores one that names no language the desk speaks', async () => {
    const asked = await missing({ key: acmeKey, person: acme.colleague.id, lang: 'en' });
    expect(asked.body.error.message).toBe('ticket SD-404404 not found');
    const german = await missing({ key: acmeKey, person: acme.colleague.id, lang: 'de-DE,de;q=0.9' });
    expect(german.body.error.message).toBe('ärende SD-404404 hittades inte');
  });

  it('speaks the organisation’s language to its key when nobody acts', async () => {
    const alert = await api().call('POST', '/api/alerts', { key: acmeKey, body: { title: 'no key' } });
    expect(alert.status).toBe(400);
    expect(alert.body.error.message).toMatch(/^förfrågan är inte giltig: /);
    const admin = await api().call('POST', '/api/agents', { key: api().adminKey, body: {} });
    expect(admin.body.error.message).toMatch(/^the request is not valid: /);
  });

  it('never takes the language of a person the key may not act as', async () => {
    // Beta's contact reads Swedish; with Gamma's (English) key they are refused as anyone unknown
    // is, in Gamma's language: nothing in the answer tells an existing person from a made-up id.
    const gamma = await api().call('POST', '/api/organisations', {
      key: api().adminKey,
      body: { name: 'Gamma', contractId: 'kamstrup', locale: 'en' },
    });
    const gammaKey = await api().organisationKey(gamma.body.id);
    for (const person of [beta.contact.id, 'nobody-at-all']) {
      const refused = await missing({ key: gammaKey, person });
      expect([refused.status, refused.body.error.message]).toEqual([
        403,
        `person ${person} may not act with this API key`,
      ]);
    }
  });
});

describe('Accept-Language', () => {
  it.each([
    ['sv-SE,sv;q=0.9,en;q=0.8', 'sv'],
    ['en-GB, sv;q=0.5', 'en'],
    ['de, en;q=0.1', 'en'],
    ['de', undefined],
    ['*', undefined],
    ['sv;q=0', undefined],
    [undefined, undefined],
  ])('%j → %s', (header, locale) => {
    expect(preferredLocale(header)).toBe(locale);
  });
});
