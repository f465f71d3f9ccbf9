import { describe, expect, it } from 'vitest';
import type {
  DeskOverview,
  OrganisationOverview,
  OverviewTicket,
} from '../../../src/app/chat/desk-overview.ts';
import {
  contactHomeView,
  deskCommandContent,
  deskCommandSection,
  deskHomeView,
  strangerHomeView,
  ticketBlock,
} from '../../../src/channels/slack/slack-home.ts';

type Block = {
  type: string;
  text?: { type: string; text: string };
  elements?: { type: string; text?: unknown; action_id?: string }[];
};

// 11:00 Stockholm time on Monday 16 November 2026 (CET, UTC+1) is 10:00 UTC: 1794823200 s. The
// fallback names the zone as Intl's en-US short name does, which for Stockholm is "GMT+1".
const responseDue = new Date('2026-11-16T10:00:00Z');
const RESPONSE_TOKEN = '<!date^1794823200^{date_short_pretty} {time}|2026-11-16 11:00 GMT+1>';
// 17:00 Stockholm time on Wednesday 18 November 2026 is 16:00 UTC: 1795017600 s.
const resolutionDue = new Date('2026-11-18T16:00:00Z');
const RESOLUTION_TOKEN = '<!date^1795017600^{date_short_pretty} {time}|2026-11-18 17:00 GMT+1>';

const ticket = (fields: Partial<OverviewTicket> = {}): OverviewTicket => ({
  id: 'SD-7',
  title: '<!channel> &lt;',
  status: 'new',
  priority: 'P1',
  organisationId: 'org-1',
  timeZone: 'Europe/Stockholm',
  responseDue,
  responseBreached: false,
  resolutionBreached: false,
  nextDue: { clock: 'response', at: responseDue },
  ...fields,
});

const overview = (fields: Partial<DeskOverview> = {}): DeskOverview => ({
  mine: [],
  unclaimed: [],
  closestToBreach: [],
  breachComplete: true,
  ...fields,
});

const headers = (blocks: object[]) =>
  (blocks as Block[]).filter((block) => block.type === 'header').map((block) => block.text!.text);
const notes = (blocks: object[]) =>
  (blocks as Block[])
    .filter((block) => block.type === 'context')
    .map((block) => (block.elements![0]!.text as string) ?? '');
const sections = (blocks: object[]) =>
  (blocks as Block[]).filter((block) => block.type === 'section').map((block) => block.text!.text);

describe('a ticket in the App Home and /desk', () => {
  it('shows its id, escaped title, status, priority and SLA clocks, marking a breach (en)', () => {
    const block = ticketBlock('en', ticket({ responseBreached: true })) as Block;
    expect(block.type).toBe('section');
    expect(block.text).toEqual({
      type: 'mrkdwn',
      text: `*SD-7* &lt;!channel&gt; &amp;lt;\nnew · P1 · response due ${RESPONSE_TOKEN} *breached*`,
    });
  });

  it('says the same in Swedish, with the resolution deadline where the contract has one', () => {
    const block = ticketBlock(
      'sv',
      ticket({ status: 'in_progress', resolutionDue, resolutionBreached: true }),
    ) as Block;
    expect(block.text!.text).toBe(
      `*SD-7* &lt;!channel&gt; &amp;lt;\npågående · P1 · svar senast ${RESPONSE_TOKEN} · ` +
        `lösning senast ${RESOLUTION_TOKEN} *överskriden*`,
    );
  });
});

