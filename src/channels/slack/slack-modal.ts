import { z } from 'zod';
import type { Locale } from '../../domain/locale.ts';
import { TEXT_LIMITS } from '../../domain/tickets/text-rules.ts';
import { CATEGORIES, type Category } from '../../domain/tickets/ticket.ts';
import { translate } from '../../i18n/translate.ts';

/** The modal's callback id: its submission comes back under it. */
export const TICKET_MODAL = 'sladesk_ticket';

/** How much of the customer's work stops: their own words for impact (SPEC 001 "Servicenivå"). */
export const IMPACTS = ['one', 'several', 'all'] as const;
export type Impact = (typeof IMPACTS)[number];

/** A message the modal was opened from (the "Create ticket" shortcut): kept with the ticket. */
export interface ModalSource {
  channel: string;
  ts: string;
  /** Set when the message is a reply in a thread: the thread's root. */
  threadTs?: string;
}

export interface TicketModalInput {
  locale: Locale;
  title?: string;
  description?: string;
  /** The contract's priorities, when the customer may ask for one. */
  priorities?: { key: string; label: string }[];
  source?: ModalSource;
}

const text = (type: 'plain_text', value: string) => ({ type, text: value, emoji: true });

const option = (label: string, value: string) => ({ text: text('plain_text', label), value });

/** The new-ticket modal: title, description, category and impact; a priority where one may be asked. */
export function ticketModal(input: TicketModalInput): object {
  const t = (key: string) => translate(input.locale, `slack.modal.${key}`);
  const blocks: object[] = [
    {
      type: 'input',
      block_id: 'title',
      label: text('plain_text', t('title')),
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        max_length: TEXT_LIMITS.title,
        ...(input.title ? { initial_value: input.title.slice(0, TEXT_LIMITS.title) } : {}),
      },
    },
    {
      type: 'input',
      block_id: 'description',
      optional: true,
      label: text('plain_text', t('description')),
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        multiline: true,
        // Slack's own limit for a plain-text input.
        max_length: 3000,
        ...(input.description ? { initial_value: input.description.slice(0, 3000) } : {}),
      },
    },
    {
      type: 'input',
      block_id: 'category',
      label: text('plain_text', t('category')),
      element: {
        type: 'static_select',
        action_id: 'value',
        initial_option: option(translate(input.locale, 'categories.incident'), 'incident'),
        options: CATEGORIES.filter((c) => c !== 'problem').map((c) =>
          option(translate(input.locale, `categories.${c}`), c),
        ),
      },
    },
    {
      type: 'input',
      block_id: 'impact',
      label: text('plain_text', t('impact')),
      element: {
        type: 'static_select',
        action_id: 'value',
        options: IMPACTS.map((impact) => option(t(`impacts.${impact}`), impact)),
      },
    },
  ];
  if (input.priorities && input.priorities.length > 0) {
    blocks.push({
      type: 'input',
      block_id: 'priority',
      optional: true,
      label: text('plain_text', t('priority')),
      hint: text('plain_text', t('priorityHint')),
      element: {
        type: 'static_select',
        action_id: 'value',
        options: input.priorities.map((p) => option(p.label, p.key)),
      },
    });
  }
  return {
    type: 'modal',
    callback_id: TICKET_MODAL,
    title: text('plain_text', t('heading')),
    submit: text('plain_text', t('submit')),
    close: text('plain_text', t('cancel')),
    private_metadata: JSON.stringify(input.source ? { source: input.source } : {}),
    blocks,
  };
}

/** What a submitted modal says, as Slack sends `view.state.values`: checked, never trusted. */
const submission = z.object({
  title: z.object({ value: z.object({ value: z.string().nullish() }) }),
  description: z.object({ value: z.object({ value: z.string().nullish() }) }).optional(),
  category: z.object({
    value: z.object({ selected_option: z.object({ value: z.enum(CATEGORIES) }).nullish() }),
  }),
  impact: z.object({ value: z.object({ selected_option: z.object({ value: z.enum(IMPACTS) }).nullish() }) }),
  priority: z
    .object({ value: z.object({ selected_option: z.object({ value: z.string().max(20) }).nullish() }) })
    .optional(),
});

export interface TicketSubmission {
  title: string;
  description: string;
  category: Category;
  impact: Impact;
  priority?: string;
  source?: ModalSource;
}

/**
 * A submitted modal as the desk's fields, or the errors to show beside its inputs (Slack's
 * `response_action: errors`, by block id) in the submitter's language.
 */
export function readSubmission(
  values: unknown,
  privateMetadata: string | undefined,
  locale: Locale,
): { ok: true; ticket: TicketSubmission } | { ok: false; errors: Record<string, string> } {
  const parsed = submission.safeParse(values);
  const say = (key: string, params = {}) => translate(locale, `slack.modal.errors.${key}`, params);
  if (!parsed.success) return { ok: false, errors: { title: say('malformed') } };
  const form = parsed.data;
  const title = form.title.value.value?.trim() ?? '';
  const errors: Record<string, string> = {};
  if (!title) errors.title = say('titleEmpty');
  if (title.length > TEXT_LIMITS.title) errors.title = say('tooLong', { max: TEXT_LIMITS.title });
  const category = form.category.value.selected_option?.value;
  if (!category) errors.category = say('choose');
  const impact = form.impact.value.selected_option?.value;
  if (!impact) errors.impact = say('choose');
  if (Object.keys(errors).length > 0 || !category || !impact) return { ok: false, errors };
  const priority = form.priority?.value.selected_option?.value;
  const source = readSource(privateMetadata);
  return {
    ok: true,
    ticket: {
      title,
      description: form.description?.value.value?.trim() ?? '',
      category,
      impact,
      ...(priority ? { priority } : {}),
      ...(source ? { source } : {}),
    },
  };
}

const metadata = z.object({
  source: z
    .object({
      channel: z.string().regex(/^[A-Z0-9]+$/),
      ts: z.string().regex(/^\d+\.\d+$/),
      threadTs: z
        .string()
        .regex(/^\d+\.\d+$/)
        .optional(),
    })
    .optional(),
});

function readSource(privateMetadata: string | undefined): ModalSource | undefined {
  try {
    return metadata.parse(JSON.parse(privateMetadata || '{}')).source;
  } catch {
    return undefined;
  }
}
