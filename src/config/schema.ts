import { z } from 'zod';
import { LOCALES } from '../domain/locale.ts';
import { showableUrl } from '../log.ts';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MONGODB_SCHEME = /^mongodb(\+srv)?:\/\//;
// At most one `@`, ending the credentials, before the hosts; a password's own `@ / ? # :` and
// spaces must be percent-encoded, or the driver reads the value some other way than meant.
const MONGODB_HOST = String.raw`(\[[0-9A-Fa-f:.]+\]|[^\s/?#@:,[\]]+)(:\d{1,5})?`;
const MONGODB_URL = new RegExp(
  String.raw`^mongodb(\+srv)?://([^\s/?#@]*@)?${MONGODB_HOST}(,${MONGODB_HOST})*(/[^\s/?#@]*)?(\?[^\s#@]*)?$`,
);
const BAD_PERCENT_ESCAPE = /%(?![0-9a-f]{2})/i;

// `FOO=` left in an .env file means "off", not "set to nothing".
const blankAsUnset = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const quoted = (value: unknown): string => JSON.stringify(String(value));

/**
 * A problem with one variable, as a message key under `config.errors` and its parameters, packed
 * into the zod issue's message so the config loader can say it in the operator's language.
 */
export const PROBLEM_MARK = 'sladesk-config:';
export function problem(key: string, params: Record<string, string> = {}): string {
  return PROBLEM_MARK + JSON.stringify({ key, params });
}

function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankAsUnset, schema.optional());
}

function withDefault<T extends z.ZodType>(schema: T, fallback: z.output<T>) {
  return z.preprocess(blankAsUnset, schema.default(fallback as never));
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => problem('oneOf', { values: values.join(', '), got: quoted(issue.input) }),
  });
}

const port = z
  .string()
  .refine((raw) => /^\d{1,5}$/.test(raw) && Number(raw) <= 65535, {
    error: (issue) => problem('port', { got: quoted(issue.input) }),
  })
  .transform(Number);

/**
 * The problem with a URL variable, quoting the value only with its credentials hidden, and not at
 * all when it is too malformed to say where they end (`<key>Hidden`).
 */
function urlProblem(key: string, input: unknown): string {
  const shown = showableUrl(String(input));
  return shown === undefined ? problem(`${key}Hidden`) : problem(key, { got: quoted(shown) });
}

const mongodbUri = z.string().superRefine((raw, context) => {
  if (MONGODB_URL.test(raw) && !BAD_PERCENT_ESCAPE.test(raw)) return;
  const key = MONGODB_SCHEME.test(raw) ? 'mongodbUriEncoding' : 'mongodbUri';
  context.addIssue({ code: 'custom', message: urlProblem(key, raw) });
});

// Secrets are never echoed back: the message goes to terminals and CI logs.
function secret(prefix?: string) {
  const text = z.string();
  if (!prefix) return text;
  return text.refine((raw) => raw.startsWith(prefix), {
    error: problem('secretPrefix', { prefix }),
  });
}

const guid = z.string().refine((raw) => GUID.test(raw), {
  error: (issue) => problem('guid', { got: quoted(issue.input) }),
});

