import { z } from 'zod';
import type { Locale } from '../domain/locale.ts';
import { TEXT_LIMITS } from '../domain/tickets/text-rules.ts';
import { CATEGORIES, type Category } from '../domain/tickets/ticket.ts';
import { translate } from '../i18n/translate.ts';

/** How much of the customer's work stops: their own words for impact (SPEC 001 "Servicenivå"). */
export const IMPACTS = ['one', 'several', 'all'] as const;
export type Impact = (typeof IMPACTS)[number];

/** The categories a customer chooses from (a problem is the desk's to name). */
export const CUSTOMER_CATEGORIES: readonly Category[] = CATEGORIES.filter((c) => c !== 'problem');

/** A new ticket as a customer filled it in, on any channel's form. */
export interface TicketForm {
  title: string;
  description: string;
  category: Category;
  impact: Impact;
  priority?: string;
}

/** The first line of what someone wrote, short enough for a ticket's title. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]!.trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** The form's fields as a chat platform hands them back: strings, or nothing; never trusted. */
const fields = z.object({
  title: z.string().nullish(),
  description: z.string().nullish(),
  category: z.string().nullish(),
  impact: z.string().nullish(),
  priority: z.string().max(20).nullish(),
});

/**
 * The form's values checked, or, by field, what is wrong in the writer's language: the same rules
 * wherever the form was filled in (a Slack modal, a Teams card).
 */
export function readTicketForm(
  values: unknown,
  locale: Locale,
): { ok: true; ticket: TicketForm } | { ok: false; errors: Partial<Record<keyof TicketForm, string>> } {
  const say = (key: string, params = {}) => translate(locale, `ticketForm.errors.${key}`, params);
  const parsed = fields.safeParse(values);
  if (!parsed.success) return { ok: false, errors: { title: say('malformed') } };
  const form = parsed.data;
  const title = form.title?.trim() ?? '';
  const errors: Partial<Record<keyof TicketForm, string>> = {};
  if (!title) errors.title = say('titleEmpty');
  else if (title.length > TEXT_LIMITS.title) errors.title = say('tooLong', { max: TEXT_LIMITS.title });
  const description = form.description?.trim() ?? '';
  if (description.length > TEXT_LIMITS.description) {
    errors.description = say('tooLong', { max: TEXT_LIMITS.description });
  }
  const category = CUSTOMER_CATEGORIES.find((c) => c === form.category);
  if (!category) errors.category = say('choose');
  const impact = IMPACTS.find((i) => i === form.impact);
  if (!impact) errors.impact = say('choose');
  if (Object.keys(errors).length > 0 || !category || !impact) return { ok: false, errors };
  const priority = form.priority?.trim();
  return { ok: true, ticket: { title, description, category, impact, ...(priority ? { priority } : {}) } };
}

/** The impact as a line of the description, in the writer's language. */
export function impactLine(locale: Locale, impact: Impact): string {
  return translate(locale, 'ticketForm.impactLine', {
    impact: translate(locale, `ticketForm.impacts.${impact}`),
  });
}
