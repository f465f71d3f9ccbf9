import { DomainError } from '../domain-error.ts';

/** How long a ticket's texts may be, at every edge alike (the HTTP API, the chat channels). */
export const TEXT_LIMITS = { title: 200, description: 10_000, comment: 10_000 } as const;
export type TextField = keyof typeof TEXT_LIMITS;

/**
 * `text` without surrounding white space, if it fits the field: a title and a comment must say
 * something, a description may be empty. `textEmpty` or `textTooLong` otherwise.
 */
export function requireText(field: TextField, text: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0 && field !== 'description') throw new DomainError('textEmpty', { field });
  const max = TEXT_LIMITS[field];
  if (trimmed.length > max) throw new DomainError('textTooLong', { field, max, length: trimmed.length });
  return trimmed;
}