/** Where an unauthenticated endpoint may listen: only this machine can reach it. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

interface PairRule {
  channel: string;
  required: readonly [string, string];
  extras: readonly string[];
}

const CHANNEL_CREDENTIALS: readonly PairRule[] = [
  {
    channel: 'Slack',
    required: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'],
    extras: ['SLACK_APP_TOKEN', 'SLACK_API_URL', 'SLACK_REPLY_PREFIX', 'SLACK_STATUS_EMOJI'],
  },
  {
    channel: 'Teams',
    required: ['MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD'],
    extras: ['MICROSOFT_APP_TENANT_ID'],
  },
  { channel: 'e-mail', required: ['SLADESK_SMTP_URL', 'SLADESK_MAIL_FROM'], extras: [] },
];

// smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465; a host is required.
const smtpUrl = z.string().superRefine((raw, context) => {
  const parsed = URL.canParse(raw) ? new URL(raw) : undefined;
  if (parsed && /^smtps?:$/.test(parsed.protocol) && parsed.hostname !== '' && /^[^\s]*$/.test(raw)) return;
  context.addIssue({ code: 'custom', message: urlProblem('smtpUrl', raw) });
});

// The sender: an address, or a display name with one, `Sladesk <desk@example.com>`.
const mailFrom = z.string().refine(
  (raw) => {
    const address = /^[^<>]*<([^<>]+)>$/.exec(raw.trim())?.[1] ?? raw.trim();
    return z.email().safeParse(address).success;
  },
  { error: (issue) => problem('mailFrom', { got: quoted(issue.input) }) },
);

// Where people reach the desk, as links in mails and cookies' Secure flag: no credentials, no query.
const publicUrl = z.string().superRefine((raw, context) => {
  const parsed = URL.canParse(raw) ? new URL(raw) : undefined;
  const plain =
    parsed &&
    /^https?:$/.test(parsed.protocol) &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.search === '' &&
    parsed.hash === '';
  if (!plain) context.addIssue({ code: 'custom', message: urlProblem('publicUrl', raw) });
});

export const environmentSchema = z
  .object({
    NODE_ENV: withDefault(oneOf(NODE_ENVS), 'development'),
    LOG_LEVEL: withDefault(oneOf(LOG_LEVELS), 'info'),
    PORT: withDefault(port, 3000),
    HOST: withDefault(z.string(), '127.0.0.1'),
    MONGODB_URI: optional(mongodbUri),
    SLADESK_DATA_DIR: optional(z.string()),
    SLADESK_LOCALE: withDefault(oneOf(LOCALES), 'sv'),
    SLACK_BOT_TOKEN: optional(secret('xoxb-')),
    SLACK_SIGNING_SECRET: optional(secret()),
    SLACK_APP_TOKEN: optional(secret('xapp-')),
    // Another base for Slack's Web API: a local stand-in in tests, GovSlack's slack-gov.com.
    SLACK_API_URL: optional(
      z.url({ protocol: /^https?$/, error: (issue) => urlProblem('httpUrl', issue.input) }),
    ),
    // What a desk person types first in the triage thread to say a reply to the customer too.
    SLACK_REPLY_PREFIX: optional(
      z
        .string()
        .regex(/^\S{1,20}$/, { error: (issue) => problem('replyPrefix', { got: quoted(issue.input) }) }),
    ),
    // claimed=eyes,waiting=hourglass_flowing_sand,resolved=white_check_mark (any of the three).
    SLACK_STATUS_EMOJI: optional(
      z
        .string()
        .regex(
          /^(claimed|waiting|resolved)=[a-z0-9_+-]{1,60}(,(claimed|waiting|resolved)=[a-z0-9_+-]{1,60})*$/,
          {
            error: (issue) => problem('statusEmoji', { got: quoted(issue.input) }),
          },
        ),
    ),
    MICROSOFT_APP_ID: optional(guid),
    MICROSOFT_APP_PASSWORD: optional(secret()),
    MICROSOFT_APP_TENANT_ID: optional(z.string()),
    // A local emulator's unauthenticated activities on /api/messages: only when asked for.
    SLADESK_TEAMS_EMULATOR: optional(oneOf(['on', 'off'])),
    SLADESK_TICKET_PREFIX: withDefault(
      z
        .string()
        .regex(/^[A-Z]{1,8}$/, { error: (issue) => problem('ticketPrefix', { got: quoted(issue.input) }) }),
      'SD',
    ),
    SLADESK_WEBHOOK_URL: optional(
      z
        .url({ protocol: /^https?$/, error: (issue) => urlProblem('httpUrl', issue.input) })
        // fetch refuses a URL with credentials, so every notification would fail.
        .refine(
          (raw) => !URL.canParse(raw) || (new URL(raw).username === '' && new URL(raw).password === ''),
          {
            error: (issue) => urlProblem('httpUrlCredentials', issue.input),
          },
        ),
    ),
    SLADESK_WEBHOOK_SECRET: optional(secret()),
    SLADESK_CONTRACTS_DIR: optional(z.string()),
    SLADESK_PUBLIC_URL: optional(publicUrl),
    SLADESK_SMTP_URL: optional(smtpUrl),
    SLADESK_MAIL_FROM: optional(mailFrom),
  })
  .superRefine((env, context) => {
    if (env.SLADESK_TEAMS_EMULATOR === 'on') {
      if (env.MICROSOFT_APP_ID !== undefined || env.MICROSOFT_APP_PASSWORD !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['SLADESK_TEAMS_EMULATOR'],
          message: problem('teamsEmulatorWithCredentials'),
        });
      }
      if (!LOOPBACK_HOSTS.has(env.HOST)) {
        context.addIssue({
          code: 'custom',
          path: ['SLADESK_TEAMS_EMULATOR'],
          message: problem('teamsEmulatorHost', { host: quoted(env.HOST) }),
        });
      }
    }
    for (const rule of CHANNEL_CREDENTIALS) {
      const present = (name: string) => env[name as keyof typeof env] !== undefined;
      const [first, second] = rule.required;
      if (present(first) !== present(second)) {
        const missing = present(first) ? second : first;
        context.addIssue({
          code: 'custom',
          path: [missing],
          message: problem('pairMissing', { channel: rule.channel, first, second }),
        });
      }
      if (!present(first) && !present(second)) {
        for (const extra of rule.extras.filter(present)) {
          context.addIssue({
            code: 'custom',
            path: [extra],
            message: problem('extraWithoutPair', { channel: rule.channel, first, second }),
          });
        }
      }
    }
  });

export type Environment = z.output<typeof environmentSchema>;
