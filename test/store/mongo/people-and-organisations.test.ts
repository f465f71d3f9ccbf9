import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/domain-error.ts';
import { addContact, type Organisation } from '../../../src/domain/desk/organisation.ts';
import type { Person } from '../../../src/domain/desk/people.ts';
import {
  AlreadyExistsError,
  createMongoStore,
  IdentityTakenError,
  OrganisationNameTakenError,
} from '../../../src/store/mongo/index.ts';
import { useTestDatabase } from '../../support/database.ts';

const person = (id: string, more: Partial<Person> = {}): Person => ({
  id,
  name: `Person ${id}`,
  role: 'contact',
  organisationId: 'org-1',
  identities: [],
  ...more,
});

const organisation = (id: string, name: string, more: Partial<Organisation> = {}): Organisation => ({
  id,
  name,
  contractId: 'stratiteq',
  locale: 'sv',
  timeZone: 'Europe/Stockholm',
  contactIds: [],
  ...more,
});

describe('MongoPersonRepository', () => {
  const database = useTestDatabase('mongo_people');
  const store = () => createMongoStore(database());

  it('round-trips people; optional members absent, not null', async () => {
    const { people } = store();
    const ann = person('p-ann', {
      email: 'ann@example.se',
      locale: 'sv',
      identities: [
        { channel: 'slack', externalId: 'U0ANN' },
        { channel: 'email', externalId: 'ann@example.se' },
      ],
    });
    const bob = person('p-bob', { role: 'agent', organisationId: undefined });
    await people.insert(ann);
    await people.insert(bob);
    expect(await people.get('p-ann')).toStrictEqual({ ...ann, version: 0 });
    const readBob = await people.get('p-bob');
    expect(readBob).toStrictEqual({
      id: 'p-bob',
      name: 'Person p-bob',
      role: 'agent',
      identities: [],
      version: 0,
    });
    expect(await people.get('p-nobody')).toBeUndefined();
    await expect(people.insert(bob)).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it('finds a person by any of their identities, exactly (channel and id together)', async () => {
    const { people } = store();
    await people.insert(
      person('p-cy', {
        identities: [
          { channel: 'teams', externalId: 'aad-cy' },
          { channel: 'web', externalId: 'cy' },
        ],
      }),
    );
    expect((await people.findByIdentity('teams', 'aad-cy'))?.id).toBe('p-cy');
    expect((await people.findByIdentity('web', 'cy'))?.id).toBe('p-cy');
    expect(await people.findByIdentity('web', 'aad-cy')).toBeUndefined();
    expect(await people.findByIdentity('slack', 'cy')).toBeUndefined();
  });

  it('maps one identity to one person: a second claimant is refused and left unchanged', async () => {
    const { people } = store();
    await people.insert(person('p-dee', { identities: [{ channel: 'slack', externalId: 'U0DEE' }] }));
    const eve = person('p-eve', {
      identities: [
        { channel: 'web', externalId: 'eve' },
        { channel: 'slack', externalId: 'U0DEE' },
      ],
    });
    const error = await people.insert(eve).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IdentityTakenError);
    expect(error).toMatchObject({ channel: 'slack', externalId: 'U0DEE', personId: 'p-dee' });
    expect(await people.get('p-eve')).toBeUndefined();
    // Eve's other identity was not kept half-claimed.
    await people.insert(person('p-eve2', { identities: [{ channel: 'web', externalId: 'eve' }] }));
    expect((await people.findByIdentity('web', 'eve'))?.id).toBe('p-eve2');

    // Through save as well.
    const eve2 = (await people.get('p-eve2'))!;
    await expect(
      people.save({ ...eve2, identities: [...eve2.identities, { channel: 'slack', externalId: 'U0DEE' }] }),
    ).rejects.toBeInstanceOf(IdentityTakenError);
    expect((await people.get('p-eve2'))?.identities).toEqual([{ channel: 'web', externalId: 'eve' }]);
    expect((await people.findByIdentity('slack', 'U0DEE'))?.id).toBe('p-dee');
  });

  it('gives an identity raced for by several new people to exactly one of them', async () => {
    const { people } = store();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, n) =>
        people.insert(
          person(`p-race-${n}`, { identities: [{ channel: 'teams', externalId: 'aad-shared' }] }),
        ),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const owner = await people.findByIdentity('teams', 'aad-shared');
    expect(owner?.id).toMatch(/^p-race-\d$/);
    const stored = await people.list({ organisationId: 'org-1' });
    expect(
      stored.filter((p) => p.identities.some((identity) => identity.externalId === 'aad-shared')),
    ).toHaveLength(1);
  });

  it('save adds and releases identities; a released one can go to someone else', async () => {
    const { people } = store();
    await people.insert(person('p-fay', { identities: [{ channel: 'slack', externalId: 'U0FAY' }] }));
    const fay = (await people.get('p-fay'))!;
    await people.save({
      ...fay,
      name: 'Fay Moved',
      identities: [{ channel: 'teams', externalId: 'aad-fay' }],
    });
    expect(await people.get('p-fay')).toMatchObject({
      name: 'Fay Moved',
      identities: [{ channel: 'teams', externalId: 'aad-fay' }],
    });
    expect(await people.findByIdentity('slack', 'U0FAY')).toBeUndefined();
    expect((await people.findByIdentity('teams', 'aad-fay'))?.id).toBe('p-fay');
    await people.insert(person('p-gus', { identities: [{ channel: 'slack', externalId: 'U0FAY' }] }));
    expect((await people.findByIdentity('slack', 'U0FAY'))?.id).toBe('p-gus');

    const missing = await people.save(person('p-ghost')).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(DomainError);
    expect((missing as DomainError).code).toBe('notFound');
  });

  it('lists by role and organisation, by name', async () => {
    const database2 = createMongoStore(database());
    const { people } = database2;
    await people.insert(person('p-l1', { name: 'Zed', organisationId: 'org-list' }));
    await people.insert(person('p-l2', { name: 'Amy', organisationId: 'org-list' }));
    await people.insert(person('p-l3', { name: 'Ola', role: 'agent', organisationId: undefined }));
    expect((await people.list({ organisationId: 'org-list' })).map((p) => p.name)).toEqual(['Amy', 'Zed']);
    expect((await people.list({ role: 'agent' })).map((p) => p.id)).toEqual(['p-l3', 'p-bob']);
    expect(await people.list({ role: 'admin' })).toEqual([]);
    expect((await people.list({ role: 'contact', organisationId: 'org-list' })).map((p) => p.id)).toEqual([
      'p-l2',
      'p-l1',
    ]);
  });

  it('finds everyone with an e-mail address, in any case, and follows a changed address', async () => {
    const { people } = store();
    const eva = await people.insert(person('p-eva', { email: 'Eva.Ek@Example.se' }));
    await people.insert(person('p-eva2', { email: 'eva.ek@example.se', organisationId: 'org-2' }));
    await people.insert(person('p-eve', { email: 'eve@example.se' }));
    const ids = async (email: string) => (await people.findByEmail(email)).map((found) => found.id);
    expect(await ids('EVA.EK@example.SE')).toEqual(['p-eva', 'p-eva2']);
    expect((await people.findByEmail('eva.ek@example.se'))[0]).toStrictEqual(eva);
    expect(await ids('nobody@example.se')).toEqual([]);
    expect(await ids('')).toEqual([]);

    await people.save({ ...eva, email: 'eva@elsewhere.example' });
    expect(await ids('eva.ek@example.se')).toEqual(['p-eva2']);
    expect(await ids('Eva@Elsewhere.example')).toEqual(['p-eva']);
    await people.save({ ...eva, email: undefined, version: 1 });
    expect(await ids('eva@elsewhere.example')).toEqual([]);
  });

  it('finds by e-mail people stored before the lower-cased address was kept', async () => {
    const { people } = store();
    await people.insert(person('p-old', { email: 'Old.Timer@Example.se' }));
    await database()
      .db!.collection('people')
      .updateOne({ _id: 'p-old' as never }, { $unset: { emailKey: 1 } });
    expect((await people.findByEmail('old.timer@example.se')).map((found) => found.id)).toEqual(['p-old']);
    expect(await people.get('p-old')).not.toHaveProperty('emailKey');
  });
});

