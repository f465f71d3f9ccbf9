import type { JobRepository } from 'agenda';
import { describe, expect, it } from 'vitest';
import { oneLookAtATime } from '../../src/jobs/shared-connection-backend.ts';

/** Agenda's repository interface, answering each look for due jobs when the test says so. */
function heldRepository() {
  const looks: Array<{ name: string; answer: (job: unknown) => void }> = [];
  const repository = {
    getNextJobToRun: (name: string) => new Promise((answer) => looks.push({ name, answer })),
    getQueueSize: async () => 7,
  } as unknown as JobRepository;
  return { repository, looks };
}

describe('a poll for due jobs never overlaps another of the same name', () => {
  it('answers "nothing" to a second look while the first is under way, and lets the next one through', async () => {
    const { repository, looks } = heldRepository();
    const guarded = oneLookAtATime(repository);
    const lockDeadline = new Date(0);
    const first = guarded.getNextJobToRun('sla-step', new Date(), lockDeadline, undefined, {});
    expect(
      await guarded.getNextJobToRun('sla-step', new Date(), lockDeadline, undefined, {}),
    ).toBeUndefined();
    // Another job name has its own look.
    const other = guarded.getNextJobToRun('other', new Date(), lockDeadline, undefined, {});
    expect(looks.map((look) => look.name)).toEqual(['sla-step', 'other']);
    looks[0]!.answer({ _id: 'job-1' });
    looks[1]!.answer(undefined);
    expect(await first).toEqual({ _id: 'job-1' });
    expect(await other).toBeUndefined();
    // Done: the next round looks again.
    const next = guarded.getNextJobToRun('sla-step', new Date(), lockDeadline, undefined, {});
    expect(looks).toHaveLength(3);
    looks[2]!.answer(undefined);
    await next;
  });

  it('lets the next look through after one failed, and passes every other call on as it is', async () => {
    const { repository, looks } = heldRepository();
    const failing = {
      ...repository,
      getNextJobToRun: () => Promise.reject(new Error('database away')),
    } as unknown as JobRepository;
    const guarded = oneLookAtATime(failing);
    await expect(guarded.getNextJobToRun('sla-step', new Date(), new Date(0), undefined, {})).rejects.toThrow(
      'database away',
    );
    await expect(guarded.getNextJobToRun('sla-step', new Date(), new Date(0), undefined, {})).rejects.toThrow(
      'database away',
    );
    expect(await oneLookAtATime(repository).getQueueSize()).toBe(7);
    expect(looks).toEqual([]);
  });
});
