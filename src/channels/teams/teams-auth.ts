import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { TeamsCredentials } from '../../config/config.ts';

/**
 * Bot Framework's public-cloud endpoints (botframework-connector's `AuthenticationConstants`, which
 * botbuilder does not re-export). Where the channel's and the emulator's signing keys are
 * published, who issues the channel's tokens, and where the bot gets its own.
 */
export const BOT_FRAMEWORK_CLOUD = Object.freeze({
  channelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  emulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  channelTokenIssuer: 'https://api.botframework.com',
  botLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  botOAuthScope: 'https://api.botframework.com',
  oAuthUrl: 'https://api.botframework.com',
});

/** Where the keys that sign incoming tokens are looked up; tests point both at a local server. */
export interface TeamsOpenIdMetadata {
  /** The Bot Framework channels' OpenID configuration (Teams' tokens). */
  readonly channel: string;
  /** Azure AD's, for tokens the emulator and other bots (skills) send. */
  readonly emulator: string;
}

/**
 * What ConfigurationBotFrameworkAuthentication reads: its own options, and the credential
 * factory's (app password and type), which its declared type leaves out.
 */
export type TeamsAuthSettings = ConfigurationBotFrameworkAuthenticationOptions & {
  MicrosoftAppPassword: string;
  MicrosoftAppType: 'MultiTenant' | 'SingleTenant';
};

/** The adapter's turn, verified: what `authenticateRequest` found out about the caller. */
export type VerifiedRequest = Awaited<
  ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>
>;

/**
 * The settings ConfigurationBotFrameworkAuthentication is built from, named as botbuilder names
 * them. Every endpoint is given explicitly: once any one is set, botbuilder takes all of them from
 * here and leaves the others empty (BotFrameworkAuthenticationFactory), which would silently
 * refuse every token.
 */
