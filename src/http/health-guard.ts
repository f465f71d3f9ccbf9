import type { HealthStatus } from './services.ts';

/** The health check as probes need it: a failing or slower-than-`timeoutMs` check reads as down. */
export function guardedHealth(
  health: () => Promise<HealthStatus>,
  timeoutMs: number,
): () => Promise<HealthStatus> {
  const down: HealthStatus = { database: false, jobs: false };
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<HealthStatus>((resolve) => {
      timer = setTimeout(() => resolve(down), timeoutMs);
    });
    try {
      return await Promise.race([health().catch(() => down), late]);
    } finally {
      clearTimeout(timer);
    }
  };
}
