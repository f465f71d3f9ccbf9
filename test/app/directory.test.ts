import { describe, expect, it } from 'vitest';
import { addAgent, createOrganisation, linkIdentity } from '../../src/app/directory.ts';
import { DomainError } from '../../src/domain/domain-error.ts';
import { useTestDesk } from '../support/test-desk.ts';

const desk = useTestDesk();

describe('setting up organisations', () => {
  it('takes the contract’s time zone unless told otherwise', async () => {
    const organisation = await createOrganisation(desk().deps, {
      name: 'Zone default',
      contractId: 'kamstrup',
      locale: 'sv',
    });
    expect(organisation.timeZone).toBe('Europe/Stockholm');
  });

  it.each([
    [
      { name: 'Bad zone', contractId: 'kamstrup', locale: 'sv' as const, timeZone: 'Europe/Gothenburg' },
      'unknownTimeZone',
    ],
    [{ name: 'Bad contract', contractId: 'acme-gold', locale: 'sv' as const }, 'unknownContract'],
  ])('refuses %j with %s', async (input, code) => {
    const error = await createOrganisation(desk().deps, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
  });

  it('refuses a customer contact as Incident Manager', async () => {
    const acme = await desk().seedCustomer('Roles');
    const error = await createOrganisation(desk().deps, {
      name: 'Roles 2',
      contractId: 'kamstrup',
      locale: 'en',
      incidentManagerId: acme.contact.id,
    }).catch((e: unknown) => e);
    expect((error as DomainError).code).toBe('agentsOnly');
  });

  it('refuses a second organisation of the same name, and a chat identity that is taken', async () => {
    await createOrganisation(desk().deps, { name: 'Twice', contractId: 'kamstrup', locale: 'sv' });
    const again = await createOrganisation(desk().deps, {
      name: 'Twice',
      contractId: 'kamstrup',
      locale: 'sv',
    }).catch((e: unknown) => e);
    expect((again as DomainError).code).toBe('organisationNameTaken');
    await addAgent(desk().deps, { name: 'First', identities: [{ channel: 'slack', externalId: 'U0TAKEN' }] });
    const taken = await addAgent(desk().deps, {
      name: 'Second',
      identities: [{ channel: 'slack', externalId: 'U0TAKEN' }],
    }).catch((e: unknown) => e);
    expect((taken as DomainError).code).toBe('identityTaken');
  });

  it('links an identity once, and brings its platform details up to date when seen with newer ones', async () => {
    const agent = await addAgent(desk().deps, { name: 'Linker' });
    const linked = await linkIdentity(desk().deps, agent.id, { channel: 'slack', externalId: 'U0LINK' });
    expect(linked.identities).toEqual([{ channel: 'slack', externalId: 'U0LINK' }]);
    const same = await linkIdentity(desk().deps, agent.id, { channel: 'slack', externalId: 'U0LINK' });
    expect(same.version).toBe(linked.version);

    const detailed = await linkIdentity(desk().deps, agent.id, {
      channel: 'slack',
      externalId: 'U0LINK',
      teamId: 'T0LINK',
    });
    expect(detailed.identities).toEqual([{ channel: 'slack', externalId: 'U0LINK', teamId: 'T0LINK' }]);
    expect(detailed.version).toBe(linked.version! + 1);
    // Seen without the detail: it is kept, and nothing is saved.
    const without = await linkIdentity(desk().deps, agent.id, { channel: 'slack', externalId: 'U0LINK' });
    expect(without).toStrictEqual(await desk().store.people.get(agent.id));
    expect(without.version).toBe(detailed.version);
    expect(without.identities).toEqual(detailed.identities);
  });
});
