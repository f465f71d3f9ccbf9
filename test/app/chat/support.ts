import type { DomainError } from '../../../src/domain/domain-error.ts';
import type { Connection } from 'mongoose';

/** How many documents each collection holds: to show that a refusal stored nothing anywhere. */
export async function storedCounts(connection: Connection): Promise<Record<string, number>> {
  const db = connection.db!;
  const counts: Record<string, number> = {};
  for (const { name } of await db.listCollections().toArray()) {
    counts[name] = await db.collection(name).countDocuments();
  }
  return counts;
}

export const slackUser = (externalId: string, email?: string) => ({
  identity: { channel: 'slack' as const, externalId, teamId: 'T0DESK' },
  ...(email === undefined ? {} : { email }),
});

/** The refusal a call ends in; a call that succeeds fails the test. */
export const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error as DomainError,
  );
