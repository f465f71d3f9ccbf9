import { describe, expect, it } from 'vitest';
import { superviseRestarts, type Supervised } from '../../src/store/restart-supervisor.ts';

/** A process the test ends by hand. */
class FakeProcess implements Supervised {
  stopped = false;
  private settle: (how: string) => void = () => {};
  readonly ended = new Promise<string>((resolve) => (this.settle = resolve));
  constructor(readonly name: string) {}
  die(how = 'was killed by SIGKILL'): void {
    this.settle(how);
  }
  async stop(): Promise<void> {
    this.stopped = true;
    this.settle('stopped');
  }
}

/** Back-off waits the test releases one at a time; nothing sleeps. */
class ManualWaits {
  readonly asked: number[] = [];
  private pending: (() => void)[] = [];
  private arrived: (() => void)[] = [];
  wait = (ms: number, signal: AbortSignal): Promise<void> => {
    this.asked.push(ms);
    for (const wake of this.arrived.splice(0)) wake();
    return new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      this.pending.push(resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  };
  /** Resolves once the supervisor has asked for `count` waits in all. */
  async asks(count: number): Promise<void> {
    while (this.asked.length < count) await new Promise<void>((resolve) => this.arrived.push(resolve));
  }
  release(): void {
    this.pending.shift()?.();
  }
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

function setUp(restarts: (attempt: number) => Promise<FakeProcess>, policy = {}) {
  const first = new FakeProcess('first');
  const waits = new ManualWaits();
  let now = 0;
  let attempt = 0;
  const started: FakeProcess[] = [];
  const events: string[] = [];
  const supervisor = superviseRestarts({
    first,
    restart: async () => {
      const next = await restarts(++attempt);
      started.push(next);
      return next;
    },
    wait: waits.wait,
    now: () => now,
    policy: { attempts: 3, firstDelayMs: 100, maxDelayMs: 250, steadyMs: 1_000, ...policy },
    events: {
      died: (reason) => events.push(`died: ${reason}`),
      restarting: (n, ms) => events.push(`restarting ${n} in ${ms}`),
      attemptFailed: (n, reason) => events.push(`attempt ${n} failed: ${reason}`),
      restarted: (n) => events.push(`restarted ${n}`),
    },
  });
  return { first, waits, supervisor, started, events, advance: (ms: number) => (now += ms) };
}

describe('superviseRestarts', () => {
  it('restarts a process that died, after the first back-off, and serves the new one', async () => {
    const { first, waits, supervisor, started, events } = setUp(async (n) => new FakeProcess(`restart ${n}`));
    expect(supervisor.state).toBe('up');
    first.die();
    await waits.asks(1);
    expect(supervisor.state).toBe('restarting');
    expect(supervisor.current).toBeUndefined();
    expect(started).toHaveLength(0);
    waits.release();
    await settled();
    expect(supervisor.state).toBe('up');
    expect(supervisor.current).toBe(started[0]);
    expect(events).toEqual(['died: was killed by SIGKILL', 'restarting 1 in 100', 'restarted 1']);
    await supervisor.stop();
    expect(started[0]!.stopped).toBe(true);
    expect(supervisor.state).toBe('stopped');
  });

  it('backs off exponentially up to the cap, then gives up after the bounded attempts', async () => {
    const { first, waits, supervisor, events } = setUp(async (n) => {
      throw new Error(`port taken (${n})`);
    });
    first.die('exited with code 2');
    for (let n = 1; n <= 3; n++) {
      await waits.asks(n);
      waits.release();
    }
    const outcome = await supervisor.gaveUp;
    expect(outcome).toEqual({ attempts: 3, reason: 'port taken (3)' });
    expect(supervisor.state).toBe('failed');
    expect(waits.asked).toEqual([100, 200, 250]);
    expect(events.at(-1)).toBe('attempt 3 failed: port taken (3)');
    await supervisor.stop();
    expect(supervisor.state).toBe('failed');
  });

  it('counts a crash soon after a restart against the same budget, so a crash loop ends', async () => {
    const { first, waits, supervisor, started } = setUp(async (n) => new FakeProcess(`restart ${n}`));
    first.die();
    for (let n = 1; n <= 3; n++) {
      await waits.asks(n);
      waits.release();
      await settled();
      expect(supervisor.state).toBe('up');
      started.at(-1)!.die(`crashed ${n}`);
    }
    expect(await supervisor.gaveUp).toEqual({ attempts: 3, reason: 'crashed 3' });
    expect(waits.asked).toEqual([100, 200, 250]);
  });

  it('gives the whole budget back after a steady run', async () => {
    const { first, waits, supervisor, started, advance } = setUp(
      async (n) => new FakeProcess(`restart ${n}`),
    );
    first.die();
    await waits.asks(1);
    waits.release();
    await settled();
    started[0]!.die();
    await waits.asks(2);
    expect(waits.asked).toEqual([100, 200]);
    waits.release();
    await settled();
    advance(1_000);
    started[1]!.die();
    await waits.asks(3);
    expect(waits.asked).toEqual([100, 200, 100]);
    await supervisor.stop();
  });

  it('stops during a back-off without starting anything', async () => {
    const { first, waits, supervisor, started } = setUp(async (n) => new FakeProcess(`restart ${n}`));
    first.die();
    await waits.asks(1);
    await supervisor.stop();
    expect(supervisor.state).toBe('stopped');
    expect(started).toHaveLength(0);
  });

  it('stops the process it watches, and does not take that for a death', async () => {
    const { first, waits, supervisor, events } = setUp(async (n) => new FakeProcess(`restart ${n}`));
    await supervisor.stop();
    await settled();
    expect(first.stopped).toBe(true);
    expect(waits.asked).toEqual([]);
    expect(events).toEqual([]);
    await supervisor.stop();
  });
});
