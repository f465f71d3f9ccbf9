import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { DeskDeps } from '../../../src/app/desk-deps.ts';
import type { HealthStatus } from '../../../src/http/services.ts';
import { createHttpServer, type PlatformEndpoint } from '../../../src/http/server.ts';
import type { ApiKeyRepository } from '../../../src/app/ports.ts';
import { useTestDesk, type TestDesk } from '../../support/test-desk.ts';

export interface CallOptions {
  key?: string;
  person?: string;
  body?: unknown;
  /** Sent as is, instead of `body` as JSON. */
  raw?: string;
  lang?: string;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  // Whatever JSON the server sent: tests look into it freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
  headers: Headers;
}

export interface LoggedLine {
  level: 'info' | 'error';
  details: Record<string, unknown>;
  message: string;
}

export interface TestApi {
  url: string;
  desk: TestDesk;
  apiKeys: ApiKeyRepository;
  adminKey: string;
  log: LoggedLine[];
  /** What /healthz and /readyz will be told; tests flip it. */
  health: { database: boolean; jobs: boolean };
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** A key for the organisation, made through the admin API. */
  organisationKey(organisationId: string): Promise<string>;
}

export async function request(
  url: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.person) headers['x-sladesk-person'] = options.person;
  if (options.lang) headers['accept-language'] = options.lang;
  let payload: string | undefined = options.raw;
  if (payload === undefined && options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, headers: response.headers };
}

/**
 * The HTTP API on 127.0.0.1:0 over the real store (this file's own database), with recording
 * notifier and timer ports, an admin key, and a logger that keeps what it is told.
 */
export function useTestApi(
  options: {
    defaultLocale?: 'sv' | 'en';
    wrapDeps?: (deps: DeskDeps) => DeskDeps;
    platformEndpoints?: ReadonlyMap<string, PlatformEndpoint>;
  } = {},
): () => TestApi {
  const desk = useTestDesk();
  let api: TestApi | undefined;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const apiKeys = desk().store.apiKeys;
    const log: LoggedLine[] = [];
    const health: HealthStatus = { database: true, jobs: true };
    const deps = options.wrapDeps ? options.wrapDeps(desk().deps) : desk().deps;
    const server = createHttpServer({
      deps,
      settings: desk().store.deskSettings,
      apiKeys,
      health: async () => {
        if (!health.database) throw new Error('database unreachable');
        return { ...health };
      },
      logger: {
        info: (details, message) =>
          log.push({ level: 'info', details: details as Record<string, unknown>, message }),
        error: (details, message) =>
          log.push({ level: 'error', details: details as Record<string, unknown>, message }),
      },
      defaultLocale: options.defaultLocale ?? 'sv',
      registries: [desk().metrics],
      ...(options.platformEndpoints ? { platformEndpoints: options.platformEndpoints } : {}),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    const { key: adminKey } = await apiKeys.create({ kind: 'admin' }, 'tests');
    const call = (method: string, path: string, callOptions?: CallOptions) =>
      request(url, method, path, callOptions);
    api = {
      url,
      desk: desk(),
      apiKeys,
      adminKey,
      log,
      health,
      call,
      async organisationKey(organisationId) {
        const answer = await call('POST', `/api/organisations/${organisationId}/api-keys`, {
          key: adminKey,
          body: { label: 'tests' },
        });
        if (answer.status !== 201) throw new Error(`could not make a key: ${answer.text}`);
        return answer.body.key as string;
      },
    };
  });

  afterAll(async () => {
    await close?.();
  });

  return () => {
    if (!api) throw new Error('useTestApi: the API starts in beforeAll; use it inside tests or hooks');
    return api;
  };
}
