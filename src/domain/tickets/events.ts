import type { EscalationLevel } from './ticket.ts';

/**
 * Everything that happens to a ticket. Each is written to the audit log (who, what, when) and is
 * what the desk decides to tell people about (see app/decide-notices.ts).
 */
export type TicketEventBody =
  | { type: 'opened' }
  | { type: 'claimed'; assigneeId: string }
  | { type: 'assigned'; assigneeId: string; previousAssigneeId?: string }
  | {
      type: 'commented';
      commentId: string;
      visibility: 'public' | 'internal';
      /** The desk's answer in the customer's own thread, which stopped the response clock. */
      firstResponse?: true;
    }
  | { type: 'priority_changed'; from: string; to: string }
  | { type: 'work_started' }
  | { type: 'waiting_on_customer' }
  | { type: 'resumed' }
  | { type: 'resolved'; resolutionBreached: boolean }
  | { type: 'accepted' }
  | { type: 'reopened'; reason?: string }
  | { type: 'closed'; automatically: boolean }
  | { type: 'effort_logged'; minutes: number; totalMinutes: number; billable: boolean }
  | { type: 'effort_threshold_passed'; totalMinutes: number }
  | { type: 'billable_flagged'; estimateMinutes: number; reason: string }
  | { type: 'billable_approved'; estimateMinutes: number }
  | { type: 'linked_to_problem'; problemId: string }
  | { type: 'incident_linked'; incidentId: string }
  | { type: 'reminder'; clock: SlaClockKind; dueAt: Date }
  | { type: 'escalated'; clock: SlaClockKind; level: EscalationLevel; dueAt: Date; lateByMs: number }
  | { type: 'escalation_acknowledged'; level: EscalationLevel }
  | { type: 'alert_repeated'; count: number };

export type SlaClockKind = 'response' | 'resolution';

export type TicketEvent = TicketEventBody & {
  ticketId: string;
  /** The person who acted; absent for the desk's own clock (timers, auto-close). */
  actorId?: string;
  at: Date;
};

export type TicketEventType = TicketEventBody['type'];
