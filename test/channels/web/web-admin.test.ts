import { beforeAll, describe, expect, it } from 'vitest';
import { customerPlaces } from '../../../src/app/chat/customer-places.ts';
import { addAgent, addContact, currentCeo, listContacts } from '../../../src/app/directory.ts';
import { triagePlaces } from '../../../src/app/messaging/messaging-admin.ts';
import { errorMessage } from '../../../src/i18n/error-message.ts';
import { translate } from '../../../src/i18n/translate.ts';
import type { SeededCustomer } from '../../support/test-desk.ts';
import { signInAs, useWebWorld, webCall, type Browser } from './support.ts';
import { formOf } from './ticket-pages.ts';

const world = useWebWorld('en');
const HTML = 'text/html';
let acme: SeededCustomer;
let admin: Browser;
let seq = 0;

beforeAll(async () => {
  acme = await world().api.desk.seedCustomer('Admin Acme');
  // The seeded CEO is an admin of the desk.
  admin = await signInAs(world(), acme.ceo.id);
});

const call = (method: string, path: string, options: Parameters<typeof webCall>[3] = {}) =>
  webCall(world().api.url, method, path, options);

const submission = () => `s${Date.now().toString(36)}${++seq}abcdefgh`;

const page = async (browser: Browser, path: string) => {
  const answer = await call('GET', path, { browser, accept: HTML });
  expect(answer.status, path).toBe(200);
  return answer.text;
};

const organisationNamed = async (name: string) =>
  (await world().desk.organisations.list()).find((organisation) => organisation.name === name);

async function newOrganisation(name: string) {
  const made = await call('POST', '/web/admin/organisations', {
    browser: admin,
    body: { submission: submission(), name, contractId: 'hypergene', locale: 'sv' },
  });
  expect(made.status).toBe(200);
  return made.json.organisation.id as string;
}

