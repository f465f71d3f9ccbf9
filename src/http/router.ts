import type { z } from 'zod';
import type { Person } from '../domain/desk/people.ts';
import type { Locale } from '../i18n/translate.ts';
import type { ApiKey } from '../app/ports.ts';
import type { HttpServices } from './services.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Who may call a route: `public` needs no key (probes, the API description), `admin` an admin key,
 * `organisation` an organisation's key or an admin key, `person` any key plus the acting person
 * in `X-Sladesk-Person`.
 */
export type Access = 'public' | 'admin' | 'organisation' | 'person';

export interface Reply {
  status: number;
  body?: unknown;
  /** A non-JSON answer (Prometheus text); `body` is then unused. */
  text?: { contentType: string; payload: string };
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The API key the request came with; absent only on public routes. */
  key: ApiKey | undefined;
  /** The person acting, on `person` routes. */
  actor: Person | undefined;
  /** The request's headers as the route's `headers` schema read them. */
  headers: Record<string, unknown>;
  /** The language to word an answer in: Accept-Language, else the acting person's (see RequestLanguage). */
  language: () => Promise<Locale>;
  services: HttpServices;
}

export interface Documented {
  description: string;
  /** Named, so the API description shows it once under components. */
  schema?: { name: string; zod: z.ZodType };
  /** For answers that are not described by a schema; JSON by default. */
  mediaType?: string;
}

interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  /** The OpenAPI operationId. */
  name: string;
  method: Method;
  /** Literal segments and `:name` parameters, e.g. `/api/tickets/:id`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: { name: string; zod: B };
  /** Headers the route reads beyond the acting person's. */
  headers?: z.ZodObject;
  responses: Record<number, Documented>;
  /** Statuses of the refusals this route may give beyond the ones its access and input imply. */
  refusals?: readonly number[];
  handle(context: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<Reply>;
}

/** A route with its types erased, as the router and the API description see it. */
export type Route = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

/** Declares a route; the handler's parameters get the types of its schemas. */
export function route<
  P extends z.ZodType = z.ZodType<object>,
  Q extends z.ZodType = z.ZodType<object>,
  B extends z.ZodType = z.ZodType<undefined>,
>(spec: RouteSpec<P, Q, B>): Route {
  return spec as unknown as Route;
}

export type Match = { route: Route; params: Record<string, string> } | { allowed: Method[] } | undefined;

function matchPath(pattern: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index]!;
    if (part.startsWith(':') && segment !== '') params[part.slice(1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** The route for a request: a match, the methods the path does allow (405), or nothing (404). */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): Match {
  const segments = decodeSegments(pathname);
  if (!segments) return undefined;
  const allowed: Method[] = [];
  for (const candidate of routes) {
    const params = matchPath(candidate.path, segments);
    if (!params) continue;
    if (candidate.method === method) return { route: candidate, params };
    allowed.push(candidate.method);
  }
  return allowed.length > 0 ? { allowed } : undefined;
}
