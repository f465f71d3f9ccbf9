import type { Channel } from '../../domain/desk/people.ts';
import { DomainError } from '../../domain/domain-error.ts';

/** `insert` found a record with the same id already stored. */
export class AlreadyExistsError extends DomainError {
  override name = 'AlreadyExistsError';
  constructor(
    readonly kind: 'ticket' | 'organisation' | 'person',
    readonly id: string,
  ) {
    super('alreadyExists', { kind, id });
  }
}

/** One chat identity maps to one person: this one already belongs to someone else. */
export class IdentityTakenError extends DomainError {
  override name = 'IdentityTakenError';
  constructor(
    readonly channel: Channel,
    readonly externalId: string,
    readonly personId: string,
  ) {
    // The other person's id stays out of the message: it is not the caller's to know.
    super('identityTaken', { channel, externalId });
  }
}

/** Organisation names are unique. */
export class OrganisationNameTakenError extends DomainError {
  override name = 'OrganisationNameTakenError';
  constructor(readonly organisationName: string) {
    super('organisationNameTaken', { name: organisationName });
  }
}
