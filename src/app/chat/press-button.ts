import { DomainError } from '../../domain/domain-error.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import { z } from 'zod';
import { BUTTON_ACTIONS, type ButtonActionName } from '../action-steps.ts';
import type { DeskDeps } from '../desk-deps.ts';
import type { MessageButton } from '../messaging/message.ts';
import { performAction, type TicketAction } from '../perform-action.ts';
import { getTicket } from '../ticket-queries.ts';
import type { ChatUser } from './chat-user.ts';
import { identifyChatUser } from './identify-chat-user.ts';

export interface ChatPress {
  channel: string;
  /** The platform's id of the press, the same on every redelivery. */
  eventId: string;
  from: ChatUser;
  /** The button as the message carried it: its action, ticket and the step it was made for. */
  button: MessageButton;
  /** What the channel asked the person for, for the buttons that need it. */
  input?: { assigneeId?: string; priority?: string; reason?: string };
}

function actionOf(name: ButtonActionName, input: ChatPress['input'] = {}): TicketAction {
  switch (name) {
    case 'assign':
      if (!input.assigneeId) throw new DomainError('inputMissing', { action: 'assign', field: 'assignee' });
      return { name, assigneeId: input.assigneeId };
    case 'priority':
      if (!input.priority)
        throw new DomainError('inputMissing', { action: 'setPriority', field: 'priority' });
      return { name, priority: input.priority };
    case 'reopen':
      return input.reason ? { name, reason: input.reason } : { name };
    default:
      return { name };
  }
}

/** A button as a platform hands it back: whatever a browser or a forged request may have put in it. */
const buttonSchema = z.strictObject({
  action: z.enum(BUTTON_ACTIONS),
  ticketId: z.string().min(1).max(64),
  madeFor: z.string().min(1).max(100).optional(),
});

/**
 * A person pressed a button of one of the desk's messages: the action it stands for, on its
 * ticket, as that person, refused when the button is stale (see action-steps.ts). The press is
 * recorded first, as its claim, so that a redelivery (also one arriving while the first is still
 * at work) is answered with the ticket as it is and does nothing again. The price: a process that
 * dies between recording and acting loses the press; the person sees nothing change and presses
 * again, which is a new event.
 */
export async function pressButton(
  deps: DeskDeps,
  press: ChatPress,
): Promise<{ ticket: Ticket; duplicate: boolean }> {
  const parsed = buttonSchema.safeParse(press.button);
  if (!parsed.success) throw new DomainError('invalidButton', { channel: press.channel });
  const button = parsed.data as MessageButton;
  const person = await identifyChatUser(deps, press.from);
  if (!(await deps.inbound.record(press.channel, press.eventId, deps.clock.now()))) {
    return { ticket: await getTicket(deps, person.id, button.ticketId), duplicate: true };
  }
  const ticket = await performAction(
    deps,
    person.id,
    button.ticketId,
    actionOf(button.action, press.input),
    button.madeFor,
  );
  return { ticket, duplicate: false };
}
