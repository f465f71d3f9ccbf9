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
 * The person a request may act as: with an organisation's key only that organisation's contacts,
 * with an admin key anyone; undefined for anyone else and for an unknown person alike.
 */
export async function allowedPerson(
  deps: DeskDeps,
  key: ApiKey,
  personId: string,
): Promise<Person | undefined> {
  const person = await deps.people.get(personId);
  const allowed =
    person !== undefined &&
    (key.scope.kind === 'admin' ||
      (person.role === 'contact' && person.organisationId === key.scope.organisationId));
  return allowed ? person : undefined;
}

/** The same answer for an unknown person as for one the key may not use, so ids cannot be probed. */
export const personNotAllowed = (personId: string) =>
  new HttpError(403, 'personNotAllowed', 'api.errors.personNotAllowed', { person: personId });

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
