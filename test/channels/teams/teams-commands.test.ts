import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openTicket } from '../../../src/app/open-ticket.ts';
import { TEAMS_LISTENERS } from '../../../src/channels/teams/teams-listeners.ts';
import { cardOf, useTeamsDesk } from './support/teams-harness.ts';

const manifest = JSON.parse(readFileSync('manifests/teams/manifest.json', 'utf8'));
const swedish = JSON.parse(readFileSync('manifests/teams/sv.json', 'utf8'));
const locales = {
  en: JSON.parse(readFileSync('locales/en.json', 'utf8')),
  sv: JSON.parse(readFileSync('locales/sv.json', 'utf8')),
};

/** Every command the manifest offers, as Teams sends it: its title, in English and in Swedish. */
const commands: string[] = manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title);
const swedishCommands = commands.map(
  (_, i) => swedish[`bots[0].commandLists[0].commands[${i}].title`] as string,
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const words = (card: any): string => JSON.stringify(card.body);

describe('the commands of the Teams app, in the personal chat', () => {
  const harness = useTeamsDesk({ listeners: TEAMS_LISTENERS });

  it('every command the manifest offers, in both its languages, is answered as that command', async () => {
    expect(swedishCommands.every(Boolean)).toBe(true);
    const acme = await harness().api.desk.seedCustomer('Teams commands AB');
    const contact = await harness().inTeams(acme.contact, { chat: true });
    const chat = harness().personalConversation(contact);
    for (const [i, title] of [...commands, ...swedishCommands].entries()) {
      await harness().send(harness().personalMessage(contact, title));
      const answer = harness().postedTo(chat).at(-1)!;
      const kind = ['new ticket', 'tickets', 'desk', 'help'][i % commands.length];
      if (kind === 'help') expect(answer.body.text).toBe(locales.en.teams.help);
      else if (kind === 'desk') expect(answer.body.text).toMatch(/service desk/);
      else if (kind === 'tickets') expect(words(cardOf(answer))).toContain('Teams commands AB');
      else {
        const title = cardOf(answer).body.find((e: { id?: string }) => e.id === 'title');
        // The form, empty: the command's words are not the customer's problem.
        expect(title.value).toBeUndefined();
      }
    }
  });

  it('tickets: a contact sees their organisation’s open tickets, never another’s; desk: an agent their queues', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams overview AB');
    const other = await harness().api.desk.seedCustomer('Teams overview other AB');
    const open = (who: typeof acme, title: string) =>
      openTicket(deps, who.contact.id, {
        organisationId: who.organisation.id,
        requesterId: who.contact.id,
        source: 'api',
        category: 'incident',
        title,
        description: 'x',
      });
    const ours = await open(acme, 'Ours to see');
    const theirs = await open(other, 'Theirs alone');
    const contact = await harness().inTeams(acme.colleague, { chat: true });
    await harness().send(harness().personalMessage(contact, 'ärenden'));
    const seen = words(cardOf(harness().postedTo(harness().personalConversation(contact)).at(-1)!));
    expect(seen).toContain(ours.id);
    expect(seen).not.toContain(theirs.id);
    // The colleague reads the organisation's language: Swedish.
    expect(seen).toContain(locales.sv.overview.contactHeader.replace('{organisation}', 'Teams overview AB'));

    const agent = await harness().inTeams(acme.agent, { chat: true });
    await harness().send(harness().personalMessage(agent, 'desk unclaimed'));
    const queue = words(cardOf(harness().postedTo(harness().personalConversation(agent)).at(-1)!));
    expect(queue).toContain(ours.id);
    expect(queue).toContain(theirs.id);
    expect(queue).toContain(locales.en.overview.unclaimed);
    expect(queue).not.toContain(locales.en.overview.mine);
  });
});
