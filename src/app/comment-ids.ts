import { createHash } from 'node:crypto';

/**
 * The id of the comment written for an idempotency key (a chat event's "<channel>:<event id>"):
 * the same key always gives the same id, so a repeat finds the comment it wrote before. 128 bits
 * of a SHA-256, and prefixed, so it meets neither another key's id nor a generated one (a UUID).
 */
export const commentIdFor = (idempotencyKey: string): string =>
  `ck-${createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 22)}`;
