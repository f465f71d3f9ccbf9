/**
 * What both chat benches look for in the desk's database afterwards: the tickets their form
 * submissions opened (each once) and the claims their presses made (each once, by the presser).
 */
import type { Collection, Db } from 'mongodb';
import { createOrganisation } from '../src/app/directory.ts';
import type { DeskDeps } from '../src/app/desk-deps.ts';
import { withRetries, type ChatRequest } from './chat-load.ts';

export const CONTRACT = 'stratiteq';
/** The stratiteq contract's limit is 10. */
const CONTACTS_PER_ORGANISATION = 10;
export const DESCRIPTION =
  'Since this morning the nightly export of invoices to the ERP stops halfway with a timeout. ' +
  'Finance needs them for the month-end close on Friday.';

/**
 * Customers enough for `users` contacts, as a contract allows so many each, named for the
 * platform ("Bench Slack 1 AB"); contact i belongs to `organisationOf(i)`.
 */
export async function benchOrganisations(deps: DeskDeps, platform: string, users: number) {
  const ids: string[] = [];
  for (let i = 0; i < users; i += CONTACTS_PER_ORGANISATION) {
    const organisation = await createOrganisation(deps, {
      name: `Bench ${platform} ${ids.length + 1} AB`,
      contractId: CONTRACT,
      locale: 'en',
    });
    ids.push(organisation.id);
  }
  return { ids, organisationOf: (i: number) => ids[Math.floor(i / CONTACTS_PER_ORGANISATION)]! };
}

interface Ticket {
  _id: string;
  title: string;
  organisationId: string;
  status: string;
  assigneeId?: string;
  version: number;
}
export type Tickets = Collection<Ticket>;
export const ticketsOf = (db: Db): Tickets => db.collection<Ticket>('tickets');

export type StoredTicket = Pick<Ticket, '_id' | 'title' | 'version' | 'status'>;

/**
 * The tickets whose titles start `titled` (then "w" for the warm-up's or a space), and how many of
 * the expected titles have none and how many titles more than one.
 */
export async function storedTickets(
  tickets: Tickets,
  organisationIds: readonly string[],
  titled: string,
  expectedTitles: ReadonlySet<string>,
) {
  const stored = await tickets
    .find({ organisationId: { $in: [...organisationIds] }, title: { $regex: `^${titled}[w ]` } })
    .project<StoredTicket>({ title: 1, version: 1, status: 1 })
    .toArray();
  const byTitle = new Map<string, number>();
  for (const t of stored) byTitle.set(t.title, (byTitle.get(t.title) ?? 0) + 1);
  const missing = [...expectedTitles].filter((t) => !byTitle.has(t)).length;
  const doubled = [...byTitle.values()].filter((n) => n > 1).length;
  return { stored, missing, doubled };
}

/** A press: its ticket is its key; who pressed (the agent's person id). */
export interface Press extends ChatRequest {
  presserId?: string;
}

/**
 * Presses on the new tickets that have a card, one each: a tenth of them at most (up to `warmUp`)
 * warm the process, then up to `requests`, every `retryEvery`th sent again.
 */
export function planPresses<S extends Press>(
  stored: readonly StoredTicket[],
  hasCard: (ticketId: string) => boolean,
  knobs: { warmUp: number; requests: number; retryEvery: number },
  press: (ticketId: string, i: number) => S,
) {
  const pressable = stored.filter((t) => t.status === 'new' && hasCard(t._id));
  const versionsBefore = new Map(pressable.map((t) => [t._id, t.version]));
  const pressWarm = Math.min(knobs.warmUp, Math.floor(pressable.length / 10));
  const presses = pressable.map((t, i) => press(t._id, i));
  return {
    versionsBefore,
    warm: presses.slice(0, pressWarm),
    planned: withRetries(presses.slice(pressWarm, pressWarm + knobs.requests), knobs.retryEvery),
  };
}

/** Of the pressed tickets: claimed, by the presser, the version bumped once; and what was wrong. */
export async function claimsOf(
  tickets: Tickets,
  pressed: readonly Press[],
  versionsBefore: ReadonlyMap<string, number>,
) {
  const after = new Map(
    (
      await tickets
        .find({ _id: { $in: pressed.map((s) => s.key) } })
        .project<Pick<Ticket, '_id' | 'status' | 'assigneeId' | 'version'>>({
          status: 1,
          assigneeId: 1,
          version: 1,
        })
        .toArray()
    ).map((t) => [t._id, t]),
  );
  let claimedRight = 0;
  let wrongStatus = 0;
  let wrongAssignee = 0;
  let wrongVersion = 0;
  for (const s of pressed) {
    const t = after.get(s.key);
    const statusOk = t?.status === 'claimed';
    const assigneeOk = t?.assigneeId === s.presserId;
    const versionOk = t !== undefined && t.version === versionsBefore.get(s.key)! + 1;
    if (!statusOk) wrongStatus++;
    if (!assigneeOk) wrongAssignee++;
    if (!versionOk) wrongVersion++;
    if (statusOk && assigneeOk && versionOk) claimedRight++;
  }
  return { claimedRight, wrongStatus, wrongAssignee, wrongVersion };
}
