import type { OutgoingMessage } from '../../../src/app/messaging/message.ts';

/** When the escalation of the fixture was due, an hour into a Monday in Stockholm. */
export const ESCALATION_DUE = new Date('2026-11-16T10:00:00Z');

/**
 * A channel's sample message: the level-1 escalation of SD-1001 to its Incident Manager, with
 * Acknowledge, as the core composes it; `params` are merged, the rest replaced.
 */
export function escalationMessage(
  overrides: Omit<Partial<OutgoingMessage>, 'params'> & { params?: Partial<OutgoingMessage['params']> } = {},
): OutgoingMessage {
  const { params, ...rest } = overrides;
  return {
    id: 'SD-1001:response:level1:p-1',
    ticketId: 'SD-1001',
    recipient: { kind: 'person', personId: 'p-1' },
    audience: 'person:p-1',
    kind: 'post',
    ticketVersion: 3,
    key: 'escalated.response',
    locale: 'en',
    timeZone: 'Europe/Stockholm',
    buttons: [{ action: 'acknowledge', ticketId: 'SD-1001', madeFor: 'level1' }],
    event: {
      type: 'escalated',
      clock: 'response',
      level: 1,
      dueAt: ESCALATION_DUE,
      lateByMs: 60_000,
      ticketId: 'SD-1001',
      at: new Date('2026-11-16T10:01:00Z'),
    },
    ...rest,
    params: {
      ticketId: 'SD-1001',
      title: 'Mail is down',
      organisation: 'Acme',
      priority: 'P1',
      status: 'new',
      dueAt: ESCALATION_DUE,
      lateByMs: 60_000,
      level: 1,
      ...params,
    },
  };
}
