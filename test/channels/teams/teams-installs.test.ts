import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addContact, linkIdentity } from '../../../src/app/directory.ts';
import { installListeners } from '../../../src/channels/teams/listeners/installs.ts';
import type { Identity, Person } from '../../../src/domain/desk/people.ts';
import { SERVICE_URL, TENANT, useTeamsDesk, type TeamsMember } from './support/teams-harness.ts';

const locales = {
  en: JSON.parse(readFileSync('locales/en.json', 'utf8')),
  sv: JSON.parse(readFileSync('locales/sv.json', 'utf8')),
};

const teamsIdentity = (person: Person | undefined) =>
  person?.identities.find(
    (identity): identity is Extract<Identity, { channel: 'teams' }> => identity.channel === 'teams',
  );

describe('installing the Teams app for a person', () => {
  const harness = useTeamsDesk({ listeners: [installListeners] });
  const people = () => harness().deps.people;

  const notAContact = (locale: 'en' | 'sv', member: TeamsMember) =>
    (locales[locale].chat.notAContact as string)
      .replace('{platform}', locales[locale].platforms.teams)
      .replace('{externalId}', member.aadObjectId);

  it('keeps the personal conversation on a known contact’s Teams identity', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams install AB');
    const member = harness().addMember({ name: 'Known contact' });
    await linkIdentity(harness().deps, acme.contact.id, {
      channel: 'teams',
      externalId: member.aadObjectId,
      tenantId: TENANT,
    });
    const answer = await harness().send(harness().installationUpdate(member));
    expect(answer.status).toBe(200);
    const identity = teamsIdentity(await people().get(acme.contact.id));
    expect(identity).toEqual({
      channel: 'teams',
      externalId: member.aadObjectId,
      tenantId: TENANT,
      conversation: { id: harness().personalConversation(member), serviceUrl: SERVICE_URL },
    });
    // Nothing was said: the person is known.
    expect(harness().postedTo(harness().personalConversation(member))).toEqual([]);
  });

  it('links a first contact matched by the e-mail Teams gives, on the bot being added to the chat', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams first contact AB');
    const contact = await addContact(harness().deps, acme.organisation.id, {
      name: 'Emma E-mail',
      email: 'emma@first-contact.example',
    });
    const member = harness().addMember({ name: 'Emma', email: 'emma@first-contact.example' });
    const answer = await harness().send(harness().botAdded(member));
    expect(answer.status).toBe(200);
    // Teams was asked who this is: the connector's member lookup.
    expect(
      harness().calls.some(
        (call) =>
          call.method === 'GET' &&
          call.path === `/v3/conversations/${harness().personalConversation(member)}/members/${member.id}`,
      ),
    ).toBe(true);
    const linked = await people().findByIdentity('teams', member.aadObjectId);
    expect(linked?.id).toBe(contact.id);
    expect(teamsIdentity(linked)?.conversation).toEqual({
      id: harness().personalConversation(member),
      serviceUrl: SERVICE_URL,
    });
  });

  it('tells a stranger in the chat, in their language, and stores nothing', async () => {
    for (const [locale, client] of [
      ['en', 'en-GB'],
      ['sv', 'sv-SE'],
    ] as const) {
      const member = harness().addMember({ email: `stranger-${locale}@nowhere.example` });
      const answer = await harness().send(harness().installationUpdate(member, 'add', { locale: client }));
      expect(answer.status).toBe(200);
      const said = harness().postedTo(harness().personalConversation(member));
      expect(said).toHaveLength(1);
      expect(said[0]!.body.text).toBe(notAContact(locale, member));
      expect(await people().findByIdentity('teams', member.aadObjectId)).toBeUndefined();
      expect(await people().findByEmail(member.email!)).toEqual([]);
    }
    expect(notAContact('sv', harness().addMember({}))).not.toBe(notAContact('en', harness().addMember({})));
  });

  it('the connector not knowing the member (404) is no failure: a known contact is kept, a stranger told, in their language', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams unknown member AB');
    // Members the connector's lookup answers 404 for: Teams named them, the lookup does not.
    const unlisted = (): TeamsMember => ({ id: `29:1unlisted-${randomUUID()}`, aadObjectId: randomUUID() });
    const known = unlisted();
    await linkIdentity(harness().deps, acme.contact.id, {
      channel: 'teams',
      externalId: known.aadObjectId,
      tenantId: TENANT,
    });
    expect((await harness().send(harness().installationUpdate(known))).status).toBe(200);
    expect(teamsIdentity(await people().get(acme.contact.id))?.conversation?.id).toBe(
      harness().personalConversation(known),
    );
    const stranger = unlisted();
    const answer = await harness().send(harness().installationUpdate(stranger, 'add', { locale: 'sv-SE' }));
    expect(answer.status).toBe(200);
    const said = harness().postedTo(harness().personalConversation(stranger));
    expect(said.map((call) => call.body.text)).toEqual([notAContact('sv', stranger)]);
    expect(await people().findByIdentity('teams', stranger.aadObjectId)).toBeUndefined();
  });

  it('changes nothing when the app is installed again (or Teams tells both activities)', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams twice AB');
    const member = harness().addMember({ name: 'Twice' });
    await linkIdentity(harness().deps, acme.agent.id, {
      channel: 'teams',
      externalId: member.aadObjectId,
      tenantId: TENANT,
    });
    expect((await harness().send(harness().installationUpdate(member))).status).toBe(200);
    const once = await people().get(acme.agent.id);
    expect(teamsIdentity(once)?.conversation?.id).toBe(harness().personalConversation(member));
    expect((await harness().send(harness().botAdded(member))).status).toBe(200);
    expect((await harness().send(harness().installationUpdate(member, 'add-upgrade'))).status).toBe(200);
    const after = await people().get(acme.agent.id);
    expect(after?.version).toBe(once?.version);
    expect(after?.identities).toEqual(once?.identities);
  });

  it('leaves a removal, and activities that are not installs, alone', async () => {
    const member = harness().addMember({ email: 'remover@nowhere.example' });
    const before = harness().calls.length;
    expect((await harness().send(harness().installationUpdate(member, 'remove'))).status).toBe(200);
    expect((await harness().send(harness().personalMessage(member, 'hello'))).status).toBe(200);
    expect(harness().calls.slice(before)).toEqual([]);
  });
});
