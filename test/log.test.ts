import { describe, expect, it } from 'vitest';
import { createLogger, redactUriCredentials, showableUrl, urlSecrets } from '../src/log.ts';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ logLevel: 'trace' }, { write: (line: string) => void lines.push(line) });
  return { logger, output: () => lines.join('') };
}

const SECRETS = [
  'xoxb-111-222-botsecret',
  'signing-secret-value',
  'xapp-1-A1-appsecret',
  'teams-password-value',
  'hunter2',
  'bearer-token-value',
  'api-key-value',
  'nested-password-value',
];

describe('createLogger redaction', () => {
  it('keeps every kind of secret out of the log output', () => {
    const { logger, output } = capture();
    logger.info(
      {
        slack: { botToken: SECRETS[0], signingSecret: SECRETS[1], appToken: SECRETS[2] },
        teams: { appId: 'app-id-visible', appPassword: SECRETS[3] },
        uri: 'mongodb://desk:hunter2@db.example.net:27017/sladesk',
        request: { headers: { Authorization: `Bearer ${SECRETS[5]}`, 'x-api-key': SECRETS[6] } },
        driver: { options: { auth: { username: 'desk', password: SECRETS[7] } } },
        tokenCount: 3,
      },
      'connecting to mongodb://desk:hunter2@db.example.net/sladesk',
    );
    logger.child({ token: SECRETS[0] }).warn('child bindings are redacted too');
    logger.error({ err: new Error('auth failed for mongodb://desk:hunter2@db/sladesk') }, 'driver error');
    logger.debug(`posting with Authorization: Bearer ${SECRETS[5]} and token ${SECRETS[0]}`);

    const text = output();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain('[REDACTED]');
  });

  it('keeps what is not secret, so logs stay useful', () => {
    const { logger, output } = capture();
    logger.info(
      { teams: { appId: 'app-id-visible' }, tokenCount: 3, uri: 'mongodb://desk:pw@db/x' },
      'hello',
    );
    const line = JSON.parse(output()) as Record<string, unknown>;
    expect(line).toMatchObject({
      msg: 'hello',
      name: 'sladesk',
      teams: { appId: 'app-id-visible' },
      tokenCount: 3,
      uri: 'mongodb://desk:[REDACTED]@db/x',
    });
  });

  it('honours the configured level', () => {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: 'warn' }, { write: (line: string) => void lines.push(line) });
    logger.info('quiet');
    logger.warn('loud');
    expect(lines).toHaveLength(1);
  });
});

describe('redactUriCredentials', () => {
  it.each([
    ['mongodb://user:pw@host:27017/db', 'mongodb://user:[REDACTED]@host:27017/db'],
    [
      'mongodb+srv://user:p%40ss@cluster.example.net/?x=1',
      'mongodb+srv://user:[REDACTED]@cluster.example.net/?x=1',
    ],
    [
      'see https://a:b@example.com and http://c:d@example.org',
      'see https://a:[REDACTED]@example.com and http://c:[REDACTED]@example.org',
    ],
    ['mongodb://127.0.0.1:27017/', 'mongodb://127.0.0.1:27017/'],
    ['mongodb://user@host/db', 'mongodb://user@host/db'],
    ['mongodb://user:p@ss@host/db', 'mongodb://user:[REDACTED]@host/db'],
    ['mongodb://us@er:pw@host/db', 'mongodb://[REDACTED]@host/db'],
    ['at file:///srv/node_modules/@scope/pkg/x.js:1:2', 'at file:///srv/node_modules/@scope/pkg/x.js:1:2'],
  ])('%s', (input, expected) => {
    expect(redactUriCredentials(input)).toBe(expected);
  });
});

describe('showableUrl', () => {
  it.each([
    ['mongodb://user:pw@host:27017/db', 'mongodb://[REDACTED]@host:27017/db'],
    ['mongodb://user:p@ss/w#rd x@host/db', 'mongodb://[REDACTED]@host/db'],
    ['mongodb://h1:1,h2:2/db?replicaSet=rs', 'mongodb://h1:1,h2:2/db?replicaSet=rs'],
    ['https://[::1]:8443/hook', 'https://[::1]:8443/hook'],
    ['localhost:27017', 'localhost:27017'],
    ['ftp://x', 'ftp://x'],
  ])('shows %s as %s', (value, shown) => {
    expect(showableUrl(value)).toBe(shown);
  });

  it.each([
    ['a value that does not start like a URL', 'hunter2'],
    ['credentials without their @', 'mongodb://user:hunter2'],
    ['a space where the hosts are', 'mongodb://user:hun ter2'],
    ['a missing slash', 'mongodb:/user:hunter2@host'],
  ])('does not show %s at all', (_what, value) => {
    expect(showableUrl(value)).toBeUndefined();
  });
});

describe('urlSecrets', () => {
  it('names the credentials as typed, the password alone, and decoded', () => {
    expect(urlSecrets('mongodb://desk:p%40ss%2Fword@host/db')).toEqual([
      'desk:p%40ss%2Fword',
      'p%40ss%2Fword',
      'p@ss/word',
    ]);
    expect(urlSecrets('mongodb://host/db')).toEqual([]);
    expect(urlSecrets(undefined)).toEqual([]);
  });
});
