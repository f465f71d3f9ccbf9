import { Collection, type MongoClient } from 'mongodb';

/** What a killed process's database calls come to: nothing reaches the server any more. */
export class ProcessDied extends Error {
  override name = 'ProcessDied';
}

const WRITES = [
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'bulkWrite',
  'findOneAndReplace',
  'findOneAndUpdate',
  'findOneAndDelete',
] as const;
const READS = [
  'findOne',
  'find',
  'countDocuments',
  'estimatedDocumentCount',
  'aggregate',
  'distinct',
] as const;

interface Budget {
  left: number;
  made: number;
  /** The first call refused: where the process died. */
  diedAt?: { method: string; collection: string; id?: unknown };
}

/** Writes each watched client may still make; absent: not watched. */
const budgets = new Map<MongoClient, Budget>();
let installed = false;

/**
 * Puts a counter in front of every collection call of the driver (which mongoose and agenda both
 * use), so that a test can let one client — one "process" — make exactly N writes and then die:
 * the N+1-th write and every call after it fail without reaching the server, as for a process
 * killed between two writes. Other clients (the restarted process) are not touched.
 */
function install(): void {
  if (installed) return;
  installed = true;
  const prototype = Collection.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of [...WRITES, ...READS]) {
    const original = prototype[method]!;
    const isWrite = (WRITES as readonly string[]).includes(method);
    prototype[method] = function (this: Collection, ...args: unknown[]) {
      const budget = budgets.get((this as unknown as { client: MongoClient }).client);
      if (budget) {
        if (budget.left <= 0) {
          budget.diedAt ??= {
            method,
            collection: this.collectionName,
            id: (args[0] as { _id?: unknown } | undefined)?._id,
          };
          const died = new ProcessDied(`${method} after the process died`);
          // Cursor methods answer synchronously; their users await a promise later.
          if (method === 'find' || method === 'aggregate') throw died;
          return Promise.reject(died);
        }
        if (isWrite) {
          budget.left--;
          budget.made++;
        }
      }
      return original.apply(this, args);
    };
  }
}

/** Lets `client` make `writes` more writes, then die; `diedAt()` tells at which call it did. */
export function dieAfter(client: MongoClient, writes: number): { diedAt(): Budget['diedAt'] } {
  install();
  const budget: Budget = { left: writes, made: 0 };
  budgets.set(client, budget);
  return { diedAt: () => budget.diedAt };
}

/** Counts `client`'s writes without ever killing it; `made()` tells how many so far. */
export function countWrites(client: MongoClient): { made(): number } {
  install();
  const budget = { left: Number.POSITIVE_INFINITY, made: 0 };
  budgets.set(client, budget);
  return { made: () => budget.made };
}

export function forget(client: MongoClient): void {
  budgets.delete(client);
}
