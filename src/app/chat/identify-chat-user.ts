import { DomainError } from '../../domain/domain-error.ts';
import { isDeskSide, withIdentity, type Identity, type Person } from '../../domain/desk/people.ts';
import type { DeskDeps } from '../desk-deps.ts';
import { linkIdentity } from '../directory.ts';
import { isRegisteredContact } from '../policy.ts';
import type { ChatUser } from './chat-user.ts';

/**
 * The person a chat user is: by the identity they have on the platform, else (first contact) by
 * the e-mail address the platform gives, and then that identity is linked to them. Only the desk's
 * people and customers' registered contacts are anyone here; everyone else is refused with
 * `notAContact` naming their platform user, and nothing is stored for them.
 */
export async function identifyChatUser(
  deps: DeskDeps,
  { identity, email, external }: ChatUser,
): Promise<Person> {
  const known = await deps.people.findByIdentity(identity.channel, identity.externalId);
  if (known) {
    if (!(await mayAct(deps, known))) throw notAContact(identity);
    // Seen again with newer platform details (a Teams conversation since installed): keep them.
    const unchanged = withIdentity(known.identities, identity) === known.identities;
    return unchanged ? known : linkIdentity(deps, known.id, identity);
  }
  const matches = email ? await deps.people.findByEmail(email) : [];
  const allowed: Person[] = [];
  for (const person of matches) {
    if (external && isDeskSide(person)) continue;
    if (await mayAct(deps, person)) allowed.push(person);
  }
  if (allowed.length === 0) throw notAContact(identity);
  // Two records with one address (a contact of two customers): which one is theirs is not ours to guess.
  if (allowed.length > 1) {
    throw new DomainError('chatUserAmbiguous', {
      platform: identity.channel,
      externalId: identity.externalId,
    });
  }
  return linkIdentity(deps, allowed[0]!.id, identity);
}

async function mayAct(deps: DeskDeps, person: Person): Promise<boolean> {
  if (isDeskSide(person)) return true;
  const organisation = person.organisationId
    ? await deps.organisations.get(person.organisationId)
    : undefined;
  return organisation !== undefined && isRegisteredContact(person, organisation);
}

const notAContact = (identity: Identity): DomainError =>
  new DomainError('notAContact', { platform: identity.channel, externalId: identity.externalId });
