import { z } from 'zod';
import type { Locale } from '../../domain/locale.ts';
import { TEXT_LIMITS } from '../../domain/tickets/text-rules.ts';
import { translate } from '../../i18n/translate.ts';
import { CUSTOMER_CATEGORIES, IMPACTS, readTicketForm, type TicketForm } from '../ticket-form.ts';

/** The modal's callback id: its submission comes back under it. */
export const TICKET_MODAL = 'sladesk_ticket';

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
  const t = (key: string) => translate(input.locale, `ticketForm.${key}`);
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
        options: CUSTOMER_CATEGORIES.map((c) => option(translate(input.locale, `categories.${c}`), c)),
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

/** A field of Slack's `view.state.values`: a text input's value or a select's option. */
const field = z
  .object({
    value: z.object({
      value: z.string().nullish(),
      selected_option: z.object({ value: z.string() }).nullish(),
    }),
  })
  .optional();

const submission = z.object({
  title: field,
  description: field,
  category: field,
  impact: field,
  priority: field,
});

export interface TicketSubmission extends TicketForm {
  source?: ModalSource;
}

/**
 * A submitted modal as the desk's fields, or the errors to show beside its inputs (Slack's
 * `response_action: errors`, by block id) in the submitter's language: the rules every channel's
 * form is read by (ticket-form.ts).
 */
export function readSubmission(
  values: unknown,
  privateMetadata: string | undefined,
  locale: Locale,
): { ok: true; ticket: TicketSubmission } | { ok: false; errors: Record<string, string> } {
  const parsed = submission.safeParse(values);
  const flat = parsed.success
    ? Object.fromEntries(
        Object.entries(parsed.data).map(([name, input]) => [
          name,
          input?.value.value ?? input?.value.selected_option?.value ?? undefined,
        ]),
      )
    : undefined;
  const read = readTicketForm(flat, locale);
  if (!read.ok) return { ok: false, errors: read.errors as Record<string, string> };
  const source = readSource(privateMetadata);
  return { ok: true, ticket: { ...read.ticket, ...(source ? { source } : {}) } };
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
