import { describe, expect, it } from 'vitest';
import { MongoReceivedRequests } from '../../../src/store/mongo/received-requests.ts';
import { useTestDatabase } from '../../support/database.ts';

const LATER = new Date(Date.UTC(2027, 0, 1));
const at = (minute: number) => new Date(Date.UTC(2026, 11, 2, 9, minute));
const request = (id: string, minute: number) => ({
  channel: 'slack',
  id,
  body: `{"n":"${id}"}`,
  receivedAt: at(minute),
});

describe('kept requests on the real database', () => {
  const database = useTestDatabase('received_requests');

  it('keeps requests written together once each, tells a second keep when the first was, and lets go', async () => {
    const kept = new MongoReceivedRequests(database());
    // Arriving together: one write; the same request twice in it is kept once.
    const outcomes = await Promise.all([
      kept.keep(request('a', 1)),
      kept.keep(request('b', 2)),
      kept.keep(request('a', 3)),
      kept.keep(request('c', 4)),
    ]);
    expect(outcomes.map((o) => o.first)).toEqual([true, true, false, true]);
    expect(outcomes[2]!.keptAt).toEqual(at(1));
    expect(await kept.keep(request('b', 9))).toEqual({ first: false, keptAt: at(2) });
    expect((await kept.unfinished('slack', LATER, 10)).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect((await kept.unfinished('slack', LATER, 10))[0]).toEqual(request('a', 1));

    // Only those kept before the instant asked for.
    expect((await kept.unfinished('slack', at(2), 10)).map((r) => r.id)).toEqual(['a']);
    await kept.done('slack', 'a');
    expect((await kept.unfinished('slack', LATER, 10)).map((r) => r.id)).toEqual(['b', 'c']);
    expect(await kept.unfinished('teams', LATER, 10)).toEqual([]);
    // Done, then sent again: a new request to work.
    expect(await kept.keep(request('a', 10))).toEqual({ first: true, keptAt: at(10) });
  });
});
