import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type { Locale } from '../i18n/translate.ts';
import { actingPerson, authenticate, requireAdmin } from './auth.ts';
import { readJsonBody } from './body.ts';
import { personHeader } from './request-schemas.ts';
import type { Reply, Route } from './router.ts';
import type { HttpServices } from './services.ts';
import { validateParts } from './validation.ts';

export interface Dispatch {
  route: Route;
  params: Record<string, string>;
  search: string;
  request: IncomingMessage;
  locale: Locale;
  services: HttpServices;
  bodyLimit: number;
  /** Filled in for the request log: which key called (its public id). */
  trace: { keyId?: string };
}

/**
 * Runs a matched route: key first (so an unauthenticated caller costs no body reading and writes
 * nothing), then the body, then every part validated, then the acting person, then the handler.
 */
export async function dispatch({
  route,
  params,
  search,
  request,
  locale,
  services,
  bodyLimit,
  trace,
}: Dispatch): Promise<Reply> {
  const key = route.access === 'public' ? undefined : await authenticate(request, services.apiKeys);
  trace.keyId = key?.id;
  if (key && route.access === 'admin') requireAdmin(key);
  // No body at all reads as an empty object, so each missing field is named; `null` is still an error.
  const raw = route.body ? await readJsonBody(request, bodyLimit) : undefined;
  const body = route.body && raw === undefined ? {} : raw;
  const query = Object.fromEntries(new URLSearchParams(search));
  const input = validateParts(
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
    locale,
  );
  const personId = (input.header as z.output<typeof personHeader> | undefined)?.['x-sladesk-person'];
  const actor = key && personId !== undefined ? await actingPerson(services.deps, key, personId) : undefined;
  return route.handle({
    params: input.path ?? {},
    query: input.query ?? {},
    body: input.body,
    key,
    actor,
    headers: (input.header as Record<string, unknown> | undefined) ?? {},
    locale,
    services,
  });
}
