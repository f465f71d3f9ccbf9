import type { TurnContext } from 'botbuilder';
import type { DeskDeps } from '../../app/desk-deps.ts';
import { DomainError } from '../../domain/domain-error.ts';
import type { Organisation } from '../../domain/desk/organisation.ts';
import type { Person } from '../../domain/desk/people.ts';
import type { Locale } from '../../domain/locale.ts';
import { LOCALES } from '../../domain/locale.ts';
import { errorMessage } from '../../i18n/error-message.ts';
import type { TeamsUsers } from './teams-users.ts';

/** What every Teams listener works with: the desk's entry points and what Teams says of its users. */
export interface TeamsContext {
  deps: DeskDeps;
  users: TeamsUsers;
  /** The language of an answer to someone neither the desk nor Teams gives one for. */
  locale: Locale;
  logger: { error(details: object, message: string): void; info(details: object, message: string): void };
}

/**
 * One group of listeners (installs, intake, card actions, replies): true when it took the turn,
 * so that the next group is not asked.
 */
export type TeamsListener = (turn: TurnContext, context: TeamsContext) => Promise<boolean>;

/** The language of the activity's client ("sv-SE"), when the desk speaks it. */
export function activityLocale(turn: Pick<TurnContext, 'activity'>): Locale | undefined {
  const language = turn.activity.locale?.split('-')[0];
  return LOCALES.find((locale) => locale === language);
}

/** The language to answer the turn's sender in: the desk's record of them, else their client's. */
export async function readerLocale(context: TeamsContext, turn: TurnContext): Promise<Locale> {
  const aad = turn.activity.from?.aadObjectId;
  const person = aad
    ? await context.deps.people.findByIdentity('teams', aad).catch(() => undefined)
    : undefined;
  if (person?.locale) return person.locale;
  // As every message of the desk speaks to them: their organisation's language before their client's.
  const organisation = person?.organisationId
    ? await context.deps.organisations.get(person.organisationId).catch(() => undefined)
    : undefined;
  return organisation?.locale ?? activityLocale(turn) ?? context.locale;
}

/**
 * The language to answer a person the desk knows in, and their organisation, read once for the
 * turn: theirs, else their organisation's, else their client's.
 */
export async function readerOf(
  context: TeamsContext,
  turn: Pick<TurnContext, 'activity'>,
  person: Person,
): Promise<{ locale: Locale; organisation?: Organisation }> {
  const organisation = person.organisationId
    ? await context.deps.organisations.get(person.organisationId)
    : undefined;
  const locale = person.locale ?? organisation?.locale ?? activityLocale(turn) ?? context.locale;
  return { locale, ...(organisation ? { organisation } : {}) };
}

/** A refusal as the sender is told it: the desk's rule in their words, or that it did not work. */
export async function refusalText(context: TeamsContext, turn: TurnContext, error: unknown): Promise<string> {
  const locale = await readerLocale(context, turn);
  if (error instanceof DomainError) return errorMessage(locale, `errors.${error.code}`, error.params);
  context.logger.error({ err: error }, 'a Teams activity failed');
  return errorMessage(locale, 'errors.chatFailed', {});
}