describe("a contact's App Home", () => {
  const organisation = { id: 'org-1', name: 'Acme <b>', timeZone: 'Europe/Stockholm' };

  it("lists the organisation's open tickets under a New ticket button", () => {
    const seen: OrganisationOverview = {
      organisation,
      tickets: [ticket(), ticket({ id: 'SD-8', title: 'Printer' })],
      more: true,
    };
    const view = contactHomeView('en', seen);
    expect(view.type).toBe('home');
    // A header is plain text: Slack shows it as written, so the name is not escaped there.
    expect(headers(view.blocks)).toEqual(['Open tickets of Acme <b>']);
    const actions = (view.blocks as Block[]).filter((block) => block.type === 'actions');
    expect(actions).toHaveLength(1);
    expect(actions[0]!.elements).toEqual([
      expect.objectContaining({
        type: 'button',
        action_id: 'sladesk_home_new_ticket',
        text: { type: 'plain_text', text: 'New ticket' },
      }),
    ]);
    expect(sections(view.blocks).map((text) => text.split('\n')[0])).toEqual([
      '*SD-7* &lt;!channel&gt; &amp;lt;',
      '*SD-8* Printer',
    ]);
    expect(notes(view.blocks)).toEqual(['The 2 latest open tickets are shown; there are more.']);
  });

  it('says in Swedish that nothing is open, the name escaped in the sentence', () => {
    const view = contactHomeView('sv', { organisation, tickets: [], more: false });
    expect(headers(view.blocks)).toEqual(['Öppna ärenden för Acme <b>']);
    expect(notes(view.blocks)).toEqual(['Acme &lt;b&gt; har inga öppna ärenden.']);
    const button = (view.blocks as Block[]).find((block) => block.type === 'actions')!.elements![0]!;
    expect(button.text).toEqual({ type: 'plain_text', text: 'Nytt ärende' });
  });
});

describe("a desk person's App Home and /desk", () => {
  it('shows their tickets, the unclaimed ones and the closest to breach, each section or its absence', () => {
    const view = deskHomeView(
      'en',
      'Alva',
      overview({ mine: [ticket()], closestToBreach: [ticket({ id: 'SD-9', title: 'Late' })] }),
    );
    expect(headers(view.blocks)).toEqual([
      'Your desk, Alva',
      'Assigned to you',
      'Unclaimed',
      'Closest to breach',
    ]);
    expect(notes(view.blocks)).toEqual(['Every open ticket is claimed.']);
    expect(sections(view.blocks).map((text) => text.split('\n')[0])).toEqual([
      '*SD-7* &lt;!channel&gt; &amp;lt;',
      '*SD-9* Late',
    ]);
    // A section's tickets come right after its header.
    const types = (view.blocks as Block[]).map((block) => block.type);
    expect(types).toEqual([
      'header',
      'header',
      'section',
      'divider',
      'header',
      'context',
      'divider',
      'header',
      'section',
    ]);
  });

  it('says in Swedish when each section is empty, and when closest to breach did not see every ticket', () => {
    const view = deskHomeView('sv', 'Alva', overview({ breachComplete: false }));
    expect(headers(view.blocks)).toEqual([
      'Din servicedesk, Alva',
      'Tilldelade till dig',
      'Ej tagna ärenden',
      'Närmast att bryta SLA',
    ]);
    expect(notes(view.blocks)).toEqual([
      'Inget öppet ärende är tilldelat dig.',
      'Alla öppna ärenden är tagna.',
      'Inget öppet ärende har en SLA-tidsgräns som löper.',
      'Bland de 1000 senast registrerade öppna ärendena.',
    ]);
  });

  it('answers /desk breach with that section alone', () => {
    const content = deskCommandContent('en', overview({ closestToBreach: [ticket()] }), 'breach');
    expect(content.text).toBe('Your desk overview');
    expect(headers(content.blocks)).toEqual(['Closest to breach']);
    expect(sections(content.blocks)).toHaveLength(1);
  });

  it('reads the /desk argument', () => {
    expect(deskCommandSection('')).toEqual({});
    expect(deskCommandSection(undefined)).toEqual({});
    expect(deskCommandSection(' Mine ')).toEqual({ only: 'mine' });
    expect(deskCommandSection('unclaimed')).toEqual({ only: 'unclaimed' });
    expect(deskCommandSection('breach')).toEqual({ only: 'breach' });
    expect(deskCommandSection('everything')).toBeUndefined();
  });
});

describe("a stranger's App Home", () => {
  it('says they are not registered and whom to ask, in their language', () => {
    expect(sections(strangerHomeView('en').blocks)[0]).toMatch(
      /^You are not registered as a contact .* Ask your organisation’s administrator or the service desk/,
    );
    const sv = strangerHomeView('sv');
    expect(headers(sv.blocks)).toEqual(['Servicedesk']);
    expect(sections(sv.blocks)[0]).toMatch(
      /^Du är inte registrerad som kontaktperson .* Be din organisations administratör/,
    );
  });
});