export function teamsAuthSettings(
  credentials: TeamsCredentials,
  openIdMetadata: TeamsOpenIdMetadata = {
    channel: BOT_FRAMEWORK_CLOUD.channelOpenIdMetadataUrl,
    emulator: BOT_FRAMEWORK_CLOUD.emulatorOpenIdMetadataUrl,
  },
): TeamsAuthSettings {
  // An empty app id is botbuilder's switch for "no authentication at all": never by accident.
  if (!credentials.appId.trim() || !credentials.appPassword.trim()) {
    throw new Error('Teams needs both an app id and an app password; without them the endpoint stays off');
  }
  if (credentials.tenantId !== undefined && !credentials.tenantId.trim()) {
    throw new Error('the Teams tenant id is empty; leave it out for a multi-tenant bot');
  }
  return {
    MicrosoftAppId: credentials.appId,
    MicrosoftAppPassword: credentials.appPassword,
    MicrosoftAppType: credentials.tenantId === undefined ? 'MultiTenant' : 'SingleTenant',
    ...(credentials.tenantId === undefined ? {} : { MicrosoftAppTenantId: credentials.tenantId }),
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: BOT_FRAMEWORK_CLOUD.botLoginUrl,
    ToChannelFromBotOAuthScope: BOT_FRAMEWORK_CLOUD.botOAuthScope,
    ToBotFromChannelTokenIssuer: BOT_FRAMEWORK_CLOUD.channelTokenIssuer,
    OAuthUrl: BOT_FRAMEWORK_CLOUD.oAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl: openIdMetadata.channel,
    ToBotFromEmulatorOpenIdMetadataUrl: openIdMetadata.emulator,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}

/**
 * botbuilder's CloudAdapter with its two steps apart, so that the endpoint decides what the caller
 * is told: `verify` checks the request's token (signature against the published keys, issuer,
 * audience = our app id, the key's channel endorsement, the serviceUrl claim, expiry) and `run`
 * runs a verified turn. `process` would answer 500, not 401, to a token signed with the wrong key
 * under a known key id, and throws on an activity without a type.
 */
export class TeamsAdapter extends CloudAdapter {
  constructor(
    private readonly auth: ConfigurationBotFrameworkAuthentication,
    /** The bot's own app id: whose token the connector's calls carry. */
    readonly appId = '',
  ) {
    super(auth);
  }

  /**
   * A Bot Framework connector client for `serviceUrl`, signed as the bot (a token for
   * api.botframework.com from the bot's login endpoint, cached by botframework-connector), making
   * exactly one HTTP attempt per call: @azure/core-rest-pipeline's default pipeline retries 429s
   * and 503s after their Retry-After and 5xx and network errors with back-off (its
   * defaultRetryPolicy, phase "Retry", 3 retries), which would hold a send far past its deadline
   * and hide the 429 the outbox has to see. Every policy of that phase is taken out; a connector
   * whose pipeline has none to take out (botbuilder changed underneath) is refused loudly.
   */
  async connector(serviceUrl: string): Promise<TeamsConnector> {
    const factory = this.auth.createConnectorFactory(this.createClaimsIdentity(this.appId));
    const connector = await factory.create(serviceUrl, BOT_FRAMEWORK_CLOUD.botOAuthScope);
    withoutRetries(connector);
    return connector;
  }

  /** Rejects when the token does not hold; see `isRefusedToken` for which rejections are refusals. */
  verify(activity: Partial<Activity>, authorization: string): Promise<VerifiedRequest> {
    return this.auth.authenticateRequest(activity as Activity, authorization);
  }

  /**
   * The turn, on a verified request: the invoke response the logic left, if any. What the turn
   * sends back (a form, a refusal) makes one HTTP attempt too: Teams waits for the turn, and a
   * back-off behind a 429 would only make its answer late.
   */
  run(
    verified: VerifiedRequest,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(verified, activity, (context) => {
      const connector = context.turnState.get(this.ConnectorClientKey) as TeamsConnector | undefined;
      if (connector) withoutRetries(connector);
      return logic(context);
    });
  }
}

/** botframework-connector's ConnectorClient, as the adapter's connector factory makes it. */
export type TeamsConnector = Awaited<
  ReturnType<ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>['create']>
>;

/**
 * Takes every policy of the connector's "Retry" phase out of its pipeline (see
 * `TeamsAdapter.connector`); a connector with none to take out is refused loudly.
 */
function withoutRetries(connector: TeamsConnector): void {
  const pipeline = (connector as unknown as { client?: { pipeline?: RetryPhasePipeline } }).client?.pipeline;
  const removed = pipeline?.removePolicy({ phase: 'Retry' }) ?? [];
  if (removed.length === 0 && !retriesRemoved.has(connector)) {
    throw new Error(
      'the Teams connector client has no retry policy to turn off; check the botbuilder version',
    );
  }
  retriesRemoved.add(connector);
}

/** Connectors whose retries are already out (botbuilder may hand the same one to two turns). */
const retriesRemoved = new WeakSet<object>();

/** The part of @azure/core-rest-pipeline's Pipeline that `connector` uses. */
interface RetryPhasePipeline {
  removePolicy(options: { phase: 'Retry' }): unknown[];
}

export interface TeamsAdapterOptions {
  /** Where the signing keys are published; Bot Framework's public cloud unless told otherwise. */
  openIdMetadata?: TeamsOpenIdMetadata;
}

/** The adapter for the desk's Teams app: multi-tenant, or single-tenant when a tenant is named. */
export function createTeamsAdapter(
  credentials: TeamsCredentials,
  options: TeamsAdapterOptions = {},
): TeamsAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication(
    teamsAuthSettings(credentials, options.openIdMetadata),
  );
  return new TeamsAdapter(auth, credentials.appId);
}

/**
 * The adapter for a local emulator (the Bot Framework Emulator, the Microsoft 365 Agents
 * Playground): no app id, which is botbuilder's switch for taking activities unauthenticated and
 * calling the emulator's connector without a token. Only ever built when the operator asks for it.
 */
export function createTeamsEmulatorAdapter(): TeamsAdapter {
  return new TeamsAdapter(new ConfigurationBotFrameworkAuthentication({}), '');
}

// jsonwebtoken's own errors, which botframework-connector passes on unchanged (all but expiry).
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/**
 * True when `verify` rejected the token itself (forged, expired, not yet valid, for another app or
 * channel): the caller is refused. False when it could not be checked (the key set unreachable):
 * nothing was decided about the caller, and the channel should try again.
 */
export function isRefusedToken(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { statusCode, name } = error as { statusCode?: unknown; name?: unknown };
  // botframework-connector's AuthenticationError carries the status it means.
  if (typeof statusCode === 'number') return statusCode === 401 || statusCode === 403;
  return typeof name === 'string' && TOKEN_ERRORS.has(name);
}
