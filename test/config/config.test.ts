import { isAbsolute, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DATA_DIR, loadConfig } from '../../src/config/config.ts';

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'signing-secret-value' };
const TEAMS = {
  MICROSOFT_APP_ID: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  MICROSOFT_APP_PASSWORD: 'app-password-value',
};

function failure(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.message).not.toContain('\n');
    return configError;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig defaults', () => {
  it('runs with nothing set', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      nodeEnv: 'development',
      logLevel: 'info',
      port: 3000,
      host: '127.0.0.1',
      dataDir: DEFAULT_DATA_DIR,
      locale: 'sv',
      ticketPrefix: 'SD',
    });
    expect('mongodbUri' in config).toBe(false);
    expect('slack' in config).toBe(false);
    expect('teams' in config).toBe(false);
  });

  it('keeps local data in the git-ignored .local folder of the checkout', () => {
    expect(DEFAULT_DATA_DIR).toBe(resolve(import.meta.dirname, '../../.local/data'));
  });

  it('treats empty and blank values as unset', () => {
    const config = loadConfig({
      PORT: '',
      LOG_LEVEL: ' ',
      MONGODB_URI: '',
      SLACK_BOT_TOKEN: '',
      SLACK_SIGNING_SECRET: '',
      MICROSOFT_APP_ID: '',
      MICROSOFT_APP_PASSWORD: '',
    });
    expect(config.port).toBe(3000);
    expect(config.logLevel).toBe('info');
    expect(config.mongodbUri).toBeUndefined();
    expect(config.slack).toBeUndefined();
    expect(config.teams).toBeUndefined();
  });

  it('is frozen all the way down', () => {
    const config = loadConfig({ ...SLACK, ...TEAMS });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.slack)).toBe(true);
    expect(Object.isFrozen(config.teams)).toBe(true);
  });
});

describe('loadConfig values', () => {
  it('reads every plain variable', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      PORT: '8080',
      HOST: '0.0.0.0',
      MONGODB_URI: 'mongodb+srv://desk:pw@cluster0.example.net/sladesk?retryWrites=true',
      SLADESK_DATA_DIR: '/var/lib/sladesk',
      SLADESK_LOCALE: 'en',
      SLADESK_TICKET_PREFIX: 'HELP',
      SLADESK_WEBHOOK_URL: 'https://hooks.example.net/sladesk',
      SLADESK_WEBHOOK_SECRET: 'hook-secret',
    });
    expect(config).toEqual({
      nodeEnv: 'production',
      logLevel: 'debug',
      port: 8080,
      host: '0.0.0.0',
      mongodbUri: 'mongodb+srv://desk:pw@cluster0.example.net/sladesk?retryWrites=true',
      dataDir: '/var/lib/sladesk',
      locale: 'en',
      ticketPrefix: 'HELP',
      webhook: { url: 'https://hooks.example.net/sladesk', secret: 'hook-secret' },
    });
  });

  it('resolves a relative data dir against the working directory', () => {
    const config = loadConfig({ SLADESK_DATA_DIR: 'var/data' });
    expect(isAbsolute(config.dataDir)).toBe(true);
    expect(config.dataDir).toBe(join(process.cwd(), 'var/data'));
  });

  it.each([
    ['PORT', 'abc', 'PORT: expected an integer 0-65535 (0 picks a free port), got "abc"'],
    ['SLADESK_TICKET_PREFIX', 'sd', 'SLADESK_TICKET_PREFIX: expected 1-8 capital letters, got "sd"'],
    ['SLADESK_WEBHOOK_URL', 'ftp://x', 'SLADESK_WEBHOOK_URL: expected an http(s) URL, got "ftp://x"'],
    ['PORT', '65536', 'PORT: expected an integer 0-65535 (0 picks a free port), got "65536"'],
    ['PORT', '80.5', 'PORT: expected an integer 0-65535 (0 picks a free port), got "80.5"'],
    [
      'LOG_LEVEL',
      'loud',
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
    ['NODE_ENV', 'staging', 'NODE_ENV: expected one of development, test, production, got "staging"'],
    ['SLADESK_LOCALE', 'de', 'SLADESK_LOCALE: expected one of sv, en, got "de"'],
    [
      'MONGODB_URI',
      'localhost:27017',
      'MONGODB_URI: expected a mongodb:// or mongodb+srv:// URL, got "localhost:27017"',
    ],
  ])('rejects %s=%s in one line', (name, value, message) => {
    expect(failure({ [name]: value }).message).toBe(message);
  });

  it('never echoes the password of a rejected MONGODB_URI', () => {
    const { message } = failure({ MONGODB_URI: 'postgres://desk:hunter2@db.example.net/sladesk' });
    expect(message).toMatch(/^MONGODB_URI: /);
    expect(message).not.toContain('hunter2');
  });

  it('names the first problem and lists the other variables', () => {
    expect(failure({ PORT: 'x', SLADESK_LOCALE: 'de', LOG_LEVEL: 'loud' }).message).toBe(
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud" (also check PORT, SLADESK_LOCALE)',
    );
  });
});

