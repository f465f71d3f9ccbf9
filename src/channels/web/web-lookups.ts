import type { DeskDeps } from '../../app/desk-deps.ts';
import type { Organisation } from '../../domain/desk/organisation.ts';

const known = (ids: Iterable<string | undefined>) => [
  ...new Set([...ids].filter((id): id is string => id !== undefined)),
];

/** The organisations of a page's tickets, each read once. */
export async function organisationsOf(
  deps: DeskDeps,
  ids: Iterable<string | undefined>,
): Promise<Map<string, Organisation>> {
  const wanted = known(ids);
  const found = await Promise.all(wanted.map((id) => deps.organisations.get(id)));
  return new Map(found.filter((o): o is Organisation => o !== undefined).map((o) => [o.id, o]));
}

/** The names of the people a page mentions (assignees, authors, actors), each read once. */
export async function namesOf(
  deps: DeskDeps,
  ids: Iterable<string | undefined>,
): Promise<Map<string, string>> {
  const wanted = known(ids);
  const people = await Promise.all(wanted.map((id) => deps.people.get(id)));
  return new Map(wanted.map((id, i) => [id, people[i]?.name ?? id]));
}
