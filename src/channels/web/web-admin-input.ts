import { z } from 'zod';
import { PLACE_ID } from '../../app/chat/customer-places.ts';
import type { ContractCatalogue } from '../../app/ports.ts';
import { PRESETS } from '../../contracts/presets.ts';
import { LOCALES } from '../../domain/locale.ts';
import { CHECKBOX, FORM_FIELDS, SUBMISSION } from './web-input.ts';

/** The chat channels a triage place or a customer place belongs to. */
export const PLACE_CHANNELS = ['slack', 'teams', 'web'] as const;

const line = (max: number) => z.string().trim().min(1).max(max);
/** An id the desk made (a person's, an organisation's). */
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** A form's empty field is a field left out. */
const blankless = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const form = { submission: SUBMISSION, ...FORM_FIELDS };

export const organisationForm = z.object({
  ...form,
  name: line(200),
  contractId: line(64),
  locale: z.enum(LOCALES),
});

export const personForm = z.object({
  ...form,
  name: line(200),
  email: blankless(z.email().max(320)),
  locale: blankless(z.enum(LOCALES)),
});

export const agentForm = personForm.extend({ admin: CHECKBOX });

export const ladderForm = z.object({
  ...form,
  incidentManagerId: blankless(id),
  accountOwnerId: blankless(id),
});

export const ceoForm = z.object({ ...form, personId: id });

export const triageForm = z.object({ ...form, channel: z.enum(PLACE_CHANNELS), target: line(256) });

export const placeForm = z.object({
  ...form,
  channel: z.enum(PLACE_CHANNELS),
  place: z.string().trim().regex(PLACE_ID),
});

/**
 * The contracts an organisation can be given: the catalogue's, when it can list them (the loaded
 * catalogue can), else the seed presets; the port itself only looks contracts up.
 */
export function contractIds(catalogue: ContractCatalogue): string[] {
  const listing = catalogue as ContractCatalogue & { ids?: () => string[] };
  return typeof listing.ids === 'function' ? listing.ids() : Object.values(PRESETS).map((terms) => terms.id);
}
