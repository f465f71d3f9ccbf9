import type { Connection } from 'mongoose';

/**
 * Database commands by "command collection" (`insert outbox`), counted by the driver of a
 * connection opened with `monitorCommands`, while a stretch of work runs.
 */
export interface CommandProfile {
  commands: Map<string, { n: number; ms: number }>;
  total: number;
  ms: number;
}

export const newProfile = (): CommandProfile => ({ commands: new Map(), total: 0, ms: 0 });

export function monitorCommands(connection: Connection): {
  /** Runs `work` and counts its commands, into `taken` when given (to add up several stretches). */
  during<T>(work: () => Promise<T>, taken?: CommandProfile): Promise<[T, CommandProfile]>;
} {
  let current: CommandProfile | undefined;
  const pending = new Map<number, string>();
  const client = connection.getClient();
  client.on('commandStarted', (event) => {
    if (!current) return;
    const collection = (event.command as Record<string, unknown>)[event.commandName];
    const what = typeof collection === 'string' ? `${event.commandName} ${collection}` : event.commandName;
    current.total++;
    const seen = current.commands.get(what) ?? { n: 0, ms: 0 };
    current.commands.set(what, { ...seen, n: seen.n + 1 });
    pending.set(event.requestId, what);
  });
  const finished = (event: { requestId: number; duration: number }) => {
    const what = pending.get(event.requestId);
    pending.delete(event.requestId);
    if (!current || what === undefined) return;
    current.ms += event.duration;
    const seen = current.commands.get(what) ?? { n: 0, ms: 0 };
    current.commands.set(what, { ...seen, ms: seen.ms + event.duration });
  };
  client.on('commandSucceeded', finished);
  client.on('commandFailed', finished);
  return {
    async during(work, taken = newProfile()) {
      current = taken;
      try {
        return [await work(), taken];
      } finally {
        current = undefined;
      }
    },
  };
}
