import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TeamsOpenIdMetadata } from '../../../../src/channels/teams/teams-auth.ts';

/** A signing key as a test holds it: the private half, and the id its public half is published under. */
export interface TestSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: { kty: string; n: string; e: string };
}

export function testSigningKey(kid = `test-key-${randomUUID()}`): TestSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    kid,
    privateKey,
    publicJwk: { kty: 'RSA', n: jwk.n!, e: jwk.e! },
  };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An RS256 JWT over `claims`, with `kid` in its header (the key's own unless told otherwise). */
export function signJwt(key: TestSigningKey, claims: Record<string, unknown>, kid = key.kid): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key.privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}

/**
 * Bot Framework's and Azure AD's login servers as the bot's token check sees them: an OpenID
 * configuration and a key set for the channels (keys endorsed for msteams) and one for the
 * emulator, on 127.0.0.1 under a path of its own, so that botbuilder's process-wide cache of key
 * sets (by URL) never hands one stand-in's keys to another.
 */
export class BotFrameworkStandIn {
  readonly channelKey = testSigningKey();
  readonly emulatorKey = testSigningKey();
  /** Every path asked for, in order. */
  readonly requests: string[] = [];
  private readonly prefix = `/${randomUUID()}`;
  private server: Server | undefined;
  private base = '';

  constructor(private readonly endorsements: readonly string[] = ['msteams']) {}

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const path = request.url ?? '/';
      this.requests.push(path);
      const body = this.serve(path);
      if (body === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.prefix}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  get openIdMetadata(): TeamsOpenIdMetadata {
    return {
      channel: `${this.base}/v1/.well-known/openidconfiguration`,
      emulator: `${this.base}/common/v2.0/.well-known/openid-configuration`,
    };
  }

  private serve(path: string): object | undefined {
    const local = path.startsWith(this.prefix) ? path.slice(this.prefix.length) : undefined;
    switch (local) {
      case '/v1/.well-known/openidconfiguration':
        return {
          issuer: 'https://api.botframework.com',
          authorization_endpoint: 'https://invalid.botframework.com',
          jwks_uri: `${this.base}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        };
      case '/v1/.well-known/keys':
        return {
          keys: [
            {
              ...this.channelKey.publicJwk,
              use: 'sig',
              kid: this.channelKey.kid,
              endorsements: this.endorsements,
            },
          ],
        };
      case '/common/v2.0/.well-known/openid-configuration':
        return {
          issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
          jwks_uri: `${this.base}/common/discovery/v2.0/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
        };
      case '/common/discovery/v2.0/keys':
        return { keys: [{ ...this.emulatorKey.publicJwk, use: 'sig', kid: this.emulatorKey.kid }] };
      default:
        return undefined;
    }
  }
}
