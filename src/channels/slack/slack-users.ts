import type { WebClient } from '@slack/web-api';
import type { ChatUser } from '../../app/chat/chat-user.ts';
import type { Clock } from '../../app/ports.ts';
import { LOCALES, type Locale } from '../../domain/locale.ts';

/** A Slack user as the desk needs them: who they are, and the language their client speaks. */
export interface SlackUser extends ChatUser {
  /** From the Slack profile's locale ("sv-SE"), for answering someone the desk does not know yet. */
  locale?: Locale;
  /** A bot (the desk's own, an integration): never a person of the desk. */
  isBot?: boolean;
}

interface Cached {
  user: SlackUser;
  until: number;
}

/**
 * Slack users by team and id, looked up with users.info and kept for a while: first contact is
 * matched by the e-mail address of the profile (which Slack vouches for, unlike anything typed),
 * and most events come from people seen minutes before, so each costs no Web API call.
 */
export class SlackUsers {
  private readonly cache = new Map<string, Cached>();
  /** The last looked up of each user id, for the language of an answer to a stranger. */
  private readonly byUser = new Map<string, SlackUser>();

  constructor(
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly options: { ttlMs?: number; max?: number } = {},
  ) {}

  async get(teamId: string | undefined, userId: string): Promise<SlackUser> {
    const key = `${teamId ?? ''}:${userId}`;
    const now = this.clock.now().getTime();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.user;
    const user = await this.lookUp(teamId, userId);
    this.cache.delete(key);
    // A Map iterates in insertion order, so the first key is the one seen longest ago.
    if (this.cache.size >= (this.options.max ?? 10_000)) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { user, until: now + (this.options.ttlMs ?? 3_600_000) });
    this.byUser.delete(userId);
    if (this.byUser.size >= (this.options.max ?? 10_000))
      this.byUser.delete(this.byUser.keys().next().value!);
    this.byUser.set(userId, user);
    return user;
  }

  /** The user as last looked up, without asking Slack; undefined when never seen here. */
  seen(userId: string): SlackUser | undefined {
    return this.byUser.get(userId);
  }

  private async lookUp(teamId: string | undefined, userId: string): Promise<SlackUser> {
    const identity = { channel: 'slack' as const, externalId: userId, ...(teamId ? { teamId } : {}) };
    const answer = await this.client.users.info({ user: userId, include_locale: true });
    const user = answer.user;
    // Someone of another workspace (Slack Connect) whose workspace is not the desk's.
    const external = user?.is_stranger === true || (!!teamId && !!user?.team_id && user.team_id !== teamId);
    // Only an address Slack confirmed, of a person (not a bot), and not one Slack hides as a stranger's.
    const trusted = !user?.is_bot && user?.is_email_confirmed !== false && user?.is_stranger !== true;
    const email = trusted ? user?.profile?.email : undefined;
    const locale = localeOf(answer.user?.locale);
    const isBot = answer.user?.is_bot === true;
    return {
      identity,
      ...(email ? { email } : {}),
      ...(external ? { external } : {}),
      ...(locale ? { locale } : {}),
      ...(isBot ? { isBot } : {}),
    };
  }
}

function localeOf(slackLocale: string | undefined): Locale | undefined {
  const language = slackLocale?.split('-')[0];
  return LOCALES.find((locale) => locale === language);
}
