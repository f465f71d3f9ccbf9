import type { Locale } from '../locale.ts';
import { DomainError } from '../domain-error.ts';

/** SPEC (004 §2.4): at most ten registered contacts per customer may open tickets. */
export const MAX_CONTACTS = 10;

/** A customer of the desk, with its contract and the provider-side people who answer for it. */
export interface Organisation {
  id: string;
  name: string;
  /** The contract id (a preset name or a loaded contract's id). */
  contractId: string;
  locale: Locale;
  timeZone: string;
  contactIds: string[];
  /** Escalation level 1: Incident & Problem Manager. */
  incidentManagerId?: string;
  /** Escalation level 2: account owner (Kundansvarig). */
  accountOwnerId?: string;
  /** Counts the saves; set by the store, which refuses a save of a version someone else moved on from. */
  version?: number;
}

export function addContact(organisation: Organisation, personId: string): Organisation {
  if (organisation.contactIds.includes(personId)) return organisation;
  if (organisation.contactIds.length >= MAX_CONTACTS) {
    throw new DomainError('tooManyContacts', { organisation: organisation.name, max: MAX_CONTACTS });
  }
  return { ...organisation, contactIds: [...organisation.contactIds, personId] };
}

export function removeContact(organisation: Organisation, personId: string): Organisation {
  if (!organisation.contactIds.includes(personId)) {
    throw new DomainError('notFound', { person: personId });
  }
  return { ...organisation, contactIds: organisation.contactIds.filter((id) => id !== personId) };
}
