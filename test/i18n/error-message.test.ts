import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATUSES } from '../../src/domain/tickets/ticket.ts';
import { errorMessage, MISSING_KINDS } from '../../src/i18n/error-message.ts';
import { hasMessage } from '../../src/i18n/translate.ts';

async function sourceText(): Promise<string> {
  const root = new URL('../../src', import.meta.url).pathname;
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.ts'));
  return (await Promise.all(files.map((e) => readFile(join(e.parentPath, e.name), 'utf8')))).join('\n');
}

describe('refusals in the person’s words', () => {
  it('says which ticket, person or organisation was not found', () => {
    expect(errorMessage('en', 'errors.notFound', { ticket: 'SD-9' })).toBe('ticket SD-9 not found');
    expect(errorMessage('sv', 'errors.notFound', { ticket: 'SD-9' })).toBe('ärende SD-9 hittades inte');
    expect(errorMessage('en', 'errors.notFound', { person: 'p1' })).toBe('person p1 not found');
    expect(errorMessage('sv', 'errors.notFound', { organisation: 'o1' })).toBe(
      'organisation o1 hittades inte',
    );
    // Nothing named: the plain message, never a placeholder.
    expect(errorMessage('en', 'errors.notFound')).toBe('not found');
  });

  it('names actions and statuses in words, not identifiers', () => {
    const params = { ticket: 'SD-3', action: 'startWork', status: 'waiting_on_customer' };
    expect(errorMessage('en', 'errors.illegalTransition', params)).toBe(
      'ticket SD-3 is waiting on the customer: “start work” is not possible now',
    );
    expect(errorMessage('sv', 'errors.illegalTransition', params)).toBe(
      'ärende SD-3 har status väntar på kunden: ”påbörja arbete” går inte nu',
    );
    expect(errorMessage('en', 'errors.agentsOnly', { action: 'internalComment' })).toBe(
      'only the service desk may do this (write an internal note)',
    );
    // An identifier without words yet is shown as it is rather than dropped.
    expect(errorMessage('en', 'errors.customerOnly', { action: 'somethingNew' })).toBe(
      'only the customer may do this (somethingNew)',
    );
  });

  it('tells a chat user who matches no contact which platform user they are known by', () => {
    expect(errorMessage('en', 'errors.notAContact', { platform: 'slack', externalId: 'U123' })).toBe(
      'you are not registered as a contact of any customer of this desk; ask your organisation’s administrator to add you (Slack user U123)',
    );
    expect(errorMessage('sv', 'errors.notAContact', { platform: 'teams', externalId: 'aad-1' })).toBe(
      'du är inte registrerad som kontaktperson hos någon av den här servicedeskens kunder; be din organisations administratör att lägga till dig (Teams-användare aad-1)',
    );
    // Known by their record: the organisation is named, as before.
    expect(errorMessage('en', 'errors.notAContact', { organisation: 'Acme' })).toBe(
      'only registered contacts of Acme may open tickets for it',
    );
  });

  it('names the text that is empty or too long', () => {
    expect(errorMessage('en', 'errors.textEmpty', { field: 'title' })).toBe('the title must not be empty');
    expect(errorMessage('sv', 'errors.textTooLong', { field: 'comment', max: 10_000, length: 10_001 })).toBe(
      'kommentaren får ha högst 10000 tecken; den här har 10001',
    );
  });

  it('has words for every action the code refuses and every status', async () => {
    const text = await sourceText();
    const actions = new Set<string>();
    for (const pattern of [
      /action: '(\w+)'/g,
      /requireStatus\(\w+, '(\w+)'/g,
      /requireDeskSide\(\w+, '(\w+)'/g,
      /requireContactOf\(\w+, \w+, '(\w+)'/g,
    ]) {
      for (const [, action] of text.matchAll(pattern)) actions.add(action!);
    }
    expect(actions.size).toBeGreaterThan(15);
    expect([...actions].filter((action) => !hasMessage(`actions.${action}`))).toEqual([]);
    expect(STATUSES.filter((status) => !hasMessage(`statuses.${status}`))).toEqual([]);
    expect(MISSING_KINDS.filter((kind) => !hasMessage(`errors.missing.${kind}`))).toEqual([]);
  });
});
