import {
  BREACH_SCAN,
  DESK_SECTIONS,
  type DeskOverview,
  type DeskSection,
  type OrganisationOverview,
  type OverviewTicket,
} from '../../app/chat/desk-overview.ts';
import type { Locale } from '../../domain/locale.ts';
import { translate } from '../../i18n/translate.ts';
import { overviewFacts, type OverviewWording } from '../overview-words.ts';
import type { SlackContent } from './slack-message.ts';
import { escapeMrkdwn, slackDate } from './slack-text.ts';

/** The action id of the App Home's "New ticket" button; its handler opens the intake form. */
export const HOME_NEW_TICKET_ACTION = 'sladesk_home_new_ticket';

/** A view for `views.publish` on the App Home tab. */
export interface HomeView {
  type: 'home';
  blocks: object[];
}

/** Slack's longest header text. */
const HEADER_MAX = 150;

const header = (text: string): object => ({
  type: 'header',
  text: { type: 'plain_text', text: text.length > HEADER_MAX ? `${text.slice(0, HEADER_MAX - 1)}…` : text },
});
const mrkdwn = (text: string): object => ({ type: 'section', text: { type: 'mrkdwn', text } });
const note = (text: string): object => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

/**
 * One ticket as a section: its id and title, then its status, priority and SLA clocks (each
 * deadline as a Slack date token, marked when breached). The title is the customer's text, escaped.
 */
export function ticketBlock(locale: Locale, ticket: OverviewTicket): object {
  const facts = overviewFacts(locale, ticket, SLACK_OVERVIEW);
  return mrkdwn(`*${escapeMrkdwn(ticket.id)}* ${escapeMrkdwn(ticket.title)}\n${facts.join(' · ')}`);
}

/** An overview's words in Slack's mrkdwn: escaped, dates as Slack date tokens. */
const SLACK_OVERVIEW: OverviewWording = {
  text: escapeMrkdwn,
  instant: slackDate,
  strong: (text) => `*${text}*`,
};

const SECTION_TICKETS: Record<DeskSection, (overview: DeskOverview) => OverviewTicket[]> = {
  mine: (overview) => overview.mine,
  unclaimed: (overview) => overview.unclaimed,
  breach: (overview) => overview.closestToBreach,
};

/** The desk's sections (all three, or `only` one): a header each, its tickets or a line saying there are none. */
export function deskSectionBlocks(locale: Locale, overview: DeskOverview, only?: DeskSection): object[] {
  const blocks: object[] = [];
  for (const section of DESK_SECTIONS) {
    if (only !== undefined && only !== section) continue;
    if (blocks.length > 0) blocks.push({ type: 'divider' });
    const tickets = SECTION_TICKETS[section](overview);
    blocks.push(header(translate(locale, `overview.${section}`)));
    if (tickets.length === 0) blocks.push(note(translate(locale, `overview.${section}None`)));
    blocks.push(...tickets.map((ticket) => ticketBlock(locale, ticket)));
    if (section === 'breach' && !overview.breachComplete)
      blocks.push(note(translate(locale, 'overview.breachPartial', { count: BREACH_SCAN })));
  }
  return blocks;
}

/** A desk person's App Home: their name, then their tickets, the unclaimed ones, the closest to breach. */
export function deskHomeView(locale: Locale, name: string, overview: DeskOverview): HomeView {
  return {
    type: 'home',
    blocks: [
      header(translate(locale, 'overview.deskHeader', { name })),
      ...deskSectionBlocks(locale, overview),
    ],
  };
}

/** A customer contact's App Home: their organisation's open tickets and a button to open a new one. */
export function contactHomeView(locale: Locale, overview: OrganisationOverview): HomeView {
  const organisation = overview.organisation.name;
  const blocks: object[] = [
    header(translate(locale, 'overview.contactHeader', { organisation })),
    {
      type: 'actions',
      block_id: 'sladesk-home-actions',
      elements: [
        {
          type: 'button',
          action_id: HOME_NEW_TICKET_ACTION,
          style: 'primary',
          text: { type: 'plain_text', text: translate(locale, 'slack.home.newTicket') },
        },
      ],
    },
  ];
  if (overview.tickets.length === 0)
    blocks.push(
      note(translate(locale, 'overview.contactNone', { organisation: escapeMrkdwn(organisation) })),
    );
  blocks.push(...overview.tickets.map((ticket) => ticketBlock(locale, ticket)));
  if (overview.more)
    blocks.push(note(translate(locale, 'overview.contactMore', { count: overview.tickets.length })));
  return { type: 'home', blocks };
}

/** The App Home of a Slack user who is nobody at the desk: who to ask to be registered. */
export function strangerHomeView(locale: Locale): HomeView {
  return {
    type: 'home',
    blocks: [header(translate(locale, 'slack.home.title')), mrkdwn(translate(locale, 'slack.home.stranger'))],
  };
}

/** The `/desk` answer: its sections as blocks, and a plain sentence for notifications. */
export function deskCommandContent(locale: Locale, overview: DeskOverview, only?: DeskSection): SlackContent {
  return { text: translate(locale, 'slack.desk.text'), blocks: deskSectionBlocks(locale, overview, only) };
}

/**
 * What `/desk <text>` asks for: every section (no argument), one (`mine`, `unclaimed`, `breach`),
 * or undefined for anything else, which is answered with the usage.
 */
export function deskCommandSection(text: string | undefined): { only?: DeskSection } | undefined {
  const argument = (text ?? '').trim().toLowerCase();
  if (argument === '') return {};
  const section = DESK_SECTIONS.find((name) => name === argument);
  return section ? { only: section } : undefined;
}
