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
