import type { Locale } from '../../domain/locale.ts';
import { TEXT_LIMITS } from '../../domain/tickets/text-rules.ts';
import { translate } from '../../i18n/translate.ts';
import { CUSTOMER_CATEGORIES, IMPACTS, type TicketForm } from '../ticket-form.ts';
import { ADAPTIVE_CARD_CONTENT_TYPE, type TeamsAttachment } from './teams-card.ts';

/** The verb of the form's submit (Universal Actions): its invoke comes back under it. */
export const NEW_TICKET_VERB = 'sladesk_new_ticket';

/** A form id as the card carries it (a UUID): anything else in its place is not ours. */
const FORM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The id of the form a submit came from, when its data carries one of ours. */
export function formIdOf(data: unknown): string | undefined {
  const id = (data as { formId?: unknown } | null)?.formId;
  return typeof id === 'string' && FORM_ID.test(id) ? id : undefined;
}

export interface TicketFormCard {
  locale: Locale;
  /**
   * The form's own id, sent back with its submit: however often it is submitted (a double press,
   * a press again after a submit whose answer was lost), it opens one ticket.
   */
  formId?: string;
  /** What the customer already wrote, or chose, to start from. */
  prefill?: Partial<Record<keyof TicketForm, string>>;
  /** The contract's priorities, when the customer may ask for one. */
  priorities?: { key: string; label: string }[];
  /** The fields that were wrong in the last try, with what is wrong, shown beside them. */
  errors?: Partial<Record<keyof TicketForm, string>>;
}

const choice = (title: string, value: string) => ({ title, value });

/**
 * The new-ticket form as an Adaptive Card: what is wrong, details, kind and who is affected, and a
 * requested priority where the contract lets the customer ask; submitted with Action.Execute, so
 * the card can be answered in place (the confirmation, or the form again with its errors).
 */
export function ticketFormCard(input: TicketFormCard): TeamsAttachment {
  const t = (key: string) => translate(input.locale, `ticketForm.${key}`);
  const error = (field: keyof TicketForm) =>
    input.errors?.[field]
      ? [{ type: 'TextBlock', text: input.errors[field], color: 'attention', wrap: true, spacing: 'None' }]
      : [];
  const body: object[] = [
    { type: 'TextBlock', text: t('heading'), weight: 'bolder', size: 'medium', wrap: true },
    { type: 'TextBlock', text: t('intro'), wrap: true, isSubtle: true },
    {
      type: 'Input.Text',
      id: 'title',
      label: t('title'),
      isRequired: true,
      maxLength: TEXT_LIMITS.title,
      ...(input.prefill?.title ? { value: input.prefill.title.slice(0, TEXT_LIMITS.title) } : {}),
    },
    ...error('title'),
    {
      type: 'Input.Text',
      id: 'description',
      label: t('description'),
      isMultiline: true,
      maxLength: TEXT_LIMITS.description,
      ...(input.prefill?.description ? { value: input.prefill.description } : {}),
    },
    ...error('description'),
    {
      type: 'Input.ChoiceSet',
      id: 'category',
      label: t('category'),
      isRequired: true,
      value: input.prefill?.category ?? 'incident',
      choices: CUSTOMER_CATEGORIES.map((c) => choice(translate(input.locale, `categories.${c}`), c)),
    },
    ...error('category'),
    {
      type: 'Input.ChoiceSet',
      id: 'impact',
      label: t('impact'),
      isRequired: true,
      ...(input.prefill?.impact ? { value: input.prefill.impact } : {}),
      choices: IMPACTS.map((i) => choice(t(`impacts.${i}`), i)),
    },
    ...error('impact'),
  ];
  if (input.priorities && input.priorities.length > 0) {
    body.push(
      {
        type: 'Input.ChoiceSet',
        id: 'priority',
        label: t('priority'),
        ...(input.prefill?.priority ? { value: input.prefill.priority } : {}),
        choices: input.priorities.map((p) => choice(p.label, p.key)),
      },
      { type: 'TextBlock', text: t('priorityHint'), wrap: true, isSubtle: true, spacing: 'None' },
    );
  }
  return {
    contentType: ADAPTIVE_CARD_CONTENT_TYPE,
    content: {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      fallbackText: t('heading'),
      body,
      actions: [
        {
          type: 'Action.Execute',
          verb: NEW_TICKET_VERB,
          title: t('submit'),
          style: 'positive',
          ...(input.formId ? { data: { formId: input.formId } } : {}),
        },
      ],
    },
  };
}
