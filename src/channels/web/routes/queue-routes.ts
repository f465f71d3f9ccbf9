import { z } from 'zod';
import { performAction, type TicketAction } from '../../../app/perform-action.ts';
import { isDeskSide } from '../../../domain/desk/people.ts';
import { HttpError } from '../../../http/http-error.ts';
import { translate } from '../../../i18n/translate.ts';
import { backTo, notAllowed } from '../web-answers.ts';
import { fieldOf } from '../web-body.ts';
import { FORM_FIELDS, readInput, SUBMISSION } from '../web-input.ts';
import { page } from '../web-layout.ts';
import { readQueue } from '../web-queue.ts';
import { escalationSection, queueSection } from '../web-queue-view.ts';
import type { SignedInRoute } from '../web-routes.ts';
import type { SignedInRequest, WebAnswer, WebDeskContext } from '../web-request.ts';

const QUEUE_ACTION = /^\/web\/queue\/([A-Za-z0-9_-]{1,64})\/([a-z]{1,20})$/;

const pressed = { submission: SUBMISSION, madeFor: z.string().max(80).optional(), ...FORM_FIELDS };

const QUEUE_ACTIONS = [
  'claim',
  'start',
  'wait',
  'resume',
  'resolve',
  'acknowledge',
  'assign',
  'priority',
  'comment',
] as const;
type QueueActionName = (typeof QUEUE_ACTIONS)[number];
const isQueueAction = (name: string): name is QueueActionName =>
  (QUEUE_ACTIONS as readonly string[]).includes(name);

/** A form of the queue as the app takes it: the action, and the step its button was made for. */
interface Pressed {
  action: TicketAction;
  madeFor?: string | undefined;
}

/** What the queue's form for `name` sends, read into the action it stands for. */
function formFor(name: QueueActionName, personId: string): z.ZodType<Pressed> {
  switch (name) {
    case 'assign':
      return z
        .object({ ...pressed, assignee: z.string().min(1).max(100) })
        .transform(({ assignee, madeFor }) => ({
          action: { name: 'assign', assigneeId: assignee },
          madeFor,
        }));
    case 'priority':
      return z
        .object({ ...pressed, priority: z.string().min(1).max(40) })
        .transform(({ priority, madeFor }) => ({ action: { name: 'priority', priority }, madeFor }));
    case 'comment':
      return z
        .object({
          ...pressed,
          body: z.string().trim().min(1).max(2000),
          visibility: z.enum(['internal', 'public']),
        })
        .transform(({ body, visibility, submission, madeFor }) => ({
          // One form is one comment, however often it is sent.
          action: { name: 'comment', body, visibility, idempotencyKey: `web:${personId}:${submission}` },
          madeFor,
        }));
    default:
      return z.object(pressed).transform(({ madeFor }): Pressed => ({ action: { name }, madeFor }));
  }
}

/** The queue is the desk's: refused on the server to anyone else, whatever the navigation shows. */
function requireDesk(request: SignedInRequest): void {
  if (!isDeskSide(request.current.person)) throw new HttpError(403, 'deskOnly', 'web.queue.deskOnly');
}

/**
 * The agents' queue: open tickets by SLA risk with their actions, and the escalations waiting for
 * someone to acknowledge them. Every action goes through the app (performAction), which decides
 * who may do what and refuses a press made on a page that went stale.
 */
export function queueRoutes(context: WebDeskContext): SignedInRoute {
  async function queuePage(request: SignedInRequest): Promise<WebAnswer> {
    const queue = await readQueue(context.desk, request.current.person, context.desk.clock.now());
    return {
      status: 200,
      html: page(request, {
        title: translate(request.locale, 'web.queue.title'),
        active: 'queue',
        main: escalationSection(request, queue) + queueSection(context.desk, request, queue),
      }),
    };
  }

  async function act(request: SignedInRequest, ticketId: string, name: QueueActionName): Promise<WebAnswer> {
    const { person } = request.current;
    const { action, madeFor } = readInput(formFor(name, person.id), request.body);
    const ticket = await performAction(context.desk, person.id, ticketId, action, madeFor);
    if (request.wantsJson) {
      return {
        status: 200,
        json: {
          ok: true,
          ticket: {
            id: ticket.id,
            status: ticket.status,
            priority: ticket.priority,
            assigneeId: ticket.assigneeId ?? null,
            escalationLevel: ticket.sla.escalationLevel,
            acknowledgedLevel: ticket.sla.acknowledgedLevel,
          },
        },
      };
    }
    return backTo(fieldOf(request.body, 'back'), '/web/queue');
  }

  return async (request) => {
    if (request.path === '/web/queue') {
      requireDesk(request);
      if (request.method !== 'GET') return notAllowed('GET', request.locale);
      return queuePage(request);
    }
    const matched = QUEUE_ACTION.exec(request.path);
    if (!matched && !request.path.startsWith('/web/queue/')) return undefined;
    requireDesk(request);
    if (!matched) throw new HttpError(404, 'notFound', 'web.errors.noSuchPage');
    if (request.method !== 'POST') return notAllowed('POST', request.locale);
    const [, rawId, name] = matched;
    if (!isQueueAction(name!)) throw new HttpError(404, 'notFound', 'web.errors.noSuchPage');
    return act(request, rawId!, name);
  };
}
