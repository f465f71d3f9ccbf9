import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { intakeListeners } from '../../../src/channels/teams/listeners/intake.ts';
import { NEW_TICKET_VERB } from '../../../src/channels/teams/teams-ticket-form.ts';
import { cardOf, useTeamsDesk } from './support/teams-harness.ts';

const locales = {
  en: JSON.parse(readFileSync('locales/en.json', 'utf8')),
  sv: JSON.parse(readFileSync('locales/sv.json', 'utf8')),
};

type Element = { type: string; id?: string; value?: string; text?: string; choices?: { value: string }[] };

describe('opening a ticket from a personal chat in Teams', () => {
  const harness = useTeamsDesk({ listeners: [intakeListeners] });

  const form = (values: Record<string, string>) => ({ verb: NEW_TICKET_VERB, data: values });

  it('a message is answered with the form, filled in; its submit opens one ticket however often it comes', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams intake AB');
    const kim = await harness().inTeams(acme.contact, { chat: true });
    const chat = harness().personalConversation(kim);
    await harness().send(
      harness().personalMessage(
        kim,
        '<p>The printer on floor 3 is <b>broken</b></p><p>It jams on every page</p>',
        { textFormat: 'xml' },
      ),
    );
    const card = cardOf(harness().postedTo(chat).at(-1)!);
    const inputs = (card.body as Element[]).filter((e) => e.type.startsWith('Input.'));
    expect(inputs.find((e) => e.id === 'title')!.value).toBe('The printer on floor 3 is broken');
    const contract = harness().deps.contracts.contract(acme.organisation.contractId);
    expect(inputs.find((e) => e.id === 'priority')!.choices!.map((c) => c.value)).toEqual(
      contract.terms.priorities.map((p) => p.key),
    );

    const submit = harness().cardAction(
      kim,
      form({ title: 'Printer on floor 3', description: 'Jams', category: 'incident', impact: 'several' }),
    );
    const answer = await harness().send(submit);
    expect(answer.status).toBe(200);
    await harness().send(submit);
    const opened = (await harness().deps.tickets.list({ organisationId: acme.organisation.id })).tickets;
    expect(opened.filter((t) => t.title === 'Printer on floor 3')).toHaveLength(1);
    const ticket = opened.find((t) => t.title === 'Printer on floor 3')!;
    expect(answer.body).toMatchObject({
      statusCode: 200,
      value: locales.en.teams.formSent.replace('{id}', ticket.id),
    });
    expect(ticket.description).toContain(
      locales.en.ticketForm.impactLine.replace('{impact}', locales.en.ticketForm.impacts.several),
    );
    // The requester is told the id at once, in their chat, by the desk's own message.
    const told = harness()
      .postedTo(chat)
      .filter((call) => JSON.stringify(call.body).includes(ticket.id));
    expect(told.length).toBeGreaterThanOrEqual(1);
  });

  it('a form with errors comes back with them beside its fields, in the writer’s language, and opens nothing', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams form errors AB');
    // The colleague has no language of their own: the organisation's (Swedish).
    const colleague = await harness().inTeams(acme.colleague, { chat: true });
    const answer = await harness().send(
      harness().cardAction(colleague, form({ title: ' ', description: 'The VPN drops', impact: 'one' })),
    );
    expect(answer.body.type).toBe('application/vnd.microsoft.card.adaptive');
    const texts = (answer.body.value.body as Element[]).map((e) => e.text);
    expect(texts).toContain(locales.sv.ticketForm.errors.titleEmpty);
    expect(texts).toContain(locales.sv.ticketForm.errors.choose);
    // What was written stays in the form, so nothing needs typing twice.
    const inputs = (answer.body.value.body as Element[]).filter((e) => e.type.startsWith('Input.'));
    expect(inputs.find((e) => e.id === 'description')!.value).toBe('The VPN drops');
    expect(inputs.find((e) => e.id === 'impact')!.value).toBe('one');
    const opened = (await harness().deps.tickets.list({ organisationId: acme.organisation.id })).tickets;
    expect(opened).toEqual([]);
  });

  it('one form is one ticket: submitted again as a new activity (a second press), it opens nothing more', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams form once AB');
    const kim = await harness().inTeams(acme.contact, { chat: true });
    const chat = harness().personalConversation(kim);
    await harness().send(harness().personalMessage(kim, 'Mail is slow'));
    const submit = cardOf(harness().postedTo(chat).at(-1)!).actions[0];
    const values = { title: 'Mail is slow', description: 'x', category: 'incident', impact: 'one' };
    const press = () => harness().cardAction(kim, { verb: submit.verb, data: { ...submit.data, ...values } });
    const first = await harness().send(press());
    const second = await harness().send(press());
    expect(second.body).toEqual(first.body);
    const opened = (await harness().deps.tickets.list({ organisationId: acme.organisation.id })).tickets;
    expect(opened.filter((t) => t.title === 'Mail is slow')).toHaveLength(1);

    // Another person sending that form's id opens their own ticket, and learns nothing of Kim's.
    const colleague = await harness().inTeams(acme.colleague, { chat: true });
    const theirs = await harness().send(
      harness().cardAction(colleague, {
        verb: submit.verb,
        data: { ...submit.data, ...values, title: 'Mine' },
      }),
    );
    expect(JSON.stringify(theirs.body)).not.toContain(opened.find((t) => t.title === 'Mail is slow')!.id);
    const after = (await harness().deps.tickets.list({ organisationId: acme.organisation.id })).tickets;
    expect(after.filter((t) => t.title === 'Mine')).toHaveLength(1);
  });

  it('“help” (the app’s command, in either language) is answered with what the bot does, not a form', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams help AB');
    const kim = await harness().inTeams(acme.contact, { chat: true });
    const chat = harness().personalConversation(kim);
    for (const asked of ['help', 'Hjälp']) {
      await harness().send(harness().personalMessage(kim, asked));
      expect(harness().postedTo(chat).at(-1)!.body.text).toBe(locales.en.teams.help);
    }
    expect(locales.sv.teams.help).not.toBe(locales.en.teams.help);
  });

  it('a form submitted by someone Teams names no Entra user for is refused in words, not as a failure', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams anonymous form AB');
    const anonymous = harness().addMember({ name: 'Anonymous' });
    const submit = harness().cardAction(
      anonymous,
      form({ title: 'From nobody', description: 'x', category: 'incident', impact: 'one' }),
      {},
      { from: { id: anonymous.id, name: 'Anonymous' }, locale: 'sv-SE' },
    );
    const errors = harness().logged.filter((entry) => entry.level === 'error').length;
    const answer = await harness().send(submit);
    expect(answer.status).toBe(200);
    expect(answer.body.value).toBe(
      locales.sv.chat.notAContact
        .replace('{platform}', locales.sv.platforms.teams)
        .replace('{externalId}', anonymous.id),
    );
    expect(harness().logged.filter((entry) => entry.level === 'error')).toHaveLength(errors);
    expect((await harness().deps.tickets.list({ organisationId: acme.organisation.id })).tickets).toEqual([]);
  });

  it('someone who is not a registered contact is told why, and nothing is stored', async () => {
    const stranger = harness().addMember({ name: 'Eve', email: 'eve@elsewhere.example' });
    await harness().send(harness().personalMessage(stranger, 'Help me'));
    const said = harness().postedTo(harness().personalConversation(stranger)).at(-1)!;
    expect(said.body.text).toContain(stranger.aadObjectId);
    expect(await harness().deps.people.findByIdentity('teams', stranger.aadObjectId)).toBeUndefined();
  });
});
