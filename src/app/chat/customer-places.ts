import type { DeskDeps } from '../desk-deps.ts';
import { loadOrganisation } from '../ticket-changes.ts';
import type { CustomerPlace } from '../ports.ts';

/**
 * A place as the desk names it: a Slack channel id (`C0123ABCD`) or a Teams channel's id
 * (`19:…@thread.tacv2`). Never a reply chain (`;messageid=`) nor anything with a `|`: a mapping
 * names a whole channel.
 */
export const PLACE_ID = /^[A-Za-z0-9._:@-]{1,200}$/;

/**
 * Maps a platform place (a Slack channel, Slack Connect or internal) to the customer whose
 * contacts write there: their top-level messages there open tickets for it, and its thread is the
 * ticket's public conversation. The organisation must exist; the place may be mapped again.
 */
export async function mapCustomerPlace(deps: DeskDeps, mapping: CustomerPlace): Promise<CustomerPlace[]> {
  await loadOrganisation(deps, mapping.organisationId);
  await deps.customerPlaces.map(mapping);
  return deps.customerPlaces.list();
}

/** Unmaps a place: messages there are nobody's tickets from then on. Returns whether it was mapped. */
export async function unmapCustomerPlace(
  deps: DeskDeps,
  channel: string,
  place: string,
): Promise<{ unmapped: boolean; places: CustomerPlace[] }> {
  const unmapped = await deps.customerPlaces.unmap(channel, place);
  return { unmapped, places: await deps.customerPlaces.list() };
}

export const customerPlaces = (deps: DeskDeps): Promise<CustomerPlace[]> => deps.customerPlaces.list();
