import { describe, expect, it } from 'vitest';
import type { ButtonActionName } from '../../../src/app/action-steps.ts';
import { fireTimer } from '../../../src/app/sla-steps.ts';
import type { DeskDeps } from '../../../src/app/desk-deps.ts';
import type { Person } from '../../../src/domain/desk/people.ts';
import { plannedTimers } from '../../../src/domain/tickets/sla-clock.ts';
import type { ManualClock, SeededCustomer } from '../../support/test-desk.ts';

/** A message as a person sees it on the platform. */
export interface SeenMessage {
  /** The platform's id of the message (a card keeps it when updated in place). */
  ref: string;
  /** The thread it is in: a reply under it lands there. */
  thread: string;
  text: string;
  /** The buttons it shows, by the action they stand for. */
  buttons: ButtonActionName[];
  /** How often it was changed in place. */
  updates: number;
}

/** What a platform says back to the person who acted: nothing, or a refusal in their language. */
export type Answer = { ok: true } | { ok: false; text: string };

/**
 * One chat channel as the contract suite drives it, the way its users would: each adapter (the
 * in-memory test channel, Slack, Teams, the web chat) builds its requests as its platform does
 * (signed, with event ids) and reads back what its platform was sent.
 */
export interface ChannelWorld {
  deps: DeskDeps;
  clock: ManualClock;
  /** A customer with its people, each known on this platform. */
  customer(name: string): Promise<SeededCustomer>;
  /** The person opens a ticket from the platform, as the event `eventId`. Returns its id. */
  open(person: Person, ticket: { title: string; description: string }, eventId: string): Promise<string>;
  /** What the platform was sent for `who`, oldest first (a card as it is now). */
  seenBy(who: Person | 'triage'): Promise<SeenMessage[]>;
  /** The person writes in the thread of `message`; `toCustomer` is the platform's "send to customer". */
  reply(
    person: Person,
    message: SeenMessage,
    text: string,
    eventId: string,
    options?: { toCustomer?: boolean },
  ): Promise<Answer>;
  /** The person presses a button of `message`. */
  press(person: Person, message: SeenMessage, action: ButtonActionName, eventId: string): Promise<Answer>;
  /** The platform sends its last request again, exactly as it was (a retry after a lost ack). */
  redeliverLast(): Promise<Answer>;
  /** Waits until what the platform's last requests set off is done (an adapter that acks first). */
  settled(): Promise<void>;
}

const about = (ticketId: string) => (message: SeenMessage) => message.text.includes(ticketId);

async function cardOf(world: ChannelWorld, ticketId: string): Promise<SeenMessage> {
  const cards = (await world.seenBy('triage')).filter((m) => m.ref === m.thread && about(ticketId)(m));
  expect(cards, `one triage card for ${ticketId}`).toHaveLength(1);
  return cards[0]!;
}

/** The requester's messages about the ticket: the first one, and everything after it in its thread. */
async function requesterThread(world: ChannelWorld, person: Person, ticketId: string) {
  const seen = await world.seenBy(person);
  const first = seen.find(about(ticketId));
  expect(first, `the requester heard of ${ticketId}`).toBeDefined();
  return { first: first!, thread: seen.filter((m) => m.thread === first!.thread) };
}

/**
 * The shared scenarios every chat channel must pass, written once: parity between channels is
 * checked here, not hoped for. `useWorld` is called inside the suite's `describe`, so it may
 * register the hooks that build and tear down the channel's world.
 */
