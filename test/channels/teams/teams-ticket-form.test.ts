import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NEW_TICKET_VERB, ticketFormCard } from '../../../src/channels/teams/teams-ticket-form.ts';
import { readTicketForm } from '../../../src/channels/ticket-form.ts';

const locales = {
  en: JSON.parse(readFileSync('locales/en.json', 'utf8')),
  sv: JSON.parse(readFileSync('locales/sv.json', 'utf8')),
};

type Element = {
  type: string;
  id?: string;
  label?: string;
  value?: string;
  text?: string;
  choices?: { value: string }[];
};

describe('the new-ticket form, on a Teams card', () => {
  it('asks what is wrong, details, kind and impact, and the priority only where one may be asked', () => {
    const card = ticketFormCard({ locale: 'en', prefill: { title: 'VPN down' } }).content;
    const inputs = (card.body as Element[]).filter((e) => e.type.startsWith('Input.'));
    expect(inputs.map((e) => e.id)).toEqual(['title', 'description', 'category', 'impact']);
    expect(inputs[0]).toMatchObject({ label: locales.en.ticketForm.title, value: 'VPN down' });
    expect(inputs[2]!.choices!.map((c) => c.value)).toEqual([
      'incident',
      'user_support',
      'order',
      'development_request',
    ]);
    expect(card.actions).toEqual([
      expect.objectContaining({ type: 'Action.Execute', verb: NEW_TICKET_VERB }),
    ]);

    const asking = ticketFormCard({
      locale: 'sv',
      priorities: [{ key: 'A', label: 'Kritiskt fel' }],
    }).content;
    const priority = (asking.body as Element[]).find((e) => e.id === 'priority')!;
    expect(priority).toMatchObject({ label: locales.sv.ticketForm.priority, choices: [{ value: 'A' }] });
    expect((asking.body as Element[])[0]!.text).toBe(locales.sv.ticketForm.heading);
  });

  it('shows what was wrong beside its field, in the writer’s language', () => {
    const read = readTicketForm({ title: '  ', category: 'problem', impact: 'one' }, 'sv');
    expect(read).toEqual({
      ok: false,
      errors: {
        title: locales.sv.ticketForm.errors.titleEmpty,
        category: locales.sv.ticketForm.errors.choose,
      },
    });
    if (read.ok) return;
    const card = ticketFormCard({ locale: 'sv', errors: read.errors }).content;
    const texts = (card.body as Element[]).map((e) => e.text).filter(Boolean);
    expect(texts).toContain(locales.sv.ticketForm.errors.titleEmpty);
  });

  it('reads a filled-in form, whatever else a forged one carries', () => {
    expect(
      readTicketForm(
        { title: ' Printer ', description: 'Jams', category: 'incident', impact: 'all', priority: 'B' },
        'en',
      ),
    ).toEqual({
      ok: true,
      ticket: { title: 'Printer', description: 'Jams', category: 'incident', impact: 'all', priority: 'B' },
    });
    expect(
      readTicketForm({ title: 'x'.repeat(201), category: 'incident', impact: 'one' }, 'en'),
    ).toMatchObject({
      ok: false,
      errors: { title: locales.en.ticketForm.errors.tooLong.replace('{max}', '200') },
    });
    expect(readTicketForm({ title: { $ne: 1 } }, 'en')).toMatchObject({ ok: false });
    expect(readTicketForm('not an object', 'en')).toMatchObject({ ok: false });
  });
});
