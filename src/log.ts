import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config/config.ts';

export type { Logger } from 'pino';

const REDACTED = '[REDACTED]';

// Keys are compared lower-cased without separators, by suffix, so `botToken`, `x-api-key` and
// `MICROSOFT_APP_PASSWORD` are all caught while `tokenCount` is not.
const SECRET_KEY_SUFFIXES = [
  'token',
  'password',
  'passwd',
  'secret',
  'apikey',
  'authorization',
  'cookie',
  'credentials',
  'privatekey',
];

const URI_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"]*):[^\s/?#@"]*@/gi;
const AUTH_SCHEME_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
const SLACK_TOKEN = /\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+/g;

/** `mongodb://user:pw@host` → `mongodb://user:[REDACTED]@host`, for any scheme. */
export function redactUriCredentials(text: string): string {
  return text.replace(URI_PASSWORD, `$1:${REDACTED}@`);
}

function redactText(text: string): string {
  return redactUriCredentials(text)
    .replace(AUTH_SCHEME_VALUE, `$1 ${REDACTED}`)
    .replace(SLACK_TOKEN, REDACTED);
}

function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEY_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, isSecretKey(key) ? REDACTED : redactValue(inner)]),
    );
  }
  return value;
}

// Redaction runs on the finished JSON line rather than through pino's path-based `redact`:
// secrets also hide at any depth (a driver error's `options.auth.password`), inside strings
// (a URI in an error message) and in child bindings, which fixed paths cannot reach.
export function redactLogLine(line: string): string {
  try {
    return `${JSON.stringify(redactValue(JSON.parse(line)))}\n`;
  } catch {
    return redactText(line);
  }
}

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    name: 'sladesk',
    level: config.logLevel,
    hooks: { streamWrite: redactLogLine },
  };
  return destination ? pino(options, destination) : pino(options);
}
