import type { OverviewTicket } from '../app/chat/desk-overview.ts';
import type { Locale } from '../domain/locale.ts';
import { translate } from '../i18n/translate.ts';
import type { Wording } from './plain-text.ts';

/** A channel's way with words for an overview: its escapes and instants, and how it makes one bold. */
export interface OverviewWording extends Wording {
  strong(text: string): string;
}

/**
 * What an overview says of one open ticket after its id and title, the same on every channel:
 * its status, its priority and its running SLA deadlines, each marked when breached.
 */
export function overviewFacts(locale: Locale, ticket: OverviewTicket, wording: OverviewWording): string[] {
  const breached = ` ${wording.strong(translate(locale, 'overview.breached'))}`;
  const due = (key: string, at: Date, late: boolean) =>
    translate(locale, key, { at: wording.instant(at, ticket.timeZone) }) + (late ? breached : '');
  return [
    translate(locale, `statuses.${ticket.status}`),
    wording.text(ticket.priority),
    due('overview.responseDue', ticket.responseDue, ticket.responseBreached),
    ...(ticket.resolutionDue
      ? [due('overview.resolutionDue', ticket.resolutionDue, ticket.resolutionBreached)]
      : []),
  ];
}
