import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BUTTON_ACTIONS } from '../../../app/action-steps.ts';
import { pressButton } from '../../../app/chat/press-button.ts';
import { replyInThread } from '../../../app/chat/reply-in-thread.ts';
import { isDeskSide, type Person } from '../../../domain/desk/people.ts';
import { HttpError } from '../../../http/http-error.ts';
import { backTo, notAllowed } from '../web-answers.ts';
import { fieldOf } from '../web-body.ts';
import { personReader, type WebMessage, type WebReader } from '../web-inbox.ts';
import { CHECKBOX, FORM_FIELDS, readInput, SUBMISSION } from '../web-input.ts';
import { viewOf } from '../web-message-view.ts';
import type { SignedInRoute } from '../web-routes.ts';
import type { SignedInRequest, WebAnswer, WebDeskContext } from '../web-request.ts';
import { webIdentityOf } from '../web-sender.ts';

const REF = z.string().regex(/^w[A-Za-z0-9_-]{22}$/);

const pressBody = z.object({
  ref: REF,
  action: z.enum(BUTTON_ACTIONS),
  submission: SUBMISSION,
  assignee: z.string().min(1).max(100).optional(),
  priority: z.string().min(1).max(40).optional(),
  reason: z.string().max(2000).optional(),
  ...FORM_FIELDS,
});

const replyBody = z.object({
  thread: REF,
  text: z.string().trim().min(1).max(10_000),
  toCustomer: CHECKBOX,
  submission: SUBMISSION,
  ...FORM_FIELDS,
});

/** Whose messages a person reads: their own, and the queue's when they work on the desk. */
export const readersOf = (person: Person): WebReader[] =>
  isDeskSide(person) ? [personReader(person.id), 'triage'] : [personReader(person.id)];

/** One of the reader's messages, or 404: nobody learns of a message that is not theirs. */
export async function ownMessage(context: WebDeskContext, person: Person, ref: string): Promise<WebMessage> {
  const message = await context.inbox.get(ref);
  if (!message || !readersOf(person).includes(message.reader)) {
    throw new HttpError(404, 'noSuchMessage', 'web.errors.noSuchMessage');
  }
  return message;
}

const ownRef = (eventId: string) =>
  'w' + createHash('sha256').update(`own\u0000${eventId}`).digest('base64url').slice(0, 22);

/** A person's events are theirs alone: another's submission id cannot stand in for theirs. */
const eventOf = (person: Person, submission: string) => `${person.id}:${submission}`;

const done = (request: SignedInRequest, json: object): WebAnswer =>
  request.wantsJson
    ? { status: 200, json: { ok: true, ...json } }
    : backTo(fieldOf(request.body, 'back'), '/web/chat');

/**
 * The web chat's platform API: what the reader was sent (GET /web/messages), a button pressed on
 * one of their messages (POST /web/press), a reply written in one of their threads (POST /web/reply).
 */
export function inboxRoutes(context: WebDeskContext): SignedInRoute {
  async function messages(request: SignedInRequest): Promise<WebAnswer> {
    const { person } = request.current;
    const place = request.query.get('place');
    if (place !== null && place !== 'triage')
      throw new HttpError(400, 'invalidField', 'web.errors.invalidField', { field: 'place' });
    if (place === 'triage' && !isDeskSide(person))
      throw new HttpError(403, 'deskOnly', 'web.errors.deskOnly');
    const reader = place === 'triage' ? 'triage' : personReader(person.id);
    const ticketId = request.query.get('ticket') ?? undefined;
    const kept = await context.inbox.forReader(reader, ticketId ? { ticketId } : {});
    return { status: 200, json: { messages: kept.map(viewOf) } };
  }

  async function press(request: SignedInRequest): Promise<WebAnswer> {
    const { person } = request.current;
    const input = readInput(pressBody, request.body);
    const message = await ownMessage(context, person, input.ref);
    const eventId = eventOf(person, input.submission);
    const button = message.body.buttons.find((own) => own.action === input.action);
    if (!button) {
      // The press itself took the button away (a claim): sent again, it is answered as it was.
      if (await context.desk.inbound.handled('web', eventId)) return done(request, {});
      throw new HttpError(409, 'noSuchButton', 'web.errors.noSuchButton', { ticket: message.ticketId });
    }
    const { ticket } = await pressButton(context.desk, {
      channel: 'web',
      eventId,
      from: { identity: webIdentityOf(person.id) },
      button,
      input: {
        ...(input.assignee ? { assigneeId: input.assignee } : {}),
        ...(input.priority ? { priority: input.priority } : {}),
        ...(input.reason ? { reason: input.reason } : {}),
      },
    });
    // A person's own message (not the queue's card, which the desk updates) shows their answer.
    if (message.reader !== 'triage')
      await context.inbox.answer(message.ref, input.action, context.clock.now());
    context.live.publish(message.reader);
    return done(request, { ticket: { id: ticket.id, status: ticket.status } });
  }

  async function reply(request: SignedInRequest): Promise<WebAnswer> {
    const { person } = request.current;
    const input = readInput(replyBody, request.body);
    const root = await ownMessage(context, person, input.thread);
    const eventId = eventOf(person, input.submission);
    const outcome = await replyInThread(context.desk, {
      channel: 'web',
      eventId,
      from: { identity: webIdentityOf(person.id) },
      thread: input.thread,
      text: input.text,
      toCustomer: input.toCustomer,
    });
    if (outcome.kind === 'notATicketThread')
      throw new HttpError(404, 'noSuchMessage', 'web.errors.noSuchMessage');
    // The reader's own words stay in the conversation, as a chat platform shows them; sent again,
    // they are kept once (the ref is the event's).
    const now = context.clock.now();
    await context.inbox.post({
      ref: ownRef(eventId),
      thread: root.thread,
      reader: root.reader,
      ticketId: root.ticketId,
      body: { ...root.body, buttons: [] },
      updates: 0,
      postedAt: now,
      changedAt: now,
      written: input.text,
    });
    context.live.publish(root.reader);
    return done(request, { visibility: outcome.visibility });
  }

  return async (request) => {
    switch (request.path) {
      case '/web/messages':
        if (request.method !== 'GET') return notAllowed('GET', request.locale);
        return messages(request);
      case '/web/press':
        if (request.method !== 'POST') return notAllowed('POST', request.locale);
        return press(request);
      case '/web/reply':
        if (request.method !== 'POST') return notAllowed('POST', request.locale);
        return reply(request);
      default:
        return undefined;
    }
  };
}
