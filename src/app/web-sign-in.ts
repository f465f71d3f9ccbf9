import type { Organisation } from '../domain/desk/organisation.ts';
import type { Person } from '../domain/desk/people.ts';
import { DomainError } from '../domain/domain-error.ts';
import type {
  Clock,
  OrganisationRepository,
  PersonRepository,
  SignInAttempts,
  SignInLinks,
  TokenSource,
  UnusableLink,
  WebSession,
  WebSessions,
} from './ports.ts';

/** What signing in to the web desk needs from the outside world. */
export interface WebSignInDeps {
  clock: Clock;
  people: Pick<PersonRepository, 'get' | 'findByEmail'>;
  organisations: Pick<OrganisationRepository, 'get'>;
  links: SignInLinks;
  attempts: SignInAttempts;
  sessions: WebSessions;
  tokens: TokenSource;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const SIGN_IN_LIMITS = {
  /** A link lasts this long, and is used once. */
  linkMs: 15 * MINUTE,
  /** At most this many link requests per address per window. */
  requestsPerWindow: 5,
  windowMs: 15 * MINUTE,
  /** A session not seen for this long ends… */
  idleMs: 12 * HOUR,
  /** …and every session ends this long after it began. */
  absoluteMs: 7 * 24 * HOUR,
  /** A session's last-seen time is written at most this often. */
  touchEveryMs: MINUTE,
} as const;

/** Someone who may sign in, with the organisation they act for (a contact's). */
export interface SignedInPerson {
  person: Person;
  organisation?: Organisation;
}

/**
 * Who may sign in: the desk's agents and admins, and contacts still on their organisation's list.
 * A removed contact, or a person no longer there, may not, whatever link or session they hold.
 */
export async function mayUseWebDesk(
  deps: Pick<WebSignInDeps, 'people' | 'organisations'>,
  personId: string,
): Promise<SignedInPerson | undefined> {
  const person = await deps.people.get(personId);
  if (!person) return undefined;
  if (person.role !== 'contact') return { person };
  if (!person.organisationId) return undefined;
  const organisation = await deps.organisations.get(person.organisationId);
  if (!organisation?.contactIds.includes(person.id)) return undefined;
  return { person, organisation };
}

export interface IssuedLink {
  person: SignedInPerson;
  /** The token, to be put in the link; it exists nowhere else. */
  token: string;
  expiresAt: Date;
}

export type LinkRequest = { kind: 'accepted'; links: IssuedLink[] } | { kind: 'limited'; retryAt: Date };

/**
 * A link for everyone who may sign in with `email` (an address is not unique: one human can be a
 * contact of two customers, each their own person); none for an address nobody has. The caller
 * answers the same either way. Past the limit per address and window, nothing is made.
 */
export async function requestSignInLinks(deps: WebSignInDeps, email: string): Promise<LinkRequest> {
  const now = deps.clock.now();
  const windowStart = Math.floor(now.getTime() / SIGN_IN_LIMITS.windowMs) * SIGN_IN_LIMITS.windowMs;
  const windowEnd = new Date(windowStart + SIGN_IN_LIMITS.windowMs);
  const addressKey = deps.tokens.digest(email.trim().toLowerCase());
  const count = await deps.attempts.count(addressKey, new Date(windowStart), windowEnd);
  if (count > SIGN_IN_LIMITS.requestsPerWindow) return { kind: 'limited', retryAt: windowEnd };
  const links: IssuedLink[] = [];
  for (const candidate of await deps.people.findByEmail(email)) {
    const person = await mayUseWebDesk(deps, candidate.id);
    if (person) links.push(await issueLink(deps, person));
  }
  return { kind: 'accepted', links };
}

/** A link for one person by id (the operator's `sladesk web link`); notFound for someone who may not sign in. */
export async function signInLinkFor(deps: WebSignInDeps, personId: string): Promise<IssuedLink> {
  const person = await mayUseWebDesk(deps, personId);
  if (!person) throw new DomainError('notFound', { person: personId });
  return issueLink(deps, person);
}

async function issueLink(deps: WebSignInDeps, person: SignedInPerson): Promise<IssuedLink> {
  const token = deps.tokens.token();
  const createdAt = deps.clock.now();
  const expiresAt = new Date(createdAt.getTime() + SIGN_IN_LIMITS.linkMs);
  await deps.links.add({
    tokenHash: deps.tokens.digest(token),
    personId: person.person.id,
    createdAt,
    expiresAt,
  });
  return { person, token, expiresAt };
}

export interface StartedSession extends SignedInPerson {
  /** The session id, for the cookie; stored only as its hash. */
  sessionId: string;
  csrfToken: string;
  /** When the session ends at the latest, whatever its use. */
  endsAt: Date;
}

/**
 * Uses a link: a new session for its person, once. A used, expired or unknown link makes nothing;
 * nor does one whose person may no longer sign in (told apart from an unknown one by nobody).
 */
export async function useSignInLink(
  deps: WebSignInDeps,
  token: string,
): Promise<{ kind: 'session'; session: StartedSession } | { kind: UnusableLink }> {
  const now = deps.clock.now();
  const used = await deps.links.use(deps.tokens.digest(token), now);
  if ('unusable' in used) return { kind: used.unusable };
  const person = await mayUseWebDesk(deps, used.personId);
  if (!person) return { kind: 'unknown' };
  const sessionId = deps.tokens.token();
  const session: WebSession = {
    idHash: deps.tokens.digest(sessionId),
    personId: person.person.id,
    csrfToken: deps.tokens.token(),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: expiryAt(now, now),
  };
  await deps.sessions.add(session);
  const endsAt = new Date(now.getTime() + SIGN_IN_LIMITS.absoluteMs);
  return { kind: 'session', session: { ...person, sessionId, csrfToken: session.csrfToken, endsAt } };
}

const expiryAt = (createdAt: Date, seenAt: Date): Date =>
  new Date(
    Math.min(seenAt.getTime() + SIGN_IN_LIMITS.idleMs, createdAt.getTime() + SIGN_IN_LIMITS.absoluteMs),
  );

export interface CurrentSession extends SignedInPerson {
  session: WebSession;
}

/**
 * The session `sessionId` names, if it is still good: not expired (idle or absolute), its person
 * still there and still allowed in. One that is not good is removed. Its last-seen time moves on.
 */
export async function currentSession(
  deps: WebSignInDeps,
  sessionId: string,
): Promise<CurrentSession | undefined> {
  const now = deps.clock.now();
  const idHash = deps.tokens.digest(sessionId);
  const session = await deps.sessions.get(idHash);
  if (!session) return undefined;
  const person = session.expiresAt > now ? await mayUseWebDesk(deps, session.personId) : undefined;
  if (!person) {
    await deps.sessions.remove(idHash);
    return undefined;
  }
  if (now.getTime() - session.lastSeenAt.getTime() >= SIGN_IN_LIMITS.touchEveryMs) {
    const expiresAt = expiryAt(session.createdAt, now);
    await deps.sessions.touch(idHash, now, expiresAt);
    return { ...person, session: { ...session, lastSeenAt: now, expiresAt } };
  }
  return { ...person, session };
}

/** Signs out: the session is gone. */
export async function endSession(deps: WebSignInDeps, session: WebSession): Promise<void> {
  await deps.sessions.remove(session.idHash);
}
