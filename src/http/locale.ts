import type { ApiKey, OrganisationRepository } from '../app/ports.ts';
import type { Person } from '../domain/desk/people.ts';
import { isLocale, type Locale } from '../i18n/translate.ts';

/**
 * The caller's most preferred language the desk speaks, from `Accept-Language` (e.g.
 * "sv-SE,sv;q=0.9,en;q=0.8"); undefined when the header is missing or names none (or only `*`).
 */
export function preferredLocale(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((entry, index) => {
      const [range = '', ...parameters] = entry.trim().split(';');
      const q = parameters
        .map((p) => /^\s*q=([0-9.]+)\s*$/i.exec(p)?.[1])
        .find((value) => value !== undefined);
      return {
        language: range.trim().toLowerCase().split('-')[0] ?? '',
        quality: q === undefined ? 1 : Number(q),
        index,
      };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { language } of ranked) {
    if (language === '*') return undefined;
    if (isLocale(language)) return language;
  }
  return undefined;
}

/**
 * The language of one request's answers: what `Accept-Language` asks for, else the acting person's
 * own, else their organisation's (a contact's, or that of an organisation's API key), else the
 * desk's default. Who acts becomes known while the request is read; the language is worked out
 * only when an answer needs words (a refusal), so a request that succeeds reads nothing for it.
 */
export class RequestLanguage {
  private person: Person | undefined;
  private keyOrganisationId: string | undefined;
  private organisationLocale: { id: string; locale: Promise<Locale> } | undefined;

  constructor(
    private readonly asked: Locale | undefined,
    private readonly fallback: Locale,
    private readonly organisations: Pick<OrganisationRepository, 'get'>,
  ) {}

  /** The request came with this key; an organisation's key speaks for its organisation. */
  keyIs(key: ApiKey): void {
    if (key.scope.kind === 'organisation') this.keyOrganisationId = key.scope.organisationId;
  }

  /** The person acting, once the key is known to allow them. */
  actorIs(person: Person): void {
    this.person = person;
  }

  locale(): Promise<Locale> {
    if (this.asked) return Promise.resolve(this.asked);
    if (this.person?.locale) return Promise.resolve(this.person.locale);
    const id = this.person?.organisationId ?? this.keyOrganisationId;
    if (!id) return Promise.resolve(this.fallback);
    if (this.organisationLocale?.id !== id) {
      const locale = this.organisations.get(id).then(
        (organisation) => organisation?.locale ?? this.fallback,
        // Only the words of an answer depend on it: a database that fails here fails the request
        // elsewhere, if at all, and the answer is still given, in the desk's language.
        () => this.fallback,
      );
      this.organisationLocale = { id, locale };
    }
    return this.organisationLocale.locale;
  }
}
