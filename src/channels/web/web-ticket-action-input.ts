import { z } from 'zod';
import type { TicketAction } from '../../app/perform-action.ts';
import { CHECKBOX, FORM_FIELDS, readInput, SUBMISSION } from './web-input.ts';

/** What every action form carries: its own id, and the step of the ticket its button was drawn for. */
const common = { submission: SUBMISSION, madeFor: z.string().max(100).optional(), ...FORM_FIELDS };
const text = (max: number) => z.string().trim().min(1).max(max);
const minutes = (max: number) => z.coerce.number().int().min(1).max(max);

const none = z.object(common);

/**
 * Each action path (`/web/tickets/<id>/<slug>`): the fields its form sends, and the action they
 * stand for. `person` and `submission` make a comment's idempotency key: the same form sent twice
 * is one comment, and one person's submission id never stands in for another's.
 */
const ACTIONS = {
  claim: { schema: none, action: (): TicketAction => ({ name: 'claim' }) },
  start: { schema: none, action: (): TicketAction => ({ name: 'start' }) },
  wait: { schema: none, action: (): TicketAction => ({ name: 'wait' }) },
  resume: { schema: none, action: (): TicketAction => ({ name: 'resume' }) },
  resolve: { schema: none, action: (): TicketAction => ({ name: 'resolve' }) },
  accept: { schema: none, action: (): TicketAction => ({ name: 'accept' }) },
  acknowledge: { schema: none, action: (): TicketAction => ({ name: 'acknowledge' }) },
  'approve-estimate': { schema: none, action: (): TicketAction => ({ name: 'approveEstimate' }) },
  assign: {
    schema: z.object({ ...common, assignee: text(128) }),
    action: (input: { assignee: string }): TicketAction => ({ name: 'assign', assigneeId: input.assignee }),
  },
  priority: {
    schema: z.object({ ...common, priority: text(32) }),
    action: (input: { priority: string }): TicketAction => ({ name: 'priority', priority: input.priority }),
  },
  reopen: {
    schema: z.object({
      ...common,
      reason: z.preprocess((v) => (v === '' ? undefined : v), text(2000).optional()),
    }),
    action: (input: { reason?: string | undefined }): TicketAction => ({
      name: 'reopen',
      ...(input.reason ? { reason: input.reason } : {}),
    }),
  },
  comment: {
    schema: z.object({
      ...common,
      body: text(10_000),
      visibility: z.enum(['public', 'internal']).default('public'),
    }),
    action: (
      input: { body: string; visibility: 'public' | 'internal'; submission: string },
      person: string,
    ): TicketAction => ({
      name: 'comment',
      body: input.body,
      visibility: input.visibility,
      idempotencyKey: `web:${person}:${input.submission}`,
    }),
  },
  effort: {
    schema: z.object({
      ...common,
      minutes: minutes(24 * 60),
      note: z.preprocess((v) => (v === '' ? undefined : v), text(2000).optional()),
      billable: CHECKBOX,
    }),
    action: (input: { minutes: number; note?: string | undefined; billable: boolean }): TicketAction => ({
      name: 'effort',
      minutes: input.minutes,
      ...(input.note ? { note: input.note } : {}),
      billable: input.billable,
    }),
  },
  billable: {
    schema: z.object({ ...common, estimateMinutes: minutes(1_000_000), reason: text(2000) }),
    action: (input: { estimateMinutes: number; reason: string }): TicketAction => ({
      name: 'billable',
      estimateMinutes: input.estimateMinutes,
      reason: input.reason,
    }),
  },
} as const;

export type ActionSlug = keyof typeof ACTIONS;

export const isActionSlug = (slug: string): slug is ActionSlug => Object.hasOwn(ACTIONS, slug);

/** The action a form (or the script) asked for, read from its body, or a 400 naming the field. */
export function readAction(
  slug: ActionSlug,
  body: unknown,
  personId: string,
): { action: TicketAction; madeFor?: string } {
  const spec = ACTIONS[slug] as {
    schema: z.ZodType<{ madeFor?: string | undefined }>;
    action: (input: unknown, person: string) => TicketAction;
  };
  const input = readInput(spec.schema, body);
  return { action: spec.action(input, personId), ...(input.madeFor ? { madeFor: input.madeFor } : {}) };
}
