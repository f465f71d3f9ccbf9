import type { DeskDeps } from '../app/desk-deps.ts';
import type { DeskSettingsRepository } from '../app/ports.ts';
import type { ApiKeyRepository } from '../app/ports.ts';
import type { HttpMetrics } from './metrics.ts';

export interface HealthStatus {
  database: boolean;
  jobs: boolean;
}

/** What route handlers work with. */
export interface HttpServices {
  deps: DeskDeps;
  settings: DeskSettingsRepository;
  apiKeys: ApiKeyRepository;
  /** Never throws: a failing or slow check reads as down. */
  health: () => Promise<HealthStatus>;
  metrics: HttpMetrics;
  /** The OpenAPI document, built once from the routes' own schemas. */
  apiDescription: () => object;
}
