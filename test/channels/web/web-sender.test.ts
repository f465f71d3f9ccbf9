import { describe, expect, it } from 'vitest';
import { WebLive } from '../../../src/channels/web/web-live.ts';
import { webSender } from '../../../src/channels/web/web-sender.ts';
import type { OutgoingMessage } from '../../../src/app/messaging/message.ts';
import { useTestDesk } from '../../support/test-desk.ts';

const desk = useTestDesk();

const message = (id: string, version = 1): OutgoingMessage => ({
  id,
  ticketId: 'SD-900',
  recipient: { kind: 'person', personId: 'p-1' },
  audience: 'requester',
  kind: 'post',
  ticketVersion: version,
  key: 'opened',
  locale: 'en',
  timeZone: 'Europe/Stockholm',
  params: {
    ticketId: 'SD-900',
    title: 'Kept once',
    organisation: 'Acme',
    priority: 'P3',
    status: 'new',
    responseDue: new Date('2026-11-16T10:00:00Z'),
  },
  buttons: [],
  event: { type: 'opened' } as never,
});

const to = {
  kind: 'person' as const,
  personId: 'p-1',
  identity: { channel: 'web' as const, externalId: 'p-1' },
};

describe('the web sender', () => {
  it('keeps a notice delivered again (after a crash before it was recorded sent) once, under the same ref', async () => {
    const live = new WebLive();
    let told = 0;
    live.subscribe(['person:p-1'], () => told++);
    const sender = webSender(desk().store.webInbox, live, desk().clock);
    const first = await sender.post(to, message('notice-kept-once'));
    const again = await sender.post(to, message('notice-kept-once'));
    expect(again).toEqual(first);
    const kept = await desk().store.webInbox.forReader('person:p-1', { ticketId: 'SD-900' });
    expect(kept.map((m) => m.ref)).toEqual([first.id]);
    expect(told).toBe(2);
    // Its instants come back as instants.
    expect(kept[0]!.body.params.responseDue).toEqual(new Date('2026-11-16T10:00:00Z'));
  });

  it('threads a reply under the conversation’s first message, updates in place, and refuses a feed', async () => {
    const sender = webSender(desk().store.webInbox, new WebLive(), desk().clock);
    const root = await sender.post(to, message('notice-root'));
    const reply = await sender.post(to, message('notice-reply'), root);
    expect(reply.thread).toBe(root.thread);
    await sender.update(root, message('notice-root', 2));
    expect((await desk().store.webInbox.get(root.id))!.updates).toBe(1);
    await expect(sender.update({ id: 'wmissing', thread: 'wmissing' }, message('x'))).rejects.toThrow(
      /no message/,
    );
    await expect(sender.post({ kind: 'feed' }, message('feed'))).rejects.toThrow(/feed/);
  });
});