describe('MongoOrganisationRepository and desk settings', () => {
  const database = useTestDatabase('mongo_organisations');
  const store = () => createMongoStore(database());

  it('round-trips, saves and lists organisations by name', async () => {
    const { organisations } = store();
    await store().ensureIndexes();
    const acme = organisation('o-acme', 'Acme AB', { incidentManagerId: 'p-im', accountOwnerId: 'p-ao' });
    await organisations.insert(acme);
    await organisations.insert(organisation('o-beta', 'Beta AB'));
    expect(await organisations.get('o-acme')).toStrictEqual({ ...acme, version: 0 });
    expect(await organisations.get('o-beta')).not.toHaveProperty('incidentManagerId');
    expect(await organisations.get('o-none')).toBeUndefined();

    const withContact = addContact({ ...acme, version: 0, accountOwnerId: undefined }, 'p-contact');
    await organisations.save(withContact);
    const read = await organisations.get('o-acme');
    expect(read?.contactIds).toEqual(['p-contact']);
    expect(read).not.toHaveProperty('accountOwnerId');
    expect((await organisations.list()).map((o) => o.name)).toEqual(['Acme AB', 'Beta AB']);

    const missing = await organisations
      .save(organisation('o-ghost', 'Ghost'))
      .catch((caught: unknown) => caught);
    expect((missing as DomainError).code).toBe('notFound');
  });

  it('keeps names unique, on insert (also when raced) and on rename', async () => {
    const { organisations } = store();
    await store().ensureIndexes();
    await organisations.insert(organisation('o-one', 'Same Name AB'));
    await expect(organisations.insert(organisation('o-two', 'Same Name AB'))).rejects.toBeInstanceOf(
      OrganisationNameTakenError,
    );
    await expect(organisations.insert(organisation('o-one', 'Other AB'))).rejects.toBeInstanceOf(
      AlreadyExistsError,
    );

    await organisations.insert(organisation('o-three', 'Third AB'));
    await expect(organisations.save(organisation('o-three', 'Same Name AB'))).rejects.toBeInstanceOf(
      OrganisationNameTakenError,
    );
    expect((await organisations.get('o-three'))?.name).toBe('Third AB');

    const raced = await Promise.allSettled(
      Array.from({ length: 6 }, (_, n) => organisations.insert(organisation(`o-race-${n}`, 'Raced AB'))),
    );
    expect(raced.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });

  it('stores the desk settings: empty at first, each setting written alone', async () => {
    const { deskSettings } = store();
    expect(await deskSettings.get()).toEqual({});
    await deskSettings.setCeo('p-ceo');
    expect(await deskSettings.get()).toStrictEqual({ ceoId: 'p-ceo' });
    // Different settings at the same moment, from two processes: neither undoes the other.
    const other = createMongoStore(database()).deskSettings;
    await Promise.all([
      deskSettings.setTriagePlace('slack', 'C0SLACK'),
      other.setTriagePlace('teams', '19:teams'),
      other.setCeo('p-ceo-2'),
    ]);
    expect(await deskSettings.get()).toStrictEqual({
      ceoId: 'p-ceo-2',
      triage: { slack: 'C0SLACK', teams: '19:teams' },
    });
  });
});
