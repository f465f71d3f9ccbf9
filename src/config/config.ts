import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import type { Locale } from '../domain/locale.ts';
import { environmentSchema, type LOG_LEVELS, type NODE_ENVS } from './schema.ts';

export type NodeEnv = (typeof NODE_ENVS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type { Locale };

export interface SlackCredentials {
  readonly botToken: string;
  readonly signingSecret: string;
  /** Socket Mode: present only when the app connects out instead of receiving HTTP events. */
  readonly appToken?: string;
}

export interface TeamsCredentials {
  readonly appId: string;
  readonly appPassword: string;
  /** Single-tenant bots name their tenant; multi-tenant bots leave it out. */
  readonly tenantId?: string;
}

export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly logLevel: LogLevel;
  readonly port: number;
  readonly host: string;
  /** Absent means: run the embedded FerretDB with its data under `dataDir`. */
  readonly mongodbUri?: string;
  readonly dataDir: string;
  readonly locale: Locale;
  /** Present only when Slack credentials are configured: the Slack channel starts only then. */
  readonly slack?: SlackCredentials;
  /** Present only when Teams credentials are configured: the Teams channel starts only then. */
  readonly teams?: TeamsCredentials;
  /** Human ticket ids read `<prefix>-<number>`, e.g. SD-1042. */
  readonly ticketPrefix: string;
  /** Contract files (.json/.yaml) loaded beside the built-in presets. */
  readonly contractsDir?: string;
  /** Every notification is also POSTed here (signed with the secret) when set. */
  readonly webhook?: { readonly url: string; readonly secret?: string };
}

/** A start-up stopper whose message is one line an operator can act on. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_DATA_DIR = resolve(REPO_ROOT, '.local/data');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues));
  const vars = parsed.data;

  const config: Config = {
    nodeEnv: vars.NODE_ENV,
    logLevel: vars.LOG_LEVEL,
    port: vars.PORT,
    host: vars.HOST,
    ...(vars.MONGODB_URI === undefined ? {} : { mongodbUri: vars.MONGODB_URI }),
    dataDir: resolve(vars.SLADESK_DATA_DIR ?? DEFAULT_DATA_DIR),
    locale: vars.SLADESK_LOCALE,
    ...(vars.SLACK_BOT_TOKEN !== undefined && vars.SLACK_SIGNING_SECRET !== undefined
      ? {
          slack: Object.freeze({
            botToken: vars.SLACK_BOT_TOKEN,
            signingSecret: vars.SLACK_SIGNING_SECRET,
            ...(vars.SLACK_APP_TOKEN === undefined ? {} : { appToken: vars.SLACK_APP_TOKEN }),
          }),
        }
      : {}),
    ...(vars.MICROSOFT_APP_ID !== undefined && vars.MICROSOFT_APP_PASSWORD !== undefined
      ? {
          teams: Object.freeze({
            appId: vars.MICROSOFT_APP_ID,
            appPassword: vars.MICROSOFT_APP_PASSWORD,
            ...(vars.MICROSOFT_APP_TENANT_ID === undefined ? {} : { tenantId: vars.MICROSOFT_APP_TENANT_ID }),
          }),
        }
      : {}),
    ticketPrefix: vars.SLADESK_TICKET_PREFIX,
    ...(vars.SLADESK_CONTRACTS_DIR === undefined ? {} : { contractsDir: resolve(vars.SLADESK_CONTRACTS_DIR) }),
    ...(vars.SLADESK_WEBHOOK_URL === undefined
      ? {}
      : {
          webhook: Object.freeze({
            url: vars.SLADESK_WEBHOOK_URL,
            ...(vars.SLADESK_WEBHOOK_SECRET === undefined ? {} : { secret: vars.SLADESK_WEBHOOK_SECRET }),
          }),
        }),
  };
  return Object.freeze(config);
}

// One line even when several variables are wrong: the first is explained, the rest are named.
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const [first, ...rest] = issues;
  if (!first) return 'invalid configuration';
  const variable = (issue: z.core.$ZodIssue) => issue.path.map(String).join('.') || 'environment';
  const others = [...new Set(rest.map(variable))].filter((name) => name !== variable(first));
  const also = others.length > 0 ? ` (also check ${others.join(', ')})` : '';
  return `${variable(first)}: ${first.message}${also}`.replace(/\s*\n\s*/g, ' ');
}
