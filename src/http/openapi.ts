import { z } from 'zod';
import packageJson from '../../package.json' with { type: 'json' };
import { personHeader } from './request-schemas.ts';
import { ERROR } from './routes/common.ts';
import type { Documented, Route } from './router.ts';

type Json = Record<string, unknown>;

const REFUSALS: Record<number, string> = {
  400: 'The request did not validate; `issues` lists every problem',
  401: 'Missing, unknown or revoked API key; nothing was written',
  403: 'The key or the acting person may not do this',
  404: 'No such resource, or one the caller may not see',
  409: 'The ticket’s state does not allow it now (e.g. already claimed by someone else)',
  413: 'The body is larger than 64 KiB',
  415: 'The body is not JSON',
  422: 'Well-formed, but against the contract’s terms (e.g. an unknown priority)',
  500: 'Unexpected failure; the message carries a request id to quote',
  503: 'The database cannot be reached right now; try again after `Retry-After` seconds',
};

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** `/api/tickets/:id` → `/api/tickets/{id}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function jsonSchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Json;
  return rest;
}

/** One OpenAPI parameter per member of an object schema (path, query and header parameters). */
function parameters(where: 'path' | 'query' | 'header', schema: z.ZodType | undefined): Json[] {
  if (!schema) return [];
  const object = jsonSchema(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      // Headers as people write them: X-Sladesk-Person, Idempotency-Key.
      name:
        where === 'header'
          ? name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
          : name,
      in: where,
      required: where === 'path' || (object.required ?? []).includes(name),
      schema: propertySchema,
      ...(description ? { description } : {}),
    };
  });
}

function refusalStatuses(route: Route): number[] {
  const statuses = new Set<number>(route.refusals ?? []);
  if (route.params || route.query || route.body || route.access === 'person') statuses.add(400);
  if (route.body) [413, 415].forEach((status) => statuses.add(status));
  if (route.access !== 'public') statuses.add(401);
  if (route.access !== 'public') statuses.add(403);
  statuses.add(500);
  if (route.access !== 'public') statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
}

/**
 * The OpenAPI 3.1 document for `routes`, from the same zod schemas that validate requests. Named
 * schemas go under components and are referenced, so a ticket is described once.
 */
export function buildApiDescription(routes: readonly Route[]): Json {
  const registry = z.registry<{ id: string }>();
  const named = new Map<string, z.ZodType>();
  const use = ({ name, zod }: { name: string; zod: z.ZodType }) => {
    const known = named.get(name);
    if (known && known !== zod) throw new Error(`two different schemas are both named ${name}`);
    if (!known) {
      named.set(name, zod);
      registry.add(zod, { id: name });
    }
    return schemaRef(name);
  };
  const content = (documented: Documented) => {
    if (documented.schema) return { 'application/json': { schema: use(documented.schema) } };
    return { [documented.mediaType ?? 'application/json']: {} };
  };
  const errorContent = { 'application/json': { schema: use(ERROR) } };

  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const responses: Json = {};
    for (const [status, documented] of Object.entries(route.responses)) {
      responses[status] = { description: documented.description, content: content(documented) };
    }
    for (const status of refusalStatuses(route)) {
      responses[String(status)] ??= { description: REFUSALS[status] ?? 'Refused', content: errorContent };
    }
    const operation: Json = {
      operationId: route.name,
      summary: route.summary,
      tags: [route.tag],
      security: route.access === 'public' ? [] : [{ apiKey: [] }],
      parameters: [
        ...parameters('path', route.params),
        ...parameters('query', route.query),
        ...(route.access === 'person' ? parameters('header', personHeader) : []),
        ...parameters('header', route.headers),
        { $ref: '#/components/parameters/AcceptLanguage' },
      ],
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: use(route.body) } } } }
        : {}),
      responses,
    };
    (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation;
  }

  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Json> };
  const components = Object.fromEntries(
    Object.entries(schemas).map(([name, { $schema: _dialect, $id: _id, ...schema }]) => [name, schema]),
  );

  return {
    openapi: '3.1.0',
    info: {
      title: 'sladesk API',
      version: packageJson.version,
      description:
        'Tickets, alerts and the desk’s directory. Errors are always {"error": {"code", "message", "issues"?}}, ' +
        'the message in the language of Accept-Language (sv or en), else of the acting person.',
    },
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key of an organisation or of the desk’s admins: `Authorization: Bearer sdk_…`',
        },
      },
      parameters: {
        AcceptLanguage: {
          name: 'Accept-Language',
          in: 'header',
          required: false,
          schema: { type: 'string', examples: ['sv', 'en'] },
          description:
            'The language of error messages: sv or en; without it, the acting person’s language, else their organisation’s (or the API key’s), else the desk’s default',
        },
      },
      schemas: components,
    },
  };
}
