import type { Registry } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DeskDeps } from '../app/desk-deps.ts';
import type { DeskSettingsRepository } from '../app/ports.ts';
import type { Locale } from '../i18n/translate.ts';
import { errorAnswer, internalError, send } from './answer.ts';
import type { ApiKeyRepository } from '../app/ports.ts';
import { BODY_LIMIT_BYTES } from './body.ts';
import { dispatch } from './dispatch.ts';
import { databaseUnavailable, toHttpError } from './error-mapping.ts';
import { guardedHealth } from './health-guard.ts';
import { HttpError } from './http-error.ts';
import { preferredLocale, RequestLanguage } from './locale.ts';
import { createHttpMetrics } from './metrics.ts';
import { buildApiDescription } from './openapi.ts';
import { matchRoute } from './router.ts';
import { ROUTES } from './routes/index.ts';
import type { HealthStatus, HttpServices } from './services.ts';

export interface HttpLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/**
 * An endpoint a chat platform calls (Slack's /slack/events): it reads the raw request itself, to
 * check the platform's signature over the exact bytes, and answers the way that platform expects.
 */
export type PlatformEndpoint = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export interface HttpServerOptions {
  deps: DeskDeps;
  settings: DeskSettingsRepository;
  apiKeys: ApiKeyRepository;
  health: () => Promise<HealthStatus>;
  logger: HttpLogger;
  /**
   * The language of answers when Accept-Language names none the desk speaks and neither the acting
   * person nor their (or the API key's) organisation has one.
   */
  defaultLocale: Locale;
  bodyLimitBytes?: number;
  /** A check slower than this reads as down, so probes answer in time. */
  healthTimeoutMs?: number;
  /** More figures to serve at /metrics (the desk's SLA and outbox figures). */
  registries?: readonly Registry[];
  /**
   * False while the database is known to be down: requests that need it answer 503 at once
   * instead of waiting for it. Public routes (health, readiness, the API description) still run.
   */
  databaseUp?: () => boolean;
  /**
   * Platform endpoints by exact path, served beside the API. A key ending in `/` (`/web/`) also
   * serves every path under it, and the path without the slash.
   */
  platformEndpoints?: ReadonlyMap<string, PlatformEndpoint>;
}

// A caller's own request id is kept only when it cannot smuggle anything into logs or headers.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The desk's HTTP API on plain node:http, not yet listening. Every answer is JSON (except the
 * Prometheus text at /metrics); every failure is `{ error: { code, message, issues? } }` with the
 * message in the caller's language, and nothing unexpected ever takes the process down.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const { logger, defaultLocale } = options;
  const bodyLimit = options.bodyLimitBytes ?? BODY_LIMIT_BYTES;
  let description: object | undefined;
  const services: HttpServices = {
    deps: options.deps,
    settings: options.settings,
    apiKeys: options.apiKeys,
    health: guardedHealth(options.health, options.healthTimeoutMs ?? 3000),
    metrics: createHttpMetrics(options.registries),
    apiDescription: () => (description ??= buildApiDescription(ROUTES)),
  };

  async function answer(
    request: IncomingMessage,
    requestId: string,
    language: RequestLanguage,
    trace: { route: string; keyId?: string },
  ) {
    const method = request.method ?? 'GET';
    const [pathname = '/', search = ''] = (request.url ?? '/').split('?', 2);
    try {
      const match = matchRoute(ROUTES, method, pathname);
      if (!match) throw new HttpError(404, 'notFound', 'api.errors.noSuchRoute');
      if ('allowed' in match) {
        const allow = [...new Set(match.allowed)].join(', ');
        const headers = { Allow: allow };
        throw new HttpError(
          405,
          'methodNotAllowed',
          'api.errors.methodNotAllowed',
          { method, allow },
          undefined,
          headers,
        );
      }
      trace.route = match.route.path;
      if (match.route.access !== 'public' && options.databaseUp?.() === false) throw databaseUnavailable();
      return await dispatch({ ...match, search, request, language, services, bodyLimit, trace });
    } catch (error) {
      const known = toHttpError(error);
      const locale = await language.locale();
      if (known) return errorAnswer(known, locale);
      logger.error({ err: error, requestId, method, ...trace }, 'request failed');
      return internalError(requestId, locale);
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const given = request.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    const asked = preferredLocale(request.headers['accept-language']);
    const language = new RequestLanguage(asked, defaultLocale, options.deps.organisations);
    const method = request.method ?? 'GET';
    // Metrics and logs name the route's pattern, never the ids in the path.
    const trace: { route: string; keyId?: string } = { route: 'unmatched' };
    const pathname = (request.url ?? '/').split('?', 1)[0]!;
    const found = endpointFor(options.platformEndpoints, pathname);
    const endpoint = found?.endpoint;
    try {
      if (endpoint) {
        // A prefix's paths carry tokens (a sign-in link's): logs and metrics name the prefix only.
        trace.route = found.route;
        await endpoint(request, response);
      } else {
        send(response, await answer(request, requestId, language, trace), requestId);
      }
    } catch (error) {
      // An answer that cannot be serialised, or an endpoint that threw, is our bug: say so
      // generically, never half a body.
      logger.error({ err: error, requestId, method, ...trace }, 'answer could not be sent');
      if (response.headersSent) response.destroy();
      else send(response, internalError(requestId, await language.locale()), requestId);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const status = response.statusCode;
    services.metrics.observeRequest({ method, route: trace.route, status }, seconds);
    logger.info({ requestId, method, ...trace, status, ms: Math.round(seconds * 1000) }, 'request');
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error }, 'request handling failed');
      response.destroy();
    });
  });
  // Slow or stalled clients must not hold connections for long.
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  return server;
}

/** The endpoint for `pathname`: one at that exact path, else the one whose `/`-ending prefix it is under. */
function endpointFor(
  endpoints: ReadonlyMap<string, PlatformEndpoint> | undefined,
  pathname: string,
): { endpoint: PlatformEndpoint; route: string } | undefined {
  if (!endpoints) return undefined;
  const exact = endpoints.get(pathname);
  if (exact) return { endpoint: exact, route: pathname.endsWith('/') ? `${pathname}*` : pathname };
  for (const [key, endpoint] of endpoints) {
    // The root is a page of its own, not the prefix of everything.
    if (key !== '/' && key.endsWith('/') && (pathname.startsWith(key) || pathname === key.slice(0, -1))) {
      return { endpoint, route: `${key}*` };
    }
  }
  return undefined;
}
