import { DomainError } from '../../domain/domain-error.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import type { ButtonActionName } from '../action-steps.ts';
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

/**
 * A person pressed a button of one of the desk's messages: the action it stands for, on its
 * ticket, as that person, refused when the button is stale (see action-steps.ts). A redelivered
 * press is answered with the ticket as it is, and does nothing again.
 */
export async function pressButton(
  deps: DeskDeps,
  press: ChatPress,
): Promise<{ ticket: Ticket; duplicate: boolean }> {
  const person = await identifyChatUser(deps, press.from);
  if (await deps.inbound.handled(press.channel, press.eventId)) {
    return { ticket: await getTicket(deps, person.id, press.button.ticketId), duplicate: true };
  }
  const ticket = await performAction(
    deps,
    person.id,
    press.button.ticketId,
    actionOf(press.button.action, press.input),
    press.button.madeFor,
  );
  await deps.inbound.record(press.channel, press.eventId, deps.clock.now());
  return { ticket, duplicate: false };
}
