import { z } from 'zod';
import { HttpError } from '../../http/http-error.ts';

/**
 * A form's own id, made when the page was drawn: sending the same form twice (a double click, a
 * retry after a lost answer) is one event.
 */
export const SUBMISSION = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/** A checkbox as a form sends it ("on") or the script (true). */
export const CHECKBOX = z
  .union([z.literal('on'), z.literal('true'), z.boolean()])
  .optional()
  .transform((value) => value === true || value === 'on' || value === 'true');

/** The fields every state-changing form may carry beside its own. */
export const FORM_FIELDS = { csrf: z.string().optional(), back: z.string().max(500).optional() };

/** The body read by `schema`, or a 400 naming the first field that was wrong. */
export function readInput<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.path.join('.') || '-';
  throw new HttpError(400, 'invalidField', 'web.errors.invalidField', { field });
}
