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

// From a scheme's `://` to the last `@` before the path: a password holding `:` or `@` is covered.
// One holding `/`, `#`, `?` or a space cannot be told from a path in running text (stack traces
// name `node_modules/@scope/…`); the configured secrets are scrubbed as literals for that.
const URI_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s"/?#]*)@/gi;
const AUTH_SCHEME_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
const SLACK_TOKEN = /\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+/g;
// Shorter literals would blank out ordinary words; such a password is not worth hiding anyway.
const MIN_LITERAL_SECRET = 4;

function hideUserinfo(userinfo: string): string {
  const colon = userinfo.indexOf(':');
  const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
  // A plain user name stays readable; anything odder (a path, a second `@`) goes as a whole.
  if (/^[A-Za-z0-9._~%!$&'()*+,;=-]*$/.test(user)) return colon === -1 ? user : `${user}:${REDACTED}`;
  return REDACTED;
}

/** `mongodb://user:pw@host` → `mongodb://user:[REDACTED]@host`, for any scheme, in running text. */
export function redactUriCredentials(text: string): string {
  return text.replace(URI_USERINFO, (_whole, scheme: string, userinfo: string) => {
    return `${scheme}${hideUserinfo(userinfo)}@`;
  });
}

// One host of a URL's authority: a name or [IPv6] address, and an optional numeric port.
const URL_HOST = /^(\[[0-9a-f:.]+\]|[^\s:[\]]*)(:\d*)?$/i;

/**
 * One configured URL as it may be shown to a person: everything between `://` and the last `@`
 * hidden. Undefined when what is left is not plainly hosts and a path (a value that does not even
 * start like a URL, a "port" that is not a number), which is then not shown at all: it may be a
 * password in the wrong place. A bare `host:port` is shown, being a common slip and no secret.
 */
export function showableUrl(value: string): string | undefined {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value);
  if (!scheme) return /^[A-Za-z0-9.-]+:\d+$/.test(value) ? value : undefined;
  const at = value.lastIndexOf('@');
  const hidden = at >= scheme[0].length;
  const rest = hidden ? value.slice(at + 1) : value.slice(scheme[0].length);
  const authority = rest.split(/[/?#]/, 1)[0] ?? '';
  if (/\s/.test(rest) || !authority.split(',').every((host) => URL_HOST.test(host))) return undefined;
  return hidden ? `${scheme[0]}${REDACTED}@${rest}` : value;
}

/**
 * The credentials a configured URL carries, as literal text to scrub from messages and logs: the
 * whole part between `://` and the last `@`, the password alone, and its decoded form.
 */
export function urlSecrets(value: string | undefined): string[] {
  if (value === undefined) return [];
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value);
  const at = value.lastIndexOf('@');
  if (!scheme || at < scheme[0].length) return [];
  const userinfo = value.slice(scheme[0].length, at);
  const colon = userinfo.indexOf(':');
  const password = colon === -1 ? '' : userinfo.slice(colon + 1);
  const decoded = (() => {
    try {
      return decodeURIComponent(password);
    } catch {
      return password;
    }
  })();
  return [userinfo, password, decoded].filter((secret) => secret.length >= MIN_LITERAL_SECRET);
}

/** `text` with every one of `secrets` replaced, longest first (one may hold another). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= MIN_LITERAL_SECRET) scrubbed = scrubbed.split(secret).join(REDACTED);
  }
  return scrubbed;
}

function redactText(text: string, secrets: readonly string[] = []): string {
  return redactUriCredentials(scrubSecrets(text, secrets))
    .replace(AUTH_SCHEME_VALUE, `$1 ${REDACTED}`)
    .replace(SLACK_TOKEN, REDACTED);
}

function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEY_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((inner: unknown) => redactValue(inner, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        isSecretKey(key) ? REDACTED : redactValue(inner, secrets),
      ]),
    );
  }
  return value;
}

// Redaction runs on the finished JSON line rather than through pino's path-based `redact`:
// secrets also hide at any depth (a driver error's `options.auth.password`), inside strings
// (a URI in an error message) and in child bindings, which fixed paths cannot reach.
// The configured secrets are also scrubbed as literal text, so a value too malformed for any
// pattern (a password with a space or a quote) still never reaches the log.
export function redactLogLine(line: string, secrets: readonly string[] = []): string {
  try {
    return `${JSON.stringify(redactValue(JSON.parse(line), secrets))}\n`;
  } catch {
    return redactText(line, secrets);
  }
}

type SecretConfig = Partial<Pick<Config, 'mongodbUri' | 'webhook' | 'slack' | 'teams' | 'mail'>>;

/** Every secret the configuration holds, as literal text. */
export function configSecrets(config: SecretConfig): string[] {
  return [
    ...urlSecrets(config.mongodbUri),
    ...urlSecrets(config.webhook?.url),
    ...urlSecrets(config.mail?.smtpUrl),
    config.webhook?.secret,
    config.slack?.botToken,
    config.slack?.signingSecret,
    config.slack?.appToken,
    config.teams?.appPassword,
  ].filter((secret): secret is string => secret !== undefined && secret.length >= MIN_LITERAL_SECRET);
}

export function createLogger(
  config: Pick<Config, 'logLevel'> & SecretConfig,
  destination?: DestinationStream,
): Logger {
  const secrets = configSecrets(config);
  const options = {
    name: 'sladesk',
    level: config.logLevel,
    hooks: { streamWrite: (line: string) => redactLogLine(line, secrets) },
  };
  return destination ? pino(options, destination) : pino(options);
}
