import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CalendarRuleError } from '../../src/domain/sla/opening-table.ts';
import { hasMessage, messageKeys, translate } from '../../src/i18n/translate.ts';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

describe('locales', () => {
  it('has the same keys in Swedish and English', () => {
    expect(messageKeys('sv')).toEqual(messageKeys('en'));
  });

  it('has every message key the code names', async () => {
    const root = new URL('../../src', import.meta.url).pathname;
    const named = new Set<string>();
    for (const file of await sourceFiles(root)) {
      const text = await readFile(file, 'utf8');
      for (const [, key] of text.matchAll(
        /['"]((?:cli|contract|notify|errors|api|chat|web)\.[A-Za-z0-9_.]+[A-Za-z0-9_])['"]/g,
      )) {
        named.add(key!);
      }
    }
    expect(named.size).toBeGreaterThan(10);
    expect([...named].filter((key) => !hasMessage(key))).toEqual([]);
  });

  it('has a message for every calendar problem', () => {
    const problems: CalendarRuleError['problem'][] = [
      'badTime',
      'endsBeforeStart',
      'overlap',
      'neverOpen',
      'unknownTimeZone',
    ];
    expect(problems.filter((p) => !hasMessage(`contract.errors.calendar.${p}`))).toEqual([]);
  });

  it('fills placeholders and keeps unknown ones visible', () => {
    expect(translate('sv', 'cli.errors.missingOption', { option: 'from' })).toBe('--from måste anges');
    expect(translate('en', 'cli.errors.missingOption')).toBe('--{option} is required');
  });
});

describe('domain errors', () => {
  it('have a message in both languages for every code', async () => {
    const { DOMAIN_ERROR_CODES } = await import('../../src/domain/domain-error.ts');
    expect(DOMAIN_ERROR_CODES.filter((code) => !hasMessage(`errors.${code}`))).toEqual([]);
  });
});
