import { describe, expect, it } from 'vitest';
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs } from '../../src/app/messaging/delivery.ts';
import { relayPending } from '../../src/app/relay.ts';
import { useTestApi } from './support/api.ts';

describe('messaging administration over HTTP', () => {
  const api = useTestApi();

  it('lists the deliveries given up on, with the channel’s last word, for admins only', async () => {
    const { desk, adminKey } = api();
    const acme = await desk.seedCustomer('Failed deliveries AB');
    desk.notifier.failNext(1_000, new Error('platform answered 503'));
    const opened = await api().call('POST', '/api/tickets', {
      key: adminKey,
      person: acme.contact.id,
      body: { organisationId: acme.organisation.id, category: 'incident', title: 'Lost', description: 'x' },
    });
    expect(opened.status, opened.text).toBe(201);
    for (let tried = 1; tried < MAX_DELIVERY_ATTEMPTS; tried++) {
      desk.clock.advance(retryDelayMs(tried));
      await relayPending(desk.deps);
    }
    const answer = await api().call('GET', '/api/notifications/failed?limit=10', { key: adminKey });
    expect(answer.status, answer.text).toBe(200);
    const mine = answer.body.failed.filter((f: { ticketId: string }) => f.ticketId === opened.body.id);
    expect(mine.map((f: { key: string }) => f.key).sort()).toEqual(['opened', 'triageNew']);
    expect(mine[0]).toMatchObject({
      channel: 'memory',
      attempts: MAX_DELIVERY_ATTEMPTS,
      lastError: 'platform answered 503',
    });
    expect(mine[0].id).toBe(`${mine[0].id.split('>')[0]}>memory`);

    const organisationKey = await api().organisationKey(acme.organisation.id);
    const refused = await api().call('GET', '/api/notifications/failed', {
      key: organisationKey,
      person: acme.contact.id,
    });
    expect(refused.status).toBe(403);
    const bad = await api().call('GET', '/api/notifications/failed?limit=0', { key: adminKey, lang: 'en' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('limit');
  });

  it('names each channel’s triage place, and refuses a malformed one', async () => {
    const { adminKey } = api();
    const set = await api().call('PUT', '/api/settings/triage/slack', {
      key: adminKey,
      body: { target: 'C0TRIAGE' },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.body.triage).toMatchObject({ slack: 'C0TRIAGE' });
    const read = await api().call('GET', '/api/settings/triage', { key: adminKey });
    expect(read.body.triage.slack).toBe('C0TRIAGE');
    expect((await api().desk.deps.settings.get()).triage?.slack).toBe('C0TRIAGE');

    const empty = await api().call('PUT', '/api/settings/triage/slack', {
      key: adminKey,
      body: { target: ' ' },
      lang: 'en',
    });
    expect(empty.status).toBe(400);
    const badChannel = await api().call('PUT', '/api/settings/triage/Not%20A%20Channel', {
      key: adminKey,
      body: { target: 'x' },
    });
    expect(badChannel.status).toBe(400);
    expect((await api().desk.deps.settings.get()).triage).toEqual({ slack: 'C0TRIAGE' });
  });

  it('links a person to their Slack user: admins only, a malformed or taken identity refused with nothing changed', async () => {
    const { desk, adminKey } = api();
    const acme = await desk.seedCustomer('Link HTTP AB');
    const path = `/api/people/${acme.contact.id}/identity`;
    const linked = await api().call('PUT', path, {
      key: adminKey,
      body: { channel: 'slack', externalId: 'U0HTTP', teamId: 'T1' },
    });
    expect(linked.status, linked.text).toBe(200);
    expect((await desk.deps.people.findByIdentity('slack', 'U0HTTP'))?.id).toBe(acme.contact.id);
    const taken = await api().call('PUT', `/api/people/${acme.colleague.id}/identity`, {
      key: adminKey,
      body: { channel: 'slack', externalId: 'U0HTTP' },
      lang: 'en',
    });
    expect(taken.status).toBe(409);
    const malformed = await api().call('PUT', path, {
      key: adminKey,
      body: { channel: 'slack' },
      lang: 'en',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.issues[0]).toMatchObject({ field: 'externalId' });
    const unknown = await api().call('PUT', '/api/people/p-nope/identity', {
      key: adminKey,
      body: { channel: 'slack', externalId: 'U0NOPE' },
    });
    expect(unknown.status).toBe(404);
    const customerKey = await api().organisationKey(acme.organisation.id);
    const refused = await api().call('PUT', path, {
      key: customerKey,
      body: { channel: 'slack', externalId: 'U0EVIL' },
    });
    expect(refused.status).toBe(403);
    expect(await desk.deps.people.findByIdentity('slack', 'U0EVIL')).toBeUndefined();
    expect(await desk.deps.people.findByIdentity('slack', 'U0NOPE')).toBeUndefined();
  });

  it('maps a customer place to its organisation, maps it again, unmaps it; refuses what is wrong, for admins only', async () => {
    const { desk, adminKey } = api();
    const acme = await desk.seedCustomer('Places HTTP AB');
    const other = await desk.seedCustomer('Places HTTP other AB');
    const path = '/api/settings/customer-places/slack/C0ACME';
    const mapped = await api().call('PUT', path, {
      key: adminKey,
      body: { organisationId: acme.organisation.id },
    });
    expect(mapped.status, mapped.text).toBe(200);
    expect(mapped.body.places).toContainEqual({
      channel: 'slack',
      place: 'C0ACME',
      organisationId: acme.organisation.id,
    });
    expect(await desk.deps.customerPlaces.organisationOf('slack', 'C0ACME')).toBe(acme.organisation.id);

    const again = await api().call('PUT', path, {
      key: adminKey,
      body: { organisationId: other.organisation.id },
    });
    expect(again.status).toBe(200);
    expect(await desk.deps.customerPlaces.organisationOf('slack', 'C0ACME')).toBe(other.organisation.id);
    expect(
      (await api().call('GET', '/api/settings/customer-places', { key: adminKey })).body.places,
    ).toContainEqual({
      channel: 'slack',
      place: 'C0ACME',
      organisationId: other.organisation.id,
    });

    const unknownOrg = await api().call('PUT', path, {
      key: adminKey,
      body: { organisationId: 'org-nope' },
      lang: 'en',
    });
    expect(unknownOrg.status).toBe(404);
    expect(unknownOrg.body.error.message).toContain('org-nope');
    const badPlace = await api().call('PUT', '/api/settings/customer-places/slack/C0%20%3Cx%3E', {
      key: adminKey,
      body: { organisationId: acme.organisation.id },
      lang: 'en',
    });
    expect(badPlace.status).toBe(400);
    // The pattern a place must have, not zod's "is not a valid regex".
    expect(badPlace.body.error.issues[0]).toMatchObject({ field: 'place' });
    expect(badPlace.body.error.message).toContain('does not have the allowed form');
    expect(badPlace.body.error.message).toContain('A-Za-z0-9');
    const customerKey = await api().organisationKey(acme.organisation.id);
    const refused = await api().call('PUT', path, {
      key: customerKey,
      person: acme.contact.id,
      body: { organisationId: acme.organisation.id },
    });
    expect(refused.status).toBe(403);
    expect(await desk.deps.customerPlaces.organisationOf('slack', 'C0ACME')).toBe(other.organisation.id);

    expect((await api().call('DELETE', path, { key: adminKey })).status).toBe(200);
    expect(await desk.deps.customerPlaces.organisationOf('slack', 'C0ACME')).toBeUndefined();
    const gone = await api().call('DELETE', path, { key: adminKey, lang: 'en' });
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toContain('C0ACME');
  });
});
