import type { IncomingMessage } from 'node:http';
import type { DeskDeps } from '../app/desk-deps.ts';
import type { Person } from '../domain/desk/people.ts';
import type { ApiKey, ApiKeyRepository } from '../app/ports.ts';
import { HttpError } from './http-error.ts';

const BEARER = /^Bearer +([!-~]{1,256}) *$/i;

const unauthorized = () =>
  new HttpError(401, 'unauthorized', 'api.errors.unauthorized', {}, undefined, {
    'WWW-Authenticate': 'Bearer realm="sladesk"',
  });

/** The live API key in `Authorization: Bearer …`; a missing, unknown or revoked key is a 401. */
export async function authenticate(request: IncomingMessage, apiKeys: ApiKeyRepository): Promise<ApiKey> {
  const presented = BEARER.exec(request.headers.authorization ?? '')?.[1];
  if (!presented) throw unauthorized();
  const key = await apiKeys.verify(presented);
  if (!key) throw unauthorized();
  return key;
}

export function requireAdmin(key: ApiKey): void {
  if (key.scope.kind !== 'admin') throw new HttpError(403, 'adminOnly', 'api.errors.adminOnly');
}

/**
 * The person a request acts as. With an organisation's key only that organisation's contacts may
 * act; an unknown person gets the same answer, so that person ids cannot be probed with a key.
 */
export async function actingPerson(deps: DeskDeps, key: ApiKey, personId: string): Promise<Person> {
  const person = await deps.people.get(personId);
  const allowed =
    person !== undefined &&
    (key.scope.kind === 'admin' ||
      (person.role === 'contact' && person.organisationId === key.scope.organisationId));
  if (!allowed)
    throw new HttpError(403, 'personNotAllowed', 'api.errors.personNotAllowed', { person: personId });
  return person;
}

/**
 * The organisation a request speaks for: an organisation's key speaks for its own (naming another
 * is refused), an admin key for the one named.
 */
export function organisationFor(key: ApiKey, named: string | undefined): string | undefined {
  if (key.scope.kind === 'admin') return named;
  if (named !== undefined && named !== key.scope.organisationId) {
    throw new HttpError(403, 'otherOrganisation', 'api.errors.otherOrganisation');
  }
  return key.scope.organisationId;
}
