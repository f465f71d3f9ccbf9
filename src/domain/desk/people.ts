import type { Locale } from '../locale.ts';

/** The chat tools and other places a person can be reached from. */
export const CHANNELS = ['slack', 'teams', 'web', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * One way a person is known on one channel, with what that platform needs to reach them.
 * `externalId` is what the person is looked up by: the Slack user id, the Teams (AAD) object id,
 * the web login, the e-mail address.
 */
export type Identity =
  | { channel: 'slack'; externalId: string; teamId?: string }
  | {
      channel: 'teams';
      externalId: string;
      tenantId?: string;
      /** The 1:1 conversation the bot was installed in, kept to message the person proactively. */
      conversation?: { id: string; serviceUrl: string };
    }
  | { channel: 'web'; externalId: string }
  | { channel: 'email'; externalId: string };

/** Contacts belong to a customer organisation; agents and admins work on the desk's side. */
export type Role = 'contact' | 'agent' | 'admin';

export interface Person {
  id: string;
  name: string;
  role: Role;
  /** Set for contacts: the customer they act for. */
  organisationId?: string;
  email?: string;
  locale?: Locale;
  identities: Identity[];
  /** Counts the saves; set by the store, which refuses a save of a version someone else moved on from. */
  version?: number;
}

export const isDeskSide = (person: Person): boolean => person.role === 'agent' || person.role === 'admin';

/** The same identity: one channel, one external id (platform details aside). */
export const sameIdentity = (a: Identity, b: Identity): boolean =>
  a.channel === b.channel && a.externalId === b.externalId;

/**
 * A person's identities after the platform showed `seen` again: added when new; when known, its
 * platform details brought up to date by what was seen (a detail the platform left out is kept).
 * The same array when nothing changed, so a caller can tell and save nothing.
 */
export function withIdentity(identities: Identity[], seen: Identity): Identity[] {
  const known = identities.find((own) => sameIdentity(own, seen));
  if (!known) return [...identities, seen];
  const given = Object.fromEntries(Object.entries(seen).filter(([, value]) => value !== undefined));
  const updated = { ...known, ...given } as Identity;
  if (details(updated) === details(known)) return identities;
  return identities.map((own) => (own === known ? updated : own));
}

const details = (identity: Identity): string => {
  const { teamId, tenantId, conversation } = identity as {
    teamId?: string;
    tenantId?: string;
    conversation?: { id: string; serviceUrl: string };
  };
  return JSON.stringify([teamId, tenantId, conversation?.id, conversation?.serviceUrl]);
};