export function channelContract(channel: string, useWorld: () => () => ChannelWorld): void {
  describe(`channel contract: ${channel}`, () => {
    const world = useWorld();
    let events = 0;
    const eventId = () => `${channel}-event-${++events}`;

    it('open → the requester is told the id, the triage card has Claim; a claim updates the card in place', async () => {
      const acme = await world().customer('Contract open AB');
      const id = await world().open(
        acme.contact,
        { title: 'VPN is down', description: 'Nobody can connect' },
        eventId(),
      );
      const { first } = await requesterThread(world(), acme.contact, id);
      expect(first.text).toContain(id);
      const card = await cardOf(world(), id);
      expect(card.buttons).toContain('claim');

      expect(await world().press(acme.agent, card, 'claim', eventId())).toEqual({ ok: true });
      await world().settled();
      const claimed = await cardOf(world(), id);
      expect(claimed.ref).toBe(card.ref);
      expect(claimed.updates).toBeGreaterThan(card.updates);
      expect(claimed.buttons).not.toContain('claim');
      expect(claimed.text).toContain(acme.agent.name);
      // The requester hears of it in the ticket's thread, not as a new conversation.
      const { thread } = await requesterThread(world(), acme.contact, id);
      expect(thread.length).toBeGreaterThan(1);
    });

    it('a public reply reaches the requester in their thread; an internal note does not; the customer’s reply comes back', async () => {
      const acme = await world().customer('Contract replies AB');
      const id = await world().open(
        acme.contact,
        { title: 'Printer jams', description: 'Every page' },
        eventId(),
      );
      const card = await cardOf(world(), id);
      await world().press(acme.agent, card, 'claim', eventId());
      await world().settled();
      const before = (await requesterThread(world(), acme.contact, id)).thread.length;

      expect(await world().reply(acme.agent, card, 'Checked the spooler: internal only', eventId())).toEqual({
        ok: true,
      });
      await world().settled();
      const afterNote = (await requesterThread(world(), acme.contact, id)).thread;
      expect(afterNote).toHaveLength(before);
      expect(afterNote.map((m) => m.text).join('\n')).not.toContain('internal only');

      await world().reply(acme.agent, card, 'Please try the tray on the left', eventId(), {
        toCustomer: true,
      });
      await world().settled();
      const { first, thread } = await requesterThread(world(), acme.contact, id);
      expect(thread.at(-1)!.text).toContain('Please try the tray on the left');

      expect(await world().reply(acme.contact, first, 'The left tray works', eventId())).toEqual({
        ok: true,
      });
      await world().settled();
      const forDesk = [...(await world().seenBy(acme.agent)), ...(await world().seenBy('triage'))];
      expect(forDesk.map((m) => m.text).join('\n')).toContain('The left tray works');
    });

    it('resolve → Accept / Not solved; Not solved reopens; the old Accept is refused; the new one closes', async () => {
      const acme = await world().customer('Contract resolve AB');
      const id = await world().open(
        acme.contact,
        { title: 'Slow mail', description: 'Minutes per mail' },
        eventId(),
      );
      await world().press(acme.agent, await cardOf(world(), id), 'claim', eventId());
      await world().settled();
      await world().press(acme.agent, await cardOf(world(), id), 'resolve', eventId());
      await world().settled();
      const resolved = (await requesterThread(world(), acme.contact, id)).thread.at(-1)!;
      expect(resolved.buttons).toEqual(['accept', 'reopen']);

      world().clock.advance(60_000);
      expect(await world().press(acme.contact, resolved, 'reopen', eventId())).toEqual({ ok: true });
      await world().settled();
      world().clock.advance(60_000);
      await world().press(acme.agent, await cardOf(world(), id), 'resolve', eventId());
      await world().settled();
      const stale = await world().press(acme.contact, resolved, 'accept', eventId());
      expect(stale).toEqual({ ok: false, text: expect.stringContaining(id) });
      expect((await world().deps.tickets.get(id))!.status).toBe('resolved');

      const again = (await requesterThread(world(), acme.contact, id)).thread.at(-1)!;
      expect(again.ref).not.toBe(resolved.ref);
      expect(await world().press(acme.contact, again, 'accept', eventId())).toEqual({ ok: true });
      await world().settled();
      expect((await world().deps.tickets.get(id))!.status).toBe('closed');
      expect((await cardOf(world(), id)).buttons).toEqual([]);
    });

    it('a customer pressing an agent’s button is refused, and nothing changes', async () => {
      const acme = await world().customer('Contract refusal AB');
      const id = await world().open(
        acme.contact,
        { title: 'No access', description: 'Locked out' },
        eventId(),
      );
      const answer = await world().press(acme.contact, await cardOf(world(), id), 'claim', eventId());
      expect(answer).toEqual({ ok: false, text: expect.any(String) });
      expect((await world().deps.tickets.get(id))!.status).toBe('new');
    });

    it('the reminder and the three escalation levels each arrive once with Acknowledge; a stale one is refused', async () => {
      const acme = await world().customer('Contract ladder AB');
      const id = await world().open(
        acme.contact,
        { title: 'Site down', description: 'All of it' },
        eventId(),
      );
      const ticket = (await world().deps.tickets.get(id))!;
      const contract = world().deps.contracts.contract(acme.organisation.contractId);
      for (const timer of plannedTimers(ticket, contract).filter((t) => t.step.startsWith('response:'))) {
        world().clock.set(timer.at.toISOString());
        await fireTimer(world().deps, id, timer.step);
        // A second firing of the same step (a retried job) tells nobody again.
        await fireTimer(world().deps, id, timer.step);
      }
      await world().settled();
      const ladder = [acme.incidentManager, acme.accountOwner, acme.ceo];
      const escalations = [];
      for (const person of ladder) {
        const got = (await world().seenBy(person)).filter(
          (m) => about(id)(m) && m.buttons.includes('acknowledge'),
        );
        expect(got, `${person.name} told once`).toHaveLength(1);
        escalations.push(got[0]!);
      }
      // Nobody claimed it: the reminder went to the triage place, in the card's thread, once.
      const card = await cardOf(world(), id);
      const inCardThread = (await world().seenBy('triage')).filter(
        (m) => m.thread === card.thread && m.ref !== card.ref,
      );
      expect(inCardThread).toHaveLength(1);
      expect(inCardThread[0]!.text).toContain(id);

      const staleAck = await world().press(acme.incidentManager, escalations[0]!, 'acknowledge', eventId());
      // Said in words, naming the level the button was for and the one the ticket is at now.
      expect(staleAck).toEqual({ ok: false, text: expect.stringMatching(/level 1 .*level 3/) });
      expect(await world().press(acme.ceo, escalations[2]!, 'acknowledge', eventId())).toEqual({ ok: true });
      await world().settled();
      expect((await world().deps.tickets.get(id))!.sla.acknowledgedLevel).toBe(3);
    });

    it('a redelivered inbound event is ignored: one ticket, one comment', async () => {
      const acme = await world().customer('Contract redelivery AB');
      const openEvent = eventId();
      const id = await world().open(acme.contact, { title: 'Twice', description: 'Sent twice' }, openEvent);
      expect(await world().open(acme.contact, { title: 'Twice', description: 'Sent twice' }, openEvent)).toBe(
        id,
      );
      const { first } = await requesterThread(world(), acme.contact, id);
      const replyEvent = eventId();
      await world().reply(acme.contact, first, 'Only once, please', replyEvent);
      await world().reply(acme.contact, first, 'Only once, please', replyEvent);
      await world().settled();
      const ticket = (await world().deps.tickets.get(id))!;
      expect(ticket.comments.filter((c) => c.body === 'Only once, please')).toHaveLength(1);

      // A press delivered twice acts once: the second is answered, and changes nothing.
      const card = await cardOf(world(), id);
      expect(await world().press(acme.agent, card, 'claim', eventId())).toEqual({ ok: true });
      await world().settled();
      const claimed = (await world().deps.tickets.get(id))!;
      expect(await world().redeliverLast()).toEqual({ ok: true });
      await world().settled();
      expect((await world().deps.tickets.get(id))!.version).toBe(claimed.version);
      const page = await world().deps.tickets.list({ organisationId: acme.organisation.id });
      expect(page.tickets.filter((t) => t.title === 'Twice')).toHaveLength(1);
    });
  });
}
