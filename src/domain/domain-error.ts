/**
 * A rule of the desk was broken: an illegal move, a refused action, a limit reached. `code` names
 * the rule and is the message key (under `errors.`) an edge uses to tell the person why.
 */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    readonly params: Readonly<Record<string, string | number>> = {},
  ) {
    super(`${code} ${JSON.stringify(params)}`);
  }
}

export const DOMAIN_ERROR_CODES = [
  'illegalTransition',
  'tooManyContacts',
  'notYourOrganisation',
  'agentsOnly',
  'notAContact',
  'unknownPriority',
  'alreadyClaimed',
  'notAProblem',
  'billableNeedsApproval',
  'noBillableEstimate',
  'notFound',
  'badEffort',
  'customerOnly',
  'alreadyAcknowledged',
  'nothingToAcknowledge',
  'unknownContract',
  'unknownTimeZone',
  'identityTaken',
  'organisationNameTaken',
  'alreadyExists',
  'badCursor',
  'alreadyLinked',
  'idempotencyKeyReused',
  'openInProgress',
  'textEmpty',
  'textTooLong',
  'chatUserAmbiguous',
  'staleAction',
  'inputMissing',
  'invalidButton',
  'organisationRequired',
  'assigneeUnknown',
  'notThisOrganisation',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];
