/**
 * A small HTTP load driver for the benchmarks: a fixed pool of keep-alive connections (node:http,
 * no extra dependency), a loop that keeps a fixed number of requests in flight, and percentiles.
 */
import { Agent, request as httpRequest } from 'node:http';

export interface Reply {
  status: number;
  text: string;
  /** From writing the request to the end of the answer, in ms. */
  ms: number;
  /** Set when the request failed below HTTP (connection refused, reset, …); status is then 0. */
  failure?: string;
}

export interface HttpClient {
  /** A `Buffer` body is sent as it is (the caller sets its content type); anything else as JSON. */
  call(method: string, path: string, headers?: Record<string, string>, body?: unknown): Promise<Reply>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/** At most `connections` sockets to `baseUrl`, kept alive between requests. */
export function httpClient(baseUrl: string, connections: number): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const { hostname, port } = new URL(baseUrl);
  const host = hostname.replace(/^\[|\]$/g, '');
  return {
    call(method, path, headers = {}, body) {
      const asIs = Buffer.isBuffer(body);
      const payload =
        body === undefined ? undefined : asIs ? body : Buffer.from(JSON.stringify(body), 'utf8');
      return new Promise<Reply>((resolve) => {
        const started = performance.now();
        const done = (reply: Omit<Reply, 'ms'>) => resolve({ ...reply, ms: performance.now() - started });
        const req = httpRequest(
          {
            agent,
            host,
            port,
            method,
            path,
            headers: {
              ...headers,
              ...(payload && !asIs ? { 'content-type': 'application/json' } : {}),
              ...(payload ? { 'content-length': String(payload.length) } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
            );
            res.on('error', (error) => done({ status: 0, text: '', failure: String(error) }));
          },
        );
        req.on('error', (error) => done({ status: 0, text: '', failure: String(error) }));
        req.end(payload);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

export interface Run<T> {
  results: T[];
  wallMs: number;
}

/** Runs `task(0…n-1)` with `concurrency` of them in flight at any time; results in index order. */
export async function drive<T>(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<Run<T>> {
  const results = new Array<T>(n);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return { results, wallMs: performance.now() - started };
}

export interface Latency {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of the given durations (ms). */
export function latency(samples: readonly number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN;
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    n: s.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: s.at(-1) ?? Number.NaN,
    mean: sum / s.length,
  };
}

export const fmtMs = (ms: number): string =>
  !Number.isFinite(ms)
    ? '-'
    : ms < 10
      ? `${ms.toFixed(2)} ms`
      : ms < 1000
        ? `${ms.toFixed(1)} ms`
        : `${(ms / 1000).toFixed(2)} s`;

export const fmtPerS = (x: number): string =>
  !Number.isFinite(x) ? '-' : x >= 1000 ? `${(x / 1000).toFixed(2)} k/s` : `${x.toFixed(1)} /s`;

export const row = (cols: readonly string[], widths: readonly number[]): string =>
  '  ' + cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
