import type { Config } from '../config/config.ts';
import { translate } from '../i18n/translate.ts';

/**
 * Channels whose credentials the configuration already takes while their adapters are still to
 * come: set, they would otherwise be read and then silently do nothing.
 */
const NOT_YET_AVAILABLE = [
  {
    channel: 'teams',
    configured: (config: Config) => config.teams !== undefined,
    key: 'cli.start.warnings.teamsNotAvailable',
  },
] as const;

/** Says plainly, once at start-up, which configured channels this version cannot serve. Names no secret. */
export function warnUnavailableChannels(
  config: Config,
  logger: { warn(details: object, message: string): void },
): void {
  for (const { channel, configured, key } of NOT_YET_AVAILABLE) {
    if (configured(config)) logger.warn({ channel }, translate(config.locale, key));
  }
}
