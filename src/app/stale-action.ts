import { DomainError } from '../domain/domain-error.ts';
import type { Ticket } from '../domain/tickets/ticket.ts';
import { BUTTON_ACTIONS, stepFor, type ButtonActionName } from './action-steps.ts';

/** What a stale button's refusal can say moved on, each with its own message under `errors.stale.`. */
export const STALE_KINDS = ['level', 'reopened', 'resolvedAgain', 'estimate'] as const;
type StaleKind = (typeof STALE_KINDS)[number];

const isButtonAction = (name: string): name is ButtonActionName =>
  (BUTTON_ACTIONS as readonly string[]).includes(name);

const levelOf = (step: string | undefined): number | undefined =>
  step?.startsWith('level') ? Number(step.slice('level'.length)) : undefined;

function movedOn(action: string, madeFor: string, now: string | undefined): StaleKind | undefined {
  if (action === 'acknowledge' && levelOf(madeFor) !== undefined && levelOf(now) !== undefined)
    return 'level';
  if ((action === 'accept' || action === 'reopen') && madeFor.startsWith('resolved@')) {
    return now === undefined ? 'reopened' : 'resolvedAgain';
  }
  if (action === 'approveEstimate' && madeFor.startsWith('estimate@') && now !== undefined) return 'estimate';
  return undefined;
}

/**
 * Refuses an action whose button was made for another step of the ticket than the one it is at
 * (see action-steps.ts): acknowledging level 1 once level 2 fired, accepting a solution that was
 * reopened. `word` is the action as the refusal names it (an `actions.` message key).
 */
export function requireStep(ticket: Ticket, action: string, word: string, madeFor: string): void {
  const now = isButtonAction(action) ? stepFor(ticket, action) : undefined;
  if (now === madeFor) return;
  const moved = movedOn(action, madeFor, now);
  throw new DomainError('staleAction', {
    ticket: ticket.id,
    action: word,
    ...(moved ? { moved } : {}),
    ...(moved === 'level' ? { was: levelOf(madeFor)!, now: levelOf(now)! } : {}),
  });
}
