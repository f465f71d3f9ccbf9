import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface HttpMetrics {
  readonly registry: Registry;
  /** One finished request; `route` is the route's pattern, so ids never become label values. */
  observeRequest(labels: { method: string; route: string; status: number }, seconds: number): void;
}

/** Prometheus instruments on a registry of their own, so several servers in one process never clash. */
export function createHttpMetrics(others: readonly Registry[] = []): HttpMetrics {
  const own = new Registry();
  collectDefaultMetrics({ register: own });
  const requests = new Counter({
    name: 'sladesk_http_requests_total',
    help: 'HTTP requests answered, by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [own],
  });
  const duration = new Histogram({
    name: 'sladesk_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [own],
  });
  // Merged once every instrument is on its registry: a merge copies what is there.
  const registry = others.length > 0 ? Registry.merge([own, ...others]) : own;
  return {
    registry,
    observeRequest({ method, route, status }, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
