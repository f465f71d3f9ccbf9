import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import type { Locale } from '../domain/locale.ts';
import { translate } from '../i18n/translate.ts';
import { environmentSchema, PROBLEM_MARK, type LOG_LEVELS, type NODE_ENVS } from './schema.ts';
import { DEFAULT_STATUS_EMOJI, type StatusEmoji } from '../channels/slack/slack-emoji.ts';

export type NodeEnv = (typeof NODE_ENVS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type { Locale };

export interface SlackCredentials {
  readonly botToken: string;
  readonly signingSecret: string;
  /** Socket Mode: present only when the app connects out instead of receiving HTTP events. */
  readonly appToken?: string;
  /** The Web API's base URL when it is not Slack's own (ending in `/api/`). */
  readonly apiUrl?: string;
  /** Starts a triage-thread reply that is said to the customer too (default `!reply`). */
  readonly replyPrefix: string;
  /** Slack emoji names for claimed, waiting on the customer and resolved. */
  readonly statusEmoji: StatusEmoji;
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
  /** Teams for a local emulator, unauthenticated on a loopback host: only when asked for. */
  readonly teamsEmulator?: true;
  /** Human ticket ids read `<prefix>-<number>`, e.g. SD-1042. */
  readonly ticketPrefix: string;
  /** Contract files (.json/.yaml) loaded beside the built-in presets. */
  readonly contractsDir?: string;
  /** Every notification is also POSTed here (signed with the secret) when set. */
  readonly webhook?: { readonly url: string; readonly secret?: string };
  /** Where people reach the desk (sign-in links); absent: `http://<host>:<port>` as it listens. */
  readonly publicUrl?: string;
  /** Sign-in links are e-mailed through this SMTP server when set; printed to the log otherwise. */
  readonly mail?: { readonly smtpUrl: string; readonly from: string };
}

/** The desk's public URL without a trailing slash: the configured one, else where it listens. */
export function publicUrlOf(config: Pick<Config, 'publicUrl' | 'host' | 'port'>, listening?: string): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return (config.publicUrl ?? listening ?? `http://${host}:${config.port}`).replace(/\/+$/, '');
}

/**
 * A start-up stopper: one line an operator can act on, naming the variable. `message` is English
 * for logs; `in(locale)` says it in the operator's language.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    readonly key: string,
    readonly params: Readonly<Record<string, string>>,
    readonly others: readonly string[],
  ) {
    super('');
    this.message = this.in('en');
  }

  in(locale: Locale): string {
    const also =
      this.others.length > 0
        ? translate(locale, 'config.errors.also', { names: this.others.join(', ') })
        : '';
    return `${this.variable}: ${translate(locale, `config.errors.${this.key}`, this.params)}${also}`.replace(
      /\s*\n\s*/g,
      ' ',
    );
  }
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_DATA_DIR = resolve(REPO_ROOT, '.local/data');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) throw configError(parsed.error.issues);
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
            ...(vars.SLACK_API_URL === undefined ? {} : { apiUrl: vars.SLACK_API_URL }),
            replyPrefix: vars.SLACK_REPLY_PREFIX ?? '!reply',
            statusEmoji: statusEmoji(vars.SLACK_STATUS_EMOJI),
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
    ...(vars.SLADESK_TEAMS_EMULATOR === 'on' ? { teamsEmulator: true as const } : {}),
    ticketPrefix: vars.SLADESK_TICKET_PREFIX,
    ...(vars.SLADESK_CONTRACTS_DIR === undefined
      ? {}
      : { contractsDir: resolve(vars.SLADESK_CONTRACTS_DIR) }),
    ...(vars.SLADESK_WEBHOOK_URL === undefined
      ? {}
      : {
          webhook: Object.freeze({
            url: vars.SLADESK_WEBHOOK_URL,
            ...(vars.SLADESK_WEBHOOK_SECRET === undefined ? {} : { secret: vars.SLADESK_WEBHOOK_SECRET }),
          }),
        }),
    ...(vars.SLADESK_PUBLIC_URL === undefined ? {} : { publicUrl: vars.SLADESK_PUBLIC_URL }),
    ...(vars.SLADESK_SMTP_URL !== undefined && vars.SLADESK_MAIL_FROM !== undefined
      ? { mail: Object.freeze({ smtpUrl: vars.SLADESK_SMTP_URL, from: vars.SLADESK_MAIL_FROM }) }
      : {}),
  };
  return Object.freeze(config);
}

// One line even when several variables are wrong: the first is explained, the rest are named.
function configError(issues: readonly z.core.$ZodIssue[]): ConfigError {
  const [first, ...rest] = issues;
  const variable = (issue: z.core.$ZodIssue) => issue.path.map(String).join('.') || 'environment';
  const others = [...new Set(rest.map(variable))].filter((name) => name !== variable(first!));
  const packed = first?.message.startsWith(PROBLEM_MARK)
    ? (JSON.parse(first.message.slice(PROBLEM_MARK.length)) as {
        key: string;
        params: Record<string, string>;
      })
    : { key: 'invalid', params: { detail: first?.message ?? '' } };
  return new ConfigError(first ? variable(first) : 'environment', packed.key, packed.params, others);
}

/** The status emoji, each named one in place of its default. */
function statusEmoji(setting: string | undefined): StatusEmoji {
  const named = Object.fromEntries((setting ? setting.split(',') : []).map((pair) => pair.split('=')));
  return { ...DEFAULT_STATUS_EMOJI, ...named } as StatusEmoji;
}
