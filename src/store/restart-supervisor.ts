/** A process the supervisor watches: it settles `ended` (with how) when it stops on its own. */
export interface Supervised {
  readonly ended: Promise<string>;
  stop(): Promise<void>;
}

export interface RestartPolicy {
  /** Restarts in a row that may fail (or die again before `steadyMs`) before the supervisor gives up. */
  attempts: number;
  /** Wait before the first restart; each further one waits twice as long, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A process that ran this long before it died earns the whole budget of attempts back. */
  steadyMs: number;
}

/** Five restarts over about eight seconds: long enough for a crash, short enough to hand on to a supervisor. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  attempts: 5,
  firstDelayMs: 250,
  maxDelayMs: 4_000,
  steadyMs: 60_000,
};

export interface GaveUp {
  attempts: number;
  /** How the last attempt failed (or how the process last ended). */
  reason: string;
}

export interface SupervisorEvents<P extends Supervised> {
  died(reason: string): void;
  restarting(attempt: number, delayMs: number): void;
  restarted(attempt: number, process: P): void;
  attemptFailed(attempt: number, reason: string): void;
}

export interface SuperviseOptions<P extends Supervised> {
  /** The process as first started. */
  first: P;
  /** Starts it again (same port, same data); resolves once it serves, rejects when it cannot. */
  restart(): Promise<P>;
  /** The back-off wait; it should settle early when `signal` aborts. Tests pass one that does not sleep. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
  /** Milliseconds; only differences matter. */
  now(): number;
  policy?: Partial<RestartPolicy>;
  events?: Partial<SupervisorEvents<P>>;
}

export type SupervisorState = 'up' | 'restarting' | 'failed' | 'stopped';

export interface Supervisor<P extends Supervised> {
  readonly state: SupervisorState;
  /** The process serving now; undefined while restarting or once stopped or failed. */
  readonly current: P | undefined;
  /** Settles when the restarts are used up and the process stays down; never rejects. */
  readonly gaveUp: Promise<GaveUp>;
  /** Stops watching and stops the process; safe to call more than once. */
  stop(): Promise<void>;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Restarts a process each time it dies, with exponential back-off, until `attempts` restarts in a
 * row have failed; then it reports `gaveUp` and leaves the decision (exit) to its owner.
 */
export function superviseRestarts<P extends Supervised>(options: SuperviseOptions<P>): Supervisor<P> {
  const policy = { ...DEFAULT_RESTART_POLICY, ...options.policy };
  const events = options.events ?? {};
  const stopping = new AbortController();
  const stopped = new Promise<void>((resolve) =>
    stopping.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  let state: SupervisorState = 'up';
  let current: P | undefined = options.first;
  let settleGaveUp: (outcome: GaveUp) => void = () => {};
  const gaveUp = new Promise<GaveUp>((resolve) => (settleGaveUp = resolve));

  const watch = async (): Promise<void> => {
    let failures = 0;
    let upSince = options.now();
    for (;;) {
      const running: P = current!;
      const ended = await Promise.race([running.ended, stopped.then(() => undefined)]);
      // Stopped by its owner, not dead: nothing to restart.
      if (ended === undefined || stopping.signal.aborted) return;
      current = undefined;
      state = 'restarting';
      events.died?.(ended);
      // A crash soon after a restart counts against the same budget; a long steady run earns it back.
      if (options.now() - upSince >= policy.steadyMs) failures = 0;
      let reason = ended;
      for (;;) {
        if (failures >= policy.attempts) {
          state = 'failed';
          settleGaveUp({ attempts: failures, reason });
          return;
        }
        failures++;
        const delayMs = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (failures - 1));
        events.restarting?.(failures, delayMs);
        await options.wait(delayMs, stopping.signal);
        if (stopping.signal.aborted) return;
        try {
          const restarted = await options.restart();
          if (stopping.signal.aborted) {
            await restarted.stop();
            return;
          }
          current = restarted;
          upSince = options.now();
          state = 'up';
          events.restarted?.(failures, restarted);
          break;
        } catch (error) {
          reason = describe(error);
          events.attemptFailed?.(failures, reason);
        }
      }
    }
  };
  // A listener that throws must not leave the process unwatched without anyone hearing of it.
  const watching = watch().catch((error: unknown) => {
    state = 'failed';
    settleGaveUp({ attempts: 0, reason: describe(error) });
  });

  let stopCall: Promise<void> | undefined;
  return {
    get state() {
      return state;
    },
    get current() {
      return current;
    },
    gaveUp,
    stop: () =>
      (stopCall ??= (async () => {
        const serving = current;
        if (state !== 'failed') state = 'stopped';
        current = undefined;
        stopping.abort();
        await serving?.stop();
        await watching;
      })()),
  };
}
