import { formatInTimeZone } from 'date-fns-tz';
import { escapeHtml } from './web-html.ts';

/** An instant as the organisation reads it: its own wall clock, with the zone's offset. */
export const localTime = (at: Date, timeZone: string): string =>
  formatInTimeZone(at, timeZone, 'yyyy-MM-dd HH:mm');

/** An instant for a page: readable in the organisation's zone, exact for machines. */
export const timeHtml = (at: Date, timeZone: string): string =>
  `<time datetime="${at.toISOString()}">${escapeHtml(localTime(at, timeZone))}</time>`;
