import { describe, expect, it } from 'vitest';
import { pressButton } from '../../../src/app/chat/press-button.ts';
import { linkIdentity } from '../../../src/app/directory.ts';
import type { MessageButton } from '../../../src/app/messaging/message.ts';
import { openTicket } from '../../../src/app/open-ticket.ts';
import type { DomainError } from '../../../src/domain/domain-error.ts';
import { useTestDesk } from '../../support/test-desk.ts';
import { slackUser, storedCounts } from './support.ts';

const desk = useTestDesk();

async function ticketWithAgent(name: string) {
  const acme = await desk().seedCustomer(name);
  await linkIdentity(desk().deps, acme.agent.id, { channel: 'slack', externalId: `U-${acme.agent.id}` });
  const ticket = await openTicket(desk().deps, acme.contact.id, {
    organisationId: acme.organisation.id,
    requesterId: acme.contact.id,
    source: 'api',
    category: 'incident',
    title: 'Pressed',
    description: 'x',
  });
  return { acme, ticket, agent: slackUser(`U-${acme.agent.id}`) };
}

describe('pressButton', () => {
  it('acts once for a press delivered twice at the same moment', async () => {
    const { ticket, agent } = await ticketWithAgent('Press twice AB');
    const button: MessageButton = { action: 'claim', ticketId: ticket.id };
    const press = { channel: 'slack', eventId: 'press-1', from: agent, button };
    const answers = await Promise.all([pressButton(desk().deps, press), pressButton(desk().deps, press)]);
    expect(answers.map((a) => a.duplicate).sort()).toEqual([false, true]);
    const stored = (await desk().deps.tickets.get(ticket.id))!;
    expect(stored.status).toBe('claimed');
    expect(stored.version).toBe(1);
  });

  it('refuses a button the desk never made, and changes nothing', async () => {
    const { ticket, agent } = await ticketWithAgent('Forged AB');
    const before = await storedCounts(desk().connection);
    const forged = { action: 'delete-everything', ticketId: ticket.id } as unknown as MessageButton;
    const refusal = await pressButton(desk().deps, {
      channel: 'slack',
      eventId: 'forged-1',
      from: agent,
      button: forged,
    }).catch((error: unknown) => error as DomainError);
    expect(refusal).toMatchObject({ code: 'invalidButton' });
    expect(await storedCounts(desk().connection)).toEqual(before);
    expect((await desk().deps.tickets.get(ticket.id))!.version).toBe(0);
  });
});
