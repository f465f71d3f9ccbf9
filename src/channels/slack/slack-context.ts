import type { App } from '@slack/bolt';
import type { DeskDeps } from '../../app/desk-deps.ts';
import { DomainError } from '../../domain/domain-error.ts';
import type { Person } from '../../domain/desk/people.ts';
import type { Locale } from '../../domain/locale.ts';
import { errorMessage } from '../../i18n/error-message.ts';
import type { StatusEmoji } from './slack-emoji.ts';
import type { SlackUser, SlackUsers } from './slack-users.ts';

/** What every Slack listener works with: the desk's entry points and what Slack says of its users. */
export interface SlackContext {
  deps: DeskDeps;
  users: SlackUsers;
  /** The language of an answer to someone neither the desk nor Slack gives one for. */
  locale: Locale;
  /** What a desk person types before a reply in the triage thread to say it to the customer too. */
  replyPrefix: string;
  /** The emoji that show and set a ticket's state. */
  emoji: StatusEmoji;
  logger: { error(details: object, message: string): void; warn(details: object, message: string): void };
}

/** One group of listeners (buttons, intake, threads, home…), registered on the bolt app. */
export type SlackListeners = (app: App, context: SlackContext) => void;

/**
 * The language a person is spoken to in, as every message of the desk does: their own, else their
 * organisation's, else (someone the desk does not know) their Slack client's, else the desk's.
 */
export async function personLocale(
  context: SlackContext,
  person: Person | undefined,
  known?: SlackUser,
): Promise<Locale> {
  if (person?.locale) return person.locale;
  if (person?.organisationId) {
    const organisation = await context.deps.organisations.get(person.organisationId).catch(() => undefined);
    if (organisation) return organisation.locale;
  }
  return known?.locale ?? context.locale;
}

/** The language to answer `userId` in (see personLocale); a stranger's from their Slack client. */
export async function readerLocale(
  context: SlackContext,
  userId: string,
  known?: SlackUser,
): Promise<Locale> {
  const person = await context.deps.people.findByIdentity('slack', userId).catch(() => undefined);
  return personLocale(context, person, known ?? context.users.seen(userId));
}

/**
 * A failure after the ack, as the person is told it: the desk's refusal in their words, or, for
 * anything else, that it did not work (logged with its cause, which the person never sees).
 */
export async function refusalText(
  context: SlackContext,
  userId: string,
  error: unknown,
  known?: SlackUser,
): Promise<string> {
  const locale = await readerLocale(context, userId, known);
  if (error instanceof DomainError) return errorMessage(locale, `errors.${error.code}`, error.params);
  context.logger.error({ err: error }, 'a Slack request failed after its ack');
  return errorMessage(locale, 'errors.chatFailed', {});
}