describe('loadConfig Slack credentials', () => {
  it('starts Slack only with both the bot token and the signing secret', () => {
    const config = loadConfig(SLACK);
    expect(config.slack).toEqual({
      botToken: 'xoxb-1-2-abc',
      signingSecret: 'signing-secret-value',
      replyPrefix: '!reply',
      statusEmoji: { claimed: 'eyes', waiting: 'hourglass_flowing_sand', resolved: 'white_check_mark' },
    });
    expect(config.slack && 'appToken' in config.slack).toBe(false);
  });

  it('takes another reply prefix and status emoji, and refuses ones Slack could not use', () => {
    const slack = loadConfig({
      ...SLACK,
      SLACK_REPLY_PREFIX: '!kund',
      SLACK_STATUS_EMOJI: 'waiting=snail',
    }).slack!;
    expect(slack.replyPrefix).toBe('!kund');
    expect(slack.statusEmoji).toEqual({ claimed: 'eyes', waiting: 'snail', resolved: 'white_check_mark' });
    expect(() => loadConfig({ ...SLACK, SLACK_REPLY_PREFIX: 'two words' })).toThrow(
      /SLACK_REPLY_PREFIX.*one word/,
    );
    expect(() => loadConfig({ ...SLACK, SLACK_STATUS_EMOJI: 'done=:tada:' })).toThrow(
      /SLACK_STATUS_EMOJI.*claimed=/,
    );
  });

  it('adds the Socket Mode app token when given', () => {
    expect(loadConfig({ ...SLACK, SLACK_APP_TOKEN: 'xapp-1-A1-xyz' }).slack?.appToken).toBe('xapp-1-A1-xyz');
  });

  it('points the Web API at another base URL when SLACK_API_URL is given, and checks it is one', () => {
    expect(loadConfig({ ...SLACK, SLACK_API_URL: 'http://127.0.0.1:4010/api/' }).slack?.apiUrl).toBe(
      'http://127.0.0.1:4010/api/',
    );
    expect(failure({ ...SLACK, SLACK_API_URL: 'not a url' }).message).toMatch(/^SLACK_API_URL: /);
    expect(failure({ SLACK_API_URL: 'http://127.0.0.1:4010/api/' }).message).toMatch(
      /^SLACK_API_URL: set without SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET/,
    );
  });

  it('rejects half of the pair, naming the missing one', () => {
    expect(failure({ SLACK_BOT_TOKEN: SLACK.SLACK_BOT_TOKEN }).message).toBe(
      'SLACK_SIGNING_SECRET: missing; Slack needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET together (set both, or neither to run without Slack)',
    );
    expect(failure({ SLACK_SIGNING_SECRET: SLACK.SLACK_SIGNING_SECRET }).message).toMatch(
      /^SLACK_BOT_TOKEN: missing;/,
    );
  });

  it('rejects an app token without the pair', () => {
    expect(failure({ SLACK_APP_TOKEN: 'xapp-1' }).message).toBe(
      'SLACK_APP_TOKEN: set without SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET; Slack starts only when both are set',
    );
  });

  it('rejects a token of the wrong kind without echoing it', () => {
    const { message } = failure({ ...SLACK, SLACK_BOT_TOKEN: 'xoxp-user-token-value' });
    expect(message).toBe('SLACK_BOT_TOKEN: expected a value starting with "xoxb-" (value not shown)');
    expect(failure({ ...SLACK, SLACK_APP_TOKEN: 'xoxb-wrong' }).message).toMatch(
      /^SLACK_APP_TOKEN: expected a value starting with "xapp-"/,
    );
  });
});

