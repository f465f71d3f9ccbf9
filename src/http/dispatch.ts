import type { IncomingMessage } from 'node:http';
import { allowedPerson, authenticate, personNotAllowed, requireAdmin } from './auth.ts';
import { readJsonBody } from './body.ts';
import type { RequestLanguage } from './locale.ts';
import { personHeader } from './request-schemas.ts';
import type { Reply, Route } from './router.ts';
import type { HttpServices } from './services.ts';
import { validateParts } from './validation.ts';

export interface Dispatch {
  route: Route;
  params: Record<string, string>;
  search: string;
  request: IncomingMessage;
  /** Told who calls and who acts as soon as that is known, so refusals are in their language. */
  language: RequestLanguage;
  services: HttpServices;
  bodyLimit: number;
  /** Filled in for the request log: which key called (its public id). */
  trace: { keyId?: string };
}

/**
 * Runs a matched route: key first (so an unauthenticated caller costs no body reading and writes
 * nothing), then the body, then the acting person looked up (so that even a refusal of the input
 * is in their language), then every part validated, then the acting person checked, then the
 * handler.
 */
export async function dispatch({
  route,
  params,
  search,
  request,
  language,
  services,
  bodyLimit,
  trace,
}: Dispatch): Promise<Reply> {
  const key = route.access === 'public' ? undefined : await authenticate(request, services.apiKeys);
  trace.keyId = key?.id;
  if (key) language.keyIs(key);
  if (key && route.access === 'admin') requireAdmin(key);
  // No body at all reads as an empty object, so each missing field is named; `null` is still an error.
  const raw = route.body ? await readJsonBody(request, bodyLimit) : undefined;
  const body = route.body && raw === undefined ? {} : raw;
  const query = Object.fromEntries(new URLSearchParams(search));
  const named = route.access === 'person' ? personHeader.safeParse(request.headers) : undefined;
  const personId = named?.success ? named.data['x-sladesk-person'] : undefined;
  const actor = key && personId !== undefined ? await allowedPerson(services.deps, key, personId) : undefined;
  if (actor) language.actorIs(actor);
  const input = await validateParts(
    {
      ...(route.params ? { path: { schema: route.params, input: params } } : {}),
      ...(route.query ? { query: { schema: route.query, input: query } } : {}),
      ...(route.body ? { body: { schema: route.body.zod, input: body } } : {}),
      ...(route.access === 'person' || route.headers
        ? {
            header: {
              schema:
                route.access === 'person' ? personHeader.extend(route.headers?.shape ?? {}) : route.headers!,
              input: request.headers,
            },
          }
        : {}),
    },
    () => language.locale(),
  );
  if (personId !== undefined && !actor) throw personNotAllowed(personId);
  return route.handle({
    params: input.path ?? {},
    query: input.query ?? {},
    body: input.body,
    key,
    actor,
    headers: (input.header as Record<string, unknown> | undefined) ?? {},
    language: () => language.locale(),
    services,
  });
}
