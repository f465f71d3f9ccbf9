import type { Channel } from '../../domain/desk/people.ts';

/** `insert` found a record with the same id already stored. */
export class AlreadyExistsError extends Error {
  override name = 'AlreadyExistsError';
  constructor(
    readonly kind: 'ticket' | 'organisation' | 'person',
    readonly id: string,
  ) {
    super(`${kind} ${id} already exists`);
  }
}

/** One chat identity maps to one person: this one already belongs to someone else. */
export class IdentityTakenError extends Error {
  override name = 'IdentityTakenError';
  constructor(
    readonly channel: Channel,
    readonly externalId: string,
    readonly personId: string,
  ) {
    super(`the ${channel} identity ${externalId} already belongs to person ${personId}`);
  }
}

/** Organisation names are unique. */
export class OrganisationNameTakenError extends Error {
  override name = 'OrganisationNameTakenError';
  constructor(readonly organisationName: string) {
    super(`an organisation named "${organisationName}" already exists`);
  }
}
