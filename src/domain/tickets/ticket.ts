/** SPEC ticket categories (004 §2.6) plus the problem behind recurring incidents (002, 003). */
export const CATEGORIES = ['incident', 'user_support', 'order', 'development_request', 'problem'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * A chat message as its platform keeps it (the channel's own encoding of the message and of the
 * thread under it): a ticket opened from a customer's message answers in that message's thread.
 */
export interface TicketOrigin {
  channel: string;
  message: string;
  thread: string;
}

export const STATUSES = [
  'new',
  'claimed',
  'in_progress',
  'waiting_on_customer',
  'resolved',
  'closed',
] as const;
export type TicketStatus = (typeof STATUSES)[number];

export const OPEN_STATUSES: readonly TicketStatus[] = [
  'new',
  'claimed',
  'in_progress',
  'waiting_on_customer',
];

export interface TicketComment {
  id: string;
  authorId: string;
  body: string;
  /** Internal notes are for the desk only; customers never see them. */
  visibility: 'public' | 'internal';
  at: Date;
}

export interface EffortEntry {
  id: string;
  personId: string;
  minutes: number;
  note?: string;
  billable: boolean;
  at: Date;
}

/** Out-of-contract work: flagged by the desk, started only once the customer approves the estimate. */
export interface BillableWork {
  estimateMinutes: number;
  reason: string;
  flaggedBy: string;
  flaggedAt: Date;
  approvedBy?: string;
  approvedAt?: Date;
}

/** A stretch spent waiting on the customer; the resolution clock stands still in it. */
export interface PausedSpan {
  from: Date;
  to?: Date;
}

export type EscalationLevel = 0 | 1 | 2 | 3;

export interface SlaState {
  /** When work must have started (response target). */
  responseDue: Date;
  /** When the ticket must be resolved, where the contract sets a resolution target. */
  resolutionDue?: Date;
  /** When work started: stops the response clock. */
  firstResponseAt?: Date;
  paused: PausedSpan[];
  responseBreached: boolean;
  resolutionBreached: boolean;
  /** Reminder and escalation steps already announced, e.g. "response:level1". */
  notifiedSteps: string[];
  escalationLevel: EscalationLevel;
  acknowledgedLevel: EscalationLevel;
}

export interface Ticket {
  /** Human id, e.g. "SD-1042": unique, never reused. */
  id: string;
  organisationId: string;
  /** The contact who reported it; absent for incidents opened by monitoring. */
  requesterId?: string;
  category: Category;
  /** The priority in force (a key of the organisation's contract). */
  priority: string;
  /** What the customer asked for when the desk sets priority (SPEC 001 "Servicenivå"). */
  requestedPriority?: string;
  /** The chat message the customer wrote it in, when there was one: their conversation is its thread. */
  origin?: TicketOrigin;
  title: string;
  description: string;
  status: TicketStatus;
  assigneeId?: string;
  comments: TicketComment[];
  effort: EffortEntry[];
  /** Customer and account owner were told that effort passed four working hours. */
  effortThresholdNotified: boolean;
  billable?: BillableWork;
  /** For an incident: the problem that explains it. */
  problemId?: string;
  /** For a problem: the incidents it explains. */
  incidentIds: string[];
  /** For tickets opened by monitoring: the alert that opened it, and how often it has fired since. */
  alertKey?: string;
  alertCount?: number;
  sla: SlaState;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt?: Date;
  /** A resolved ticket closes by itself at this instant if the customer stays silent. */
  autoCloseAt?: Date;
  closedAt?: Date;
  /** Optimistic concurrency: bumped by every saved change. */
  version: number;
}

export const isOpen = (ticket: Ticket): boolean => OPEN_STATUSES.includes(ticket.status);
