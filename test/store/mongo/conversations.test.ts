import type { OutgoingMessage } from '../../../src/app/messaging/message.ts';
import { describe, expect, it } from 'vitest';
import { NO_EFFECTS, type Conversation } from '../../../src/app/ports.ts';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { useTestDatabase } from '../../support/database.ts';
import { MONDAY, newTicket } from './fixtures.ts';

const triage = (ticketId: string, id: string, thread: string): Conversation => ({
  ticketId,
  channel: 'slack',
  audience: 'triage',
  root: { id, thread },
});

describe('MongoConversationStore', () => {
  const database = useTestDatabase('mongo_conversations');
  const store = () => createMongoStore(database());

  it('keys conversations by ticket, channel and audience, and threads by channel and thread', async () => {
    const { conversations } = store();
    await conversations.start({
      ticketId: 'SD-1',
      channel: 'teams',
      audience: 'person:p-7',
      root: { id: 'act-1', thread: '19:abc|act-1' },
    });
    const db = database().db!;
    expect(
      await db.collection('conversations').findOne({ _id: 'SD-1|teams|person:p-7' as never }),
    ).toMatchObject({
      ticketId: 'SD-1',
      channel: 'teams',
      audience: 'person:p-7',
      root: { id: 'act-1', thread: '19:abc|act-1' },
    });
    expect(
      await db.collection('conversation_threads').findOne({ _id: 'teams|19:abc|act-1' as never }),
    ).toMatchObject({ ticketId: 'SD-1', audience: 'person:p-7' });
    expect(await conversations.get('SD-1', 'teams', 'person:p-7')).toStrictEqual({
      ticketId: 'SD-1',
      channel: 'teams',
      audience: 'person:p-7',
      root: { id: 'act-1', thread: '19:abc|act-1' },
    });
    expect(await conversations.get('SD-1', 'teams', 'requester')).toBeUndefined();
    expect(await conversations.get('SD-1', 'slack', 'person:p-7')).toBeUndefined();
    expect(await conversations.ticketOfThread('teams', '19:abc|act-1')).toStrictEqual({
      ticketId: 'SD-1',
      audience: 'person:p-7',
    });
    expect(await conversations.ticketOfThread('slack', '19:abc|act-1')).toBeUndefined();
  });

  it('keeps the first of two starts at once, and finds the ticket from either thread', async () => {
    const { conversations } = store();
    const [a, b] = await Promise.all([
      conversations.start(triage('SD-2', 'C1:100.1', 'C1:100.1')),
      conversations.start(triage('SD-2', 'C1:100.2', 'C1:100.2')),
    ]);
    expect(a).toStrictEqual(b);
    expect(['C1:100.1', 'C1:100.2']).toContain(a.root.id);
    expect(await conversations.get('SD-2', 'slack', 'triage')).toStrictEqual(a);
    for (const thread of ['C1:100.1', 'C1:100.2']) {
      expect(await conversations.ticketOfThread('slack', thread)).toStrictEqual({
        ticketId: 'SD-2',
        audience: 'triage',
      });
    }
  });

  it('answers a later start with the conversation as it stands', async () => {
    const { conversations } = store();
    const first = await conversations.start({ ...triage('SD-3', 'C1:200.1', 'C1:200.1'), shownVersion: 0 });
    await conversations.show('SD-3', 'slack', 'triage', card('SD-3', 2));
    expect(await conversations.start(triage('SD-3', 'C1:200.9', 'C1:200.9'))).toStrictEqual({
      ...first,
      shownVersion: 2,
      card: card('SD-3', 2),
    });
  });

  it('keeps the newest card only: 5, then 4 and 5 again change nothing, 6 replaces it', async () => {
    const { conversations } = store();
    await conversations.start(triage('SD-4', 'C1:300.1', 'C1:300.1'));
    const shows = async (version: number) =>
      (await conversations.show('SD-4', 'slack', 'triage', card('SD-4', version)))?.card?.ticketVersion;
    expect(await shows(5)).toBe(5);
    expect(await shows(4)).toBe(5);
    expect(await shows(5)).toBe(5);
    expect((await conversations.get('SD-4', 'slack', 'triage'))?.shownVersion).toBe(5);
    expect(await shows(6)).toBe(6);
    expect((await conversations.get('SD-4', 'slack', 'triage'))?.card).toStrictEqual(card('SD-4', 6));
  });

  it('shows nothing on a conversation never started', async () => {
    const { conversations } = store();
    expect(await conversations.show('SD-5', 'slack', 'triage', card('SD-5', 1))).toBeUndefined();
    expect(await conversations.get('SD-5', 'slack', 'triage')).toBeUndefined();
  });

  it('never writes the ticket: its version stays', async () => {
    const { conversations, tickets } = store();
    await tickets.insert(newTicket({ id: 'SD-6' }), NO_EFFECTS);
    await conversations.start(triage('SD-6', 'C1:400.1', 'C1:400.1'));
    await conversations.show('SD-6', 'slack', 'triage', card('SD-6', 3));
    expect(await tickets.get('SD-6')).toMatchObject({ version: 0, updatedAt: MONDAY });
  });
});

/** A triage card message of the ticket at `version`. */
function card(ticketId: string, version: number): OutgoingMessage {
  return {
    id: `${ticketId}:v${version}:card`,
    ticketId,
    recipient: { kind: 'triage' },
    audience: 'triage',
    kind: 'card',
    ticketVersion: version,
    key: 'triageCard',
    locale: 'en',
    timeZone: 'Europe/Stockholm',
    params: { ticketId, title: 'Card', organisation: 'Acme', priority: 'P2', status: 'claimed' },
    buttons: [{ action: 'assign', ticketId }],
    event: { type: 'claimed', assigneeId: 'a-1', ticketId, at: MONDAY },
  };
}
