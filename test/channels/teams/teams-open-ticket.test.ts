import { describe, expect, it } from 'vitest';
import { openTicket } from '../../../src/app/open-ticket.ts';
import { fireTimer } from '../../../src/app/sla-steps.ts';
import { plannedTimers } from '../../../src/domain/tickets/sla-clock.ts';
import { TEAMS_LISTENERS } from '../../../src/channels/teams/teams-listeners.ts';
import { translate } from '../../../src/i18n/translate.ts';
import { cardOf, executeAction, useTeamsDesk } from './support/teams-harness.ts';

describe('“Open ticket” on an escalation in Teams', () => {
  const harness = useTeamsDesk({ listeners: TEAMS_LISTENERS });

  it('shows the manager the ticket as it is now, in their chat; a contact of another organisation learns nothing', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams open ticket AB');
    const other = await harness().api.desk.seedCustomer('Teams open ticket other AB');
    const manager = await harness().inTeams(acme.incidentManager, { chat: true });
    const ticket = await openTicket(deps, acme.contact.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'incident',
      title: 'Escalated and opened',
      description: 'x',
    });
    const contract = deps.contracts.contract(acme.organisation.contractId);
    const level1 = plannedTimers(ticket, contract).find((t) => t.step === 'response:level1')!;
    harness().api.desk.clock.set(level1.at.toISOString());
    await fireTimer(deps, ticket.id, level1.step);
    const chat = harness().personalConversation(manager);
    const escalation = harness().postedTo(chat).at(-1)!;
    const open = executeAction(escalation, 'sladesk_open_ticket');
    expect(open.data).toEqual({ ticketId: ticket.id });

    const answer = await harness().send(
      harness().cardAction(manager, open, { replyToId: escalation.answeredId! }),
    );
    expect(answer.body.value).toBe(translate('en', 'teams.openTicket.shown', { ticketId: ticket.id }));
    const shown = JSON.stringify(cardOf(harness().postedTo(chat).at(-1)!));
    expect(shown).toContain('Escalated and opened');
    expect(shown).toContain(translate('en', 'statuses.new'));

    const stranger = await harness().inTeams(other.contact, { chat: true });
    const before = harness().postedTo(harness().personalConversation(stranger)).length;
    const refused = await harness().send(harness().cardAction(stranger, open));
    expect(refused.body.value).not.toContain('Escalated and opened');
    expect(harness().postedTo(harness().personalConversation(stranger))).toHaveLength(before);
  });
});