describe('the admin pages', () => {
  it('are the admins’ alone: an agent and a contact get 403, on the pages and on a change', async () => {
    const message = translate('en', 'web.admin.adminsOnly');
    for (const personId of [acme.agent.id, acme.contact.id]) {
      const browser = await signInAs(world(), personId);
      const got = await call('GET', '/web/admin', { browser });
      expect(got.status).toBe(403);
      expect(got.json.error).toEqual({ code: 'adminsOnly', message });
      const orgPage = await call('GET', `/web/admin/organisations/${acme.organisation.id}`, {
        browser,
        accept: HTML,
      });
      expect(orgPage.status).toBe(403);
      const made = await call('POST', '/web/admin/organisations', {
        browser,
        body: { submission: submission(), name: `Sneaky ${personId}`, contractId: 'stratiteq', locale: 'en' },
      });
      expect(made.status).toBe(403);
      expect(await organisationNamed(`Sneaky ${personId}`)).toBeUndefined();
    }
    // The navigation offers the admin page to admins only.
    expect(await page(admin, '/web/admin')).toContain('href="/web/admin" aria-current="page"');
  });

  it('creates an organisation with the page’s form (303 back) and lists it', async () => {
    const html = await page(admin, '/web/admin');
    expect(html).toContain('<option value="stratiteq">');
    const fields = formOf(html, '/web/admin/organisations');
    const posted = await call('POST', '/web/admin/organisations', {
      browser: admin,
      form: { ...fields, name: 'Bolaget AB', contractId: 'kamstrup', locale: 'sv' },
      accept: HTML,
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('/web/admin');
    const made = await organisationNamed('Bolaget AB');
    expect(made).toMatchObject({ contractId: 'kamstrup', locale: 'sv', contactIds: [] });
    const after = await page(admin, '/web/admin');
    expect(after).toContain(`href="/web/admin/organisations/${made!.id}">Bolaget AB</a>`);
    expect(after).toContain('0 of 10');
  });

  it('refuses bad input with 400 naming the field, and writes nothing', async () => {
    const badLocale = await call('POST', '/web/admin/organisations', {
      browser: admin,
      body: { submission: submission(), name: 'Nowhere AB', contractId: 'stratiteq', locale: 'fi' },
    });
    expect(badLocale.status).toBe(400);
    expect(badLocale.json.error.code).toBe('invalidField');
    expect(badLocale.json.error.message).toContain('locale');
    expect(await organisationNamed('Nowhere AB')).toBeUndefined();

    const before = (await listContacts(world().desk, acme.organisation.id)).length;
    const noName = await call('POST', `/web/admin/organisations/${acme.organisation.id}/contacts`, {
      browser: admin,
      body: { submission: submission(), name: '   ', email: '' },
    });
    expect(noName.status).toBe(400);
    expect(noName.json.error.message).toContain('name');
    expect(await listContacts(world().desk, acme.organisation.id)).toHaveLength(before);

    const unknownContract = await call('POST', '/web/admin/organisations', {
      browser: admin,
      body: { submission: submission(), name: 'Nocontract AB', contractId: 'nosuch', locale: 'en' },
    });
    expect(unknownContract.status).toBe(422);
    expect(await organisationNamed('Nocontract AB')).toBeUndefined();
  });

  it('shows the ten-contact limit, refuses the eleventh with the app’s words, and removes a contact', async () => {
    const id = await newOrganisation('Tio AB');
    for (let n = 1; n <= 9; n++) await addContact(world().desk, id, { name: `Kontakt ${n}` });
    const html = await page(admin, `/web/admin/organisations/${id}`);
    expect(html).toContain('9 of 10');
    const fields = formOf(html, `/web/admin/organisations/${id}/contacts`);
    const tenth = await call('POST', `/web/admin/organisations/${id}/contacts`, {
      browser: admin,
      form: { ...fields, name: 'Kontakt 10', email: 'tio@tio.example', locale: 'sv' },
      accept: HTML,
    });
    expect(tenth.status).toBe(303);
    expect(tenth.headers.get('location')).toBe(`/web/admin/organisations/${id}`);

    const eleventh = await call('POST', `/web/admin/organisations/${id}/contacts`, {
      browser: admin,
      body: { submission: submission(), name: 'Kontakt 11' },
    });
    expect(eleventh.status).toBe(409);
    expect(eleventh.json.error).toEqual({
      code: 'tooManyContacts',
      message: errorMessage('en', 'errors.tooManyContacts', { organisation: 'Tio AB', max: 10 }),
    });
    const withoutScript = await call('POST', `/web/admin/organisations/${id}/contacts`, {
      browser: admin,
      form: { ...fields, submission: submission(), name: 'Kontakt 11' },
      accept: HTML,
    });
    expect(withoutScript.status).toBe(409);
    expect(withoutScript.text).toContain('already has 10 registered contacts');
    const contacts = await listContacts(world().desk, id);
    expect(contacts.map((c) => c.name)).not.toContain('Kontakt 11');
    expect(contacts).toHaveLength(10);
    expect(await page(admin, `/web/admin/organisations/${id}`)).toContain('10 of 10');

    // In Swedish for a Swedish admin.
    const svensk = await addAgent(world().desk, { name: 'Admin Svensk', admin: true, locale: 'sv' });
    expect(await page(await signInAs(world(), svensk.id), `/web/admin/organisations/${id}`)).toContain(
      '10 av 10',
    );

    const leaving = contacts.find((c) => c.name === 'Kontakt 10')!;
    const removed = await call('POST', `/web/admin/organisations/${id}/contacts/${leaving.id}/remove`, {
      browser: admin,
      body: { submission: submission() },
    });
    expect(removed.status).toBe(200);
    expect(removed.json).toEqual({ ok: true, removed: leaving.id });
    expect(await listContacts(world().desk, id)).toHaveLength(9);
    expect(await page(admin, `/web/admin/organisations/${id}`)).toContain('9 of 10');
  });

  it('sets the escalation ladder to desk people, and refuses a contact on it', async () => {
    const id = await newOrganisation('Stege AB');
    const set = await call('POST', `/web/admin/organisations/${id}/ladder`, {
      browser: admin,
      body: {
        submission: submission(),
        incidentManagerId: acme.otherAgent.id,
        accountOwnerId: acme.accountOwner.id,
      },
    });
    expect(set.status).toBe(200);
    expect(set.json.ladder).toEqual({
      incidentManagerId: acme.otherAgent.id,
      accountOwnerId: acme.accountOwner.id,
    });
    const stored = await world().desk.organisations.get(id);
    expect(stored).toMatchObject({
      incidentManagerId: acme.otherAgent.id,
      accountOwnerId: acme.accountOwner.id,
    });
    const html = await page(admin, `/web/admin/organisations/${id}`);
    expect(html).toContain(`<option value="${acme.otherAgent.id}" selected>`);

    const contactOnLadder = await call('POST', `/web/admin/organisations/${id}/ladder`, {
      browser: admin,
      body: { submission: submission(), incidentManagerId: acme.contact.id },
    });
    expect(contactOnLadder.status).toBe(403);
    expect(contactOnLadder.json.error.code).toBe('agentsOnly');
    expect((await world().desk.organisations.get(id))!.incidentManagerId).toBe(acme.otherAgent.id);
  });

  it('maps a customer chat place to the organisation and unmaps it', async () => {
    const id = await newOrganisation('Kanal AB');
    const mapped = await call('POST', `/web/admin/organisations/${id}/places`, {
      browser: admin,
      body: { submission: submission(), channel: 'slack', place: 'C0KANAL01' },
    });
    expect(mapped.status).toBe(200);
    expect(await customerPlaces(world().desk)).toContainEqual({
      channel: 'slack',
      place: 'C0KANAL01',
      organisationId: id,
    });
    const html = await page(admin, `/web/admin/organisations/${id}`);
    expect(html).toContain('C0KANAL01');
    const fields = formOf(html, `/web/admin/organisations/${id}/places/unmap`);
    expect(fields).toMatchObject({ channel: 'slack', place: 'C0KANAL01' });

    // Another organisation's page cannot unmap it.
    const elsewhere = await call('POST', `/web/admin/organisations/${acme.organisation.id}/places/unmap`, {
      browser: admin,
      body: { ...fields, submission: submission() },
    });
    expect(elsewhere.status).toBe(404);

    const badPlace = await call('POST', `/web/admin/organisations/${id}/places`, {
      browser: admin,
      body: { submission: submission(), channel: 'slack', place: 'C0|bad' },
    });
    expect(badPlace.status).toBe(400);
    expect(badPlace.json.error.message).toContain('place');

    const unmapped = await call('POST', `/web/admin/organisations/${id}/places/unmap`, {
      browser: admin,
      form: fields,
      accept: HTML,
    });
    expect(unmapped.status).toBe(303);
    expect((await customerPlaces(world().desk)).some((p) => p.place === 'C0KANAL01')).toBe(false);
    expect(await page(admin, `/web/admin/organisations/${id}`)).not.toContain('C0KANAL01');
  });

  it('adds an agent, names the CEO and sets a triage place', async () => {
    const added = await call('POST', '/web/admin/agents', {
      browser: admin,
      form: { submission: submission(), name: 'Nya Agenten', email: '', locale: 'sv', admin: 'on' },
      accept: HTML,
    });
    expect(added.status).toBe(303);
    const agents = await world().desk.people.list({ role: 'admin' });
    const agent = agents.find((person) => person.name === 'Nya Agenten')!;
    expect(agent).toMatchObject({ role: 'admin', locale: 'sv' });
    expect(agent.email).toBeUndefined();

    const ceo = await call('POST', '/web/admin/ceo', {
      browser: admin,
      body: { submission: submission(), personId: agent.id },
    });
    expect(ceo.status).toBe(200);
    expect((await currentCeo(world().desk, world().desk.settings)).ceoId).toBe(agent.id);
    const contactAsCeo = await call('POST', '/web/admin/ceo', {
      browser: admin,
      body: { submission: submission(), personId: acme.contact.id },
    });
    expect(contactAsCeo.status).toBe(403);
    expect((await currentCeo(world().desk, world().desk.settings)).ceoId).toBe(agent.id);

    const triage = await call('POST', '/web/admin/triage', {
      browser: admin,
      body: { submission: submission(), channel: 'slack', target: 'C0TRIAGE' },
    });
    expect(triage.status).toBe(200);
    expect((await triagePlaces(world().desk)).slack).toBe('C0TRIAGE');
    const html = await page(admin, '/web/admin');
    expect(html).toContain('C0TRIAGE');
    expect(html).toContain('CEO now: Nya Agenten');
  });
});
