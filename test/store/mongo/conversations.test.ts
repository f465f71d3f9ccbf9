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
    await conversations.show('SD-3', 'slack', 'triage', 2);
    expect(await conversations.start(triage('SD-3', 'C1:200.9', 'C1:200.9'))).toStrictEqual({
      ...first,
      shownVersion: 2,
    });
  });

  it('records a newer shown version only: 5, then 4 and 5 again are refused, 6 is taken', async () => {
    const { conversations } = store();
    await conversations.start(triage('SD-4', 'C1:300.1', 'C1:300.1'));
    expect(await conversations.show('SD-4', 'slack', 'triage', 5)).toBe(true);
    expect(await conversations.show('SD-4', 'slack', 'triage', 4)).toBe(false);
    expect(await conversations.show('SD-4', 'slack', 'triage', 5)).toBe(false);
    expect((await conversations.get('SD-4', 'slack', 'triage'))?.shownVersion).toBe(5);
    expect(await conversations.show('SD-4', 'slack', 'triage', 6)).toBe(true);
    expect((await conversations.get('SD-4', 'slack', 'triage'))?.shownVersion).toBe(6);
  });

  it('shows nothing on a conversation never started', async () => {
    const { conversations } = store();
    expect(await conversations.show('SD-5', 'slack', 'triage', 1)).toBe(false);
    expect(await conversations.get('SD-5', 'slack', 'triage')).toBeUndefined();
  });

  it('never writes the ticket: its version stays', async () => {
    const { conversations, tickets } = store();
    await tickets.insert(newTicket({ id: 'SD-6' }), NO_EFFECTS);
    await conversations.start(triage('SD-6', 'C1:400.1', 'C1:400.1'));
    await conversations.show('SD-6', 'slack', 'triage', 3);
    expect(await tickets.get('SD-6')).toMatchObject({ version: 0, updatedAt: MONDAY });
  });
});