describe('loadConfig Teams credentials', () => {
  it('starts Teams only with both the app id and password', () => {
    const config = loadConfig(TEAMS);
    expect(config.teams).toEqual({ appId: TEAMS.MICROSOFT_APP_ID, appPassword: 'app-password-value' });
  });

  it('adds the tenant of a single-tenant bot', () => {
    expect(loadConfig({ ...TEAMS, MICROSOFT_APP_TENANT_ID: 'contoso.onmicrosoft.com' }).teams?.tenantId).toBe(
      'contoso.onmicrosoft.com',
    );
  });

  it('rejects half of the pair and a tenant alone', () => {
    expect(failure({ MICROSOFT_APP_ID: TEAMS.MICROSOFT_APP_ID }).message).toMatch(
      /^MICROSOFT_APP_PASSWORD: missing;/,
    );
    expect(failure({ MICROSOFT_APP_PASSWORD: 'x' }).message).toMatch(/^MICROSOFT_APP_ID: missing;/);
    expect(failure({ MICROSOFT_APP_TENANT_ID: 'contoso' }).message).toMatch(
      /^MICROSOFT_APP_TENANT_ID: set without MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD;/,
    );
  });

  it('rejects an app id that is not a GUID', () => {
    expect(failure({ ...TEAMS, MICROSOFT_APP_ID: 'my-bot' }).message).toBe(
      'MICROSOFT_APP_ID: expected a GUID like 00000000-0000-0000-0000-000000000000, got "my-bot"',
    );
  });
});

describe('in the operator’s language', () => {
  it('says the same problem in Swedish', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', SLACK_BOT_TOKEN: 'xoxb-1' });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).in('sv')).toBe(
      'PORT: förväntade ett heltal 0-65535 (0 väljer en ledig port), fick "abc" (kontrollera även SLACK_SIGNING_SECRET)',
    );
  });
});

describe('the web desk’s variables', () => {
  it('reads the public URL and the mail settings, as a pair', () => {
    const config = loadConfig({
      SLADESK_PUBLIC_URL: 'https://desk.example.com/',
      SLADESK_SMTP_URL: 'smtp://desk:s3cret-pass@mail.example.com:587',
      SLADESK_MAIL_FROM: 'Sladesk <desk@example.com>',
    });
    expect(config.publicUrl).toBe('https://desk.example.com/');
    expect(config.mail).toEqual({
      smtpUrl: 'smtp://desk:s3cret-pass@mail.example.com:587',
      from: 'Sladesk <desk@example.com>',
    });
    expect(
      loadConfig({ SLADESK_SMTP_URL: 'smtps://mail.example.com', SLADESK_MAIL_FROM: 'a@b.example' }).mail,
    ).toBeDefined();
    expect(loadConfig({}).mail).toBeUndefined();
  });

  it('names a bad SMTP URL without echoing its password', () => {
    for (const value of [
      'http://desk:s3cret-pass@mail.example.com',
      'smtp://desk:s3cret-pass@',
      'smtp://desk:s3cret pass@mail.example.com',
      'desk:s3cret-pass',
    ]) {
      const error = failure({ SLADESK_SMTP_URL: value, SLADESK_MAIL_FROM: 'desk@example.com' });
      expect(error.variable).toBe('SLADESK_SMTP_URL');
      expect(error.message).toMatch(/smtp:\/\/ or smtps:\/\/ URL/);
      expect(error.message).not.toContain('s3cret');
      expect(error.in('sv')).not.toContain('s3cret');
    }
    expect(
      failure({ SLADESK_SMTP_URL: 'ftp://mail.example.com', SLADESK_MAIL_FROM: 'desk@example.com' }).message,
    ).toContain('"ftp://mail.example.com"');
  });

  it('needs the SMTP URL and the sender together', () => {
    const error = failure({ SLADESK_SMTP_URL: 'smtp://desk:s3cret-pass@mail.example.com' });
    expect(error.variable).toBe('SLADESK_MAIL_FROM');
    expect(error.message).toMatch(/e-mail needs SLADESK_SMTP_URL and SLADESK_MAIL_FROM together/);
    expect(error.message).not.toContain('s3cret');
    expect(failure({ SLADESK_MAIL_FROM: 'desk@example.com' }).variable).toBe('SLADESK_SMTP_URL');
    const from = failure({
      SLADESK_SMTP_URL: 'smtp://mail.example.com',
      SLADESK_MAIL_FROM: 'not an address',
    });
    expect(from.variable).toBe('SLADESK_MAIL_FROM');
    expect(from.message).toContain('"not an address"');
  });

  it('names a bad public URL, hiding any credentials', () => {
    for (const value of ['desk.example.com', 'ftp://desk.example.com', 'https://desk.example.com/?a=1']) {
      const error = failure({ SLADESK_PUBLIC_URL: value });
      expect(error.variable).toBe('SLADESK_PUBLIC_URL');
      expect(error.message).toMatch(/http\(s\) URL people reach the desk at/);
    }
    const withPassword = failure({ SLADESK_PUBLIC_URL: 'https://user:s3cret-pass@desk.example.com' });
    expect(withPassword.variable).toBe('SLADESK_PUBLIC_URL');
    expect(withPassword.message).not.toContain('s3cret');
  });
});
