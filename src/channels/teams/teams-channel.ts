import type { DeskDeps } from '../../app/desk-deps.ts';
import type { Clock, Waiter } from '../../app/ports.ts';
import type { TeamsCredentials } from '../../config/config.ts';
import type { Locale } from '../../domain/locale.ts';
import type { PlatformEndpoint } from '../../http/server.ts';
import { translate } from '../../i18n/translate.ts';
import { createTeamsAdapter, createTeamsEmulatorAdapter, type TeamsAdapter } from './teams-auth.ts';
import { teamsHandler } from './teams-bot.ts';
import { activityLocale, type TeamsContext } from './teams-context.ts';
import { teamsMessagesEndpoint } from './teams-endpoint.ts';
import { TEAMS_LISTENERS } from './teams-listeners.ts';
import { TeamsSender } from './teams-sender.ts';
import { TeamsUsers } from './teams-users.ts';

/**
 * How the desk's Teams app is reached: with the app registration's credentials, every request's
 * token checked; or, only when asked for (`SLADESK_TEAMS_EMULATOR`), a local emulator's
 * unauthenticated activities on a loopback address.
 */
export type TeamsConnection = { credentials: TeamsCredentials } | { emulator: true };

const adapterFor = (connection: TeamsConnection): TeamsAdapter =>
  'credentials' in connection ? createTeamsAdapter(connection.credentials) : createTeamsEmulatorAdapter();

/** Teams' sending side: what any process that delivers needs, web or worker. */
export function teamsSender(connection: TeamsConnection): TeamsSender {
  const tenantId = 'credentials' in connection ? connection.credentials.tenantId : undefined;
  return new TeamsSender(adapterFor(connection), tenantId ? { tenantId } : {});
}

export interface TeamsReceivingOptions {
  connection: TeamsConnection;
  deps: DeskDeps;
  clock: Clock;
  /** How a turn's answer deadline is waited for. */
  waiter: Waiter;
  locale: Locale;
  logger: TeamsContext['logger'] & { warn(details: object, message: string): void };
}

/**
 * Teams' receiving side, for the web process: `/api/messages` on the desk's own server. Teams
 * waits for the answer (an invoke's is what the person sees), so each activity is worked before
 * it is answered, within TEAMS_ANSWER_WITHIN_MS (after it, the answer says received and the turn
 * goes on); an activity Teams sends again (no answer, a 5xx) is done once by its id.
 */
export function teamsReceiving(options: TeamsReceivingOptions): TeamsReceiving {
  const { connection, deps, clock, waiter, locale, logger } = options;
  const emulator = !('credentials' in connection);
  if (emulator) {
    logger.warn(
      { channel: 'teams' },
      'TEAMS EMULATOR MODE: /api/messages takes activities WITHOUT checking who sent them. ' +
        'For a local emulator only; never expose this desk.',
    );
  }
  const tenantId = 'credentials' in connection ? connection.credentials.tenantId : undefined;
  // A single-tenant bot's own people are its tenant's users: anyone else's address is not theirs.
  const users = new TeamsUsers(clock, tenantId ? { tenantId } : {});
  const context: TeamsContext = { deps, users, locale, logger };
  const running = new Set<Promise<unknown>>();
  return {
    endpoint: teamsMessagesEndpoint({
      adapter: adapterFor(connection),
      handle: teamsHandler(context, TEAMS_LISTENERS),
      logger,
      waiter,
      running,
      receivedText: (activity) => translate(activityLocale({ activity }) ?? locale, 'teams.stillWorking'),
      ...(emulator ? { unauthenticated: true } : {}),
    }),
    settled: async () => {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

/** Teams' receiving side as the web process runs it. */
export interface TeamsReceiving {
  /** `/api/messages` on the desk's server. */
  endpoint: PlatformEndpoint;
  /** Resolves once the turns answered late (still at work after their answer) are done. */
  settled(): Promise<void>;
}
