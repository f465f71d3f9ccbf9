import { STALE_KINDS } from '../app/stale-action.ts';
import { hasMessage, translate, type Locale, type Params } from './translate.ts';

/** What a `notFound` refusal can name, each with its own message under `errors.missing.`. */
export const MISSING_KINDS = ['ticket', 'person', 'organisation', 'apiKey'] as const;

/** Parameters that carry one of the code's identifiers, with the message group that words them. */
const WORDED_PARAMS = [
  ['action', 'actions'],
  ['status', 'statuses'],
  ['field', 'fields'],
  ['platform', 'platforms'],
  ['channel', 'platforms'],
] as const;

/**
 * A refusal said in the person's words rather than the code's: an action, status, field or platform
 * identifier (`startWork`, `in_progress`) becomes "start work", "in progress"; `notFound` says which
 * ticket, person or organisation was not found; `notAContact` said to a chat user names the platform
 * user they are known by; `staleAction` says what moved on since the button was made. Every edge
 * (HTTP, CLI, chat) words refusals here.
 */
export function errorMessage(locale: Locale, key: string, params: Params = {}): string {
  const words: Record<string, string | number> = { ...params };
  for (const [param, group] of WORDED_PARAMS) {
    const value = params[param];
    if (typeof value === 'string' && hasMessage(`${group}.${value}`))
      words[param] = translate(locale, `${group}.${value}`);
  }
  if (key === 'errors.notFound') {
    const kind = MISSING_KINDS.find((name) => params[name] !== undefined);
    if (kind) return translate(locale, `errors.missing.${kind}`, words);
  }
  // Refused on a chat platform, where the person is known by their platform user only.
  if (key === 'errors.notAContact' && params.externalId !== undefined)
    return translate(locale, 'chat.notAContact', words);
  if (key === 'errors.staleAction') {
    const moved = STALE_KINDS.find((kind) => params.moved === kind);
    if (moved) return translate(locale, `errors.stale.${moved}`, words);
  }
  return translate(locale, key, words);
}
