import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { IdGenerator } from '../../app/ports.ts';
import { ClaimedSequence, claimsIn, counterModel } from './claimed-sequence.ts';
import { modelOn, SCHEMA_OPTIONS } from './plain.ts';

export { counterModel } from './claimed-sequence.ts';

export const DEFAULT_TICKET_PREFIX = 'SD';

/** `ticket_ids`: every ticket id ever handed out, `_id` "SD-1042". Never deleted: ids are never reused. */
interface TicketIdDocument {
  _id: string;
  issuedAt: Date;
}

const ticketIdSchema = new Schema<TicketIdDocument>(
  { _id: { type: String, required: true }, issuedAt: { type: Date, required: true } },
  { ...SCHEMA_OPTIONS, collection: 'ticket_ids' },
);

export function ticketIdModel(connection: Connection): Model<TicketIdDocument> {
  return modelOn(connection, 'TicketId', ticketIdSchema, 'ticket_ids');
}

export function checkTicketPrefix(prefix: string): void {
  if (!/^[A-Za-z][A-Za-z0-9]{0,15}$/.test(prefix)) {
    throw new Error(`ticket prefix must be 1-16 letters and digits starting with a letter, not "${prefix}"`);
  }
}

/** The id of ticket number `number` of this prefix: "SD-1042". */
export const ticketIdOf = (prefix: string, number: number): string => `${prefix}-${number}`;

/**
 * The sequence of ticket numbers of one prefix: counter `ticket:<prefix>` in `counters`, every
 * number claimed in `ticket_ids` as "<prefix>-<n>" (see `ClaimedSequence`).
 */
export function ticketNumbers(connection: Connection, prefix: string): ClaimedSequence<{ issuedAt: Date }> {
  checkTicketPrefix(prefix);
  return new ClaimedSequence(
    counterModel(connection),
    `ticket:${prefix}`,
    claimsIn(ticketIdModel(connection), (number) => ticketIdOf(prefix, number)),
  );
}

/** Human ticket ids ("SD-1042") from a claimed sequence, plus opaque ids for everything else. */
export class MongoTicketIds implements IdGenerator {
  private readonly numbers: ClaimedSequence<{ issuedAt: Date }>;

  constructor(
    connection: Connection,
    private readonly prefix: string = DEFAULT_TICKET_PREFIX,
  ) {
    this.numbers = ticketNumbers(connection, prefix);
  }

  async nextTicketId(): Promise<string> {
    return ticketIdOf(this.prefix, await this.numbers.next({ issuedAt: new Date() }));
  }

  newId(): string {
    return randomUUID();
  }
}
