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
import { cardDate, escapeCardText, type AdaptiveCard } from './teams-card.ts';

const card = (fallbackText: string, body: object[]): AdaptiveCard => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  fallbackText,
  body,
});

const heading = (text: string, size: 'large' | 'medium') => ({
  type: 'TextBlock',
  text: escapeCardText(text),
  weight: 'bolder',
  size,
  wrap: true,
});
const note = (text: string) => ({ type: 'TextBlock', text, isSubtle: true, wrap: true });

/**
 * One ticket: its id and title (the customer's words, escaped), then its status, priority and
 * running SLA deadlines, each in the reader's own calendar and clock, marked when breached.
 */
function ticketBlocks(locale: Locale, ticket: OverviewTicket): object[] {
  const facts = overviewFacts(locale, ticket, CARD_OVERVIEW);
  return [
    {
      type: 'TextBlock',
      text: `**${escapeCardText(ticket.id)}** ${escapeCardText(ticket.title)}`,
      wrap: true,
      separator: true,
    },
    { type: 'TextBlock', text: facts.join(' · '), wrap: true, isSubtle: true, spacing: 'None' },
  ];
}

/** An overview's words on an Adaptive Card: escaped, instants as the card's date functions. */
const CARD_OVERVIEW: OverviewWording = {
  text: escapeCardText,
  instant: cardDate,
  strong: (text) => `**${text}**`,
};

const SECTION_TICKETS: Record<DeskSection, (overview: DeskOverview) => OverviewTicket[]> = {
  mine: (overview) => overview.mine,
  unclaimed: (overview) => overview.unclaimed,
  breach: (overview) => overview.closestToBreach,
};

/** A desk person's queues as a card: their tickets, the unclaimed ones, the closest to breach (or `only` one). */
export function deskOverviewCard(
  locale: Locale,
  name: string,
  overview: DeskOverview,
  only?: DeskSection,
): AdaptiveCard {
  const title = translate(locale, 'overview.deskHeader', { name });
  const body: object[] = [heading(title, 'large')];
  for (const section of DESK_SECTIONS) {
    if (only !== undefined && only !== section) continue;
    const tickets = SECTION_TICKETS[section](overview);
    body.push(heading(translate(locale, `overview.${section}`), 'medium'));
    if (tickets.length === 0) body.push(note(translate(locale, `overview.${section}None`)));
    for (const ticket of tickets) body.push(...ticketBlocks(locale, ticket));
    if (section === 'breach' && !overview.breachComplete)
      body.push(note(translate(locale, 'overview.breachPartial', { count: BREACH_SCAN })));
  }
  return card(title, body);
}

/** A contact's view of their organisation's open tickets, the latest registered first. */
export function organisationOverviewCard(locale: Locale, overview: OrganisationOverview): AdaptiveCard {
  const organisation = overview.organisation.name;
  const title = translate(locale, 'overview.contactHeader', { organisation });
  const body: object[] = [heading(title, 'large')];
  if (overview.tickets.length === 0) {
    body.push(
      note(translate(locale, 'overview.contactNone', { organisation: escapeCardText(organisation) })),
    );
  }
  for (const ticket of overview.tickets) body.push(...ticketBlocks(locale, ticket));
  if (overview.more) {
    body.push(note(translate(locale, 'overview.contactMore', { count: overview.tickets.length })));
  }
  return card(title, body);
}
