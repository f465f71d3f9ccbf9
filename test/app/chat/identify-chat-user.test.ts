import { describe, expect, it } from 'vitest';
import { identifyChatUser } from '../../../src/app/chat/identify-chat-user.ts';
import { addAgent, addContact, removeContact } from '../../../src/app/directory.ts';
import { DomainError } from '../../../src/domain/domain-error.ts';
import { errorMessage } from '../../../src/i18n/error-message.ts';
import { useTestDesk } from '../../support/test-desk.ts';
import { refusal, slackUser, storedCounts } from './support.ts';

const desk = useTestDesk();

describe('identifyChatUser', () => {
  it('refuses a user who matches nobody, in words naming their platform user, and stores nothing', async () => {
    await desk().seedCustomer('Nobody AB');
    const before = await storedCounts(desk().connection);
    for (const user of [slackUser('U0NOBODY', 'stranger@example.com'), slackUser('U0NOBODY')]) {
      const error = await refusal(identifyChatUser(desk().deps, user));
      expect(error).toBeInstanceOf(DomainError);
      expect(error.code).toBe('notAContact');
      expect(errorMessage('en', `errors.${error.code}`, error.params)).toBe(
        'you are not registered as a contact of any customer of this desk; ask your organisation’s administrator to add you (Slack user U0NOBODY)',
      );
    }
    expect(await storedCounts(desk().connection)).toEqual(before);
  });

  it('matches a first contact by e-mail in any case and links the identity; the next time finds them by it', async () => {
    const { organisation } = await desk().seedCustomer('Email AB');
    const kim = await addContact(desk().deps, organisation.id, {
      name: 'Kim',
      email: 'Kim.Kund@Email.example',
    });

    const first = await identifyChatUser(desk().deps, slackUser('U0KIM', 'kim.kund@email.EXAMPLE'));
    expect(first.id).toBe(kim.id);
    expect(first.identities).toEqual([{ channel: 'slack', externalId: 'U0KIM', teamId: 'T0DESK' }]);
    expect((await desk().store.people.findByIdentity('slack', 'U0KIM'))?.id).toBe(kim.id);

    // No address this time (or another one): the identity is enough, and nothing is written again.
    const again = await identifyChatUser(desk().deps, slackUser('U0KIM'));
    expect(again).toStrictEqual(first);
    expect((await identifyChatUser(desk().deps, slackUser('U0KIM', 'other@example.com'))).id).toBe(kim.id);
    expect((await desk().store.people.get(kim.id))?.version).toBe(first.version);
  });

  it('refuses a contact found by e-mail who is not on their organisation’s list, and links nothing', async () => {
    const { organisation } = await desk().seedCustomer('Removed AB');
    const ola = await addContact(desk().deps, organisation.id, { name: 'Ola', email: 'ola@removed.example' });
    await removeContact(desk().deps, organisation.id, ola.id);
    const before = await storedCounts(desk().connection);
    const error = await refusal(identifyChatUser(desk().deps, slackUser('U0OLA', 'ola@removed.example')));
    expect([error.code, error.params]).toEqual(['notAContact', { platform: 'slack', externalId: 'U0OLA' }]);
    expect(await storedCounts(desk().connection)).toEqual(before);
    expect((await desk().store.people.get(ola.id))?.identities).toEqual([]);
  });

  it('refuses a contact found by identity once they are off the list', async () => {
    const { organisation } = await desk().seedCustomer('Later removed AB');
    const per = await addContact(desk().deps, organisation.id, {
      name: 'Per',
      identities: [{ channel: 'slack', externalId: 'U0PER' }],
    });
    expect((await identifyChatUser(desk().deps, slackUser('U0PER'))).id).toBe(per.id);
    await removeContact(desk().deps, organisation.id, per.id);
    expect((await refusal(identifyChatUser(desk().deps, slackUser('U0PER')))).code).toBe('notAContact');
  });

  it('matches the desk’s own people by e-mail too', async () => {
    const agent = await addAgent(desk().deps, { name: 'Ida', email: 'ida@desk.example' });
    expect((await identifyChatUser(desk().deps, slackUser('U0IDA', 'IDA@desk.example'))).id).toBe(agent.id);
  });

  it('never takes a user of another organisation’s directory for one of the desk’s people by e-mail; a contact, yes', async () => {
    await addAgent(desk().deps, { name: 'Ivar', email: 'ivar@desk.example' });
    const external = { ...slackUser('U0FAKEIVAR', 'ivar@desk.example'), external: true };
    expect((await refusal(identifyChatUser(desk().deps, external))).code).toBe('notAContact');
    expect(await desk().deps.people.findByIdentity('slack', 'U0FAKEIVAR')).toBeUndefined();
    const { organisation } = await desk().seedCustomer('Connect AB');
    const kim = await addContact(desk().deps, organisation.id, { name: 'Kim', email: 'kim@connect.example' });
    const guest = { ...slackUser('U0CONNECTKIM', 'kim@connect.example'), external: true };
    expect((await identifyChatUser(desk().deps, guest)).id).toBe(kim.id);
  });

  it('does not guess between two people who may act with the same address', async () => {
    const a = await desk().seedCustomer('Twin A');
    const b = await desk().seedCustomer('Twin B');
    await addContact(desk().deps, a.organisation.id, { name: 'Tove A', email: 'tove@twins.example' });
    await addContact(desk().deps, b.organisation.id, { name: 'Tove B', email: 'tove@twins.example' });
    const before = await storedCounts(desk().connection);
    const error = await refusal(identifyChatUser(desk().deps, slackUser('U0TOVE', 'tove@twins.example')));
    expect(error.code).toBe('chatUserAmbiguous');
    expect(errorMessage('en', `errors.${error.code}`, error.params)).toContain('Slack user U0TOVE');
    expect(await storedCounts(desk().connection)).toEqual(before);
  });

  it('keeps the platform details seen last (a Teams conversation the bot was installed in since)', async () => {
    const { organisation } = await desk().seedCustomer('Teams AB');
    const una = await addContact(desk().deps, organisation.id, {
      name: 'Una',
      identities: [{ channel: 'teams', externalId: 'aad-una', tenantId: 'tenant-1' }],
    });
    const conversation = { id: 'a:1una', serviceUrl: 'https://smba.trafficmanager.net/emea/' };
    const seen = await identifyChatUser(desk().deps, {
      identity: { channel: 'teams', externalId: 'aad-una', conversation },
    });
    expect(seen.id).toBe(una.id);
    expect((await desk().store.people.get(una.id))?.identities).toEqual([
      { channel: 'teams', externalId: 'aad-una', tenantId: 'tenant-1', conversation },
    ]);
  });
});
