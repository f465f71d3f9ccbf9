import { ConcurrentChangeError } from '../app/ports.ts';
import { ContractLoadError } from '../contracts/load-contract.ts';
import { DomainError, type DomainErrorCode } from '../domain/domain-error.ts';
import { UnknownPriorityError } from '../domain/sla/contract.ts';
import { isDatabaseUnreachable } from '../store/database-errors.ts';
import { HttpError } from './http-error.ts';

/** Seconds a caller is asked to wait while the database is down (an embedded restart takes a few). */
export const RETRY_AFTER_SECONDS = 5;

/** 503 with Retry-After: the database cannot be reached right now; the caller should try again. */
export const databaseUnavailable = (): HttpError =>
  new HttpError(503, 'databaseUnavailable', 'api.errors.databaseUnavailable', {}, undefined, {
    'Retry-After': String(RETRY_AFTER_SECONDS),
  });

const DOMAIN_STATUS: Record<DomainErrorCode, number> = {
  notFound: 404,
  agentsOnly: 403,
  customerOnly: 403,
  notAContact: 403,
  notYourOrganisation: 403,
  illegalTransition: 409,
  alreadyClaimed: 409,
  alreadyAcknowledged: 409,
  nothingToAcknowledge: 409,
  billableNeedsApproval: 409,
  noBillableEstimate: 409,
  tooManyContacts: 409,
  unknownPriority: 422,
  badEffort: 422,
  notAProblem: 422,
  unknownContract: 422,
  unknownTimeZone: 422,
  identityTaken: 409,
  organisationNameTaken: 409,
  alreadyExists: 409,
  badCursor: 422,
  alreadyLinked: 409,
  idempotencyKeyReused: 422,
  openInProgress: 409,
  textEmpty: 422,
  textTooLong: 422,
  chatUserAmbiguous: 409,
  staleAction: 409,
  inputMissing: 422,
  invalidButton: 400,
  assigneeUnknown: 422,
  notThisOrganisation: 403,
  organisationRequired: 422,
};

/** The HTTP answer for an error the layers below raise on purpose; undefined for a real failure. */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof DomainError) {
    // An open under way elsewhere is finished or taken over within the relay's grace period.
    const headers: Record<string, string> = error.code === 'openInProgress' ? { 'Retry-After': '30' } : {};
    return new HttpError(
      DOMAIN_STATUS[error.code],
      error.code,
      `errors.${error.code}`,
      error.params,
      undefined,
      headers,
    );
  }
  if (error instanceof ConcurrentChangeError) {
    return new HttpError(409, 'concurrentChange', 'api.errors.concurrentChange', { ticket: error.ticketId });
  }
  if (error instanceof UnknownPriorityError) {
    return new HttpError(422, 'unknownPriority', 'errors.unknownPriority', {
      priority: error.priority,
      known: error.known.join(', '),
    });
  }
  // A contract that does not load is the caller's to fix (a bad contract id or file), and already worded.
  if (error instanceof ContractLoadError)
    return new HttpError(422, 'invalidContract', error.key, error.params);
  // Wherever in a request it surfaces, a database that cannot be reached is a 503, never a 500.
  if (isDatabaseUnreachable(error)) return databaseUnavailable();
  return undefined;
}
