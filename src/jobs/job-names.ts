/** A ticket's next timer: a reminder, an escalation level ("response:level1") or its auto-close. */
export const SLA_STEP_JOB = 'sla-step';

/** The jobs collection, beside the desk's own collections in the same database. */
export const DEFAULT_JOBS_COLLECTION = 'sla_jobs';
/** Each ticket's timer plan: which `sla-step` jobs are its timers (see sla-timer-scheduler.ts). */
export const DEFAULT_PLANS_COLLECTION = 'sla_timer_plans';
/** The far timers, by the hour they are due in (see timer-wheel.ts). */
export const DEFAULT_WHEEL_COLLECTION = 'sla_timer_wheel';
/** Turns the timer wheel: makes jobs of the parked timers coming within the horizon. */
export const WHEEL_JOB = 'sla-timer-wheel';
/** Finishes changes a writer left unfinished and tries undelivered notices again (see app/relay.ts). */
export const RELAY_JOB = 'relay-pending';

/**
 * What an `sla-step` job carries. Usually one job per ticket, for its earliest timer; for a moment
 * two while a timer moves, and a stray one after a crash or a race (harmless: see
 * `AgendaSlaTimerScheduler`).
 */
export interface SlaStepData {
  ticketId: string;
  step: string;
}

export function isSlaStepData(data: unknown): data is SlaStepData {
  if (typeof data !== 'object' || data === null) return false;
  const { ticketId, step } = data as Record<string, unknown>;
  return typeof ticketId === 'string' && ticketId.length > 0 && typeof step === 'string' && step.length > 0;
}

/** The logging the job runner needs; a pino logger fits. */
export interface JobsLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** A duplicate-key refusal from MongoDB (E11000) or FerretDB's SQLite backend. */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === 11000 || code === 11001) return true;
  return typeof message === 'string' && /E11000|UNIQUE constraint failed/.test(message);
}
