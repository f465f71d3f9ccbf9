import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { CalendarRuleError } from '../domain/sla/opening-table.ts';
import { Contract, type ContractTerms } from '../domain/sla/contract.ts';
import type { HolidayLookup } from '../domain/sla/calendar-rules.ts';
import { LocalisedError } from '../i18n/localised-error.ts';
import { hasMessage } from '../i18n/translate.ts';
import { contractFileSchema } from './contract-schema.ts';
import { dateHolidaysLookup, noHolidays, UnknownHolidayCountryError } from './holidays.ts';
import { PRESETS } from './presets.ts';

export class ContractLoadError extends LocalisedError {
  override name = 'ContractLoadError';
}

export function isPresetName(name: string): name is keyof typeof PRESETS {
  return Object.hasOwn(PRESETS, name);
}

/** Builds the running contract from its terms, with the holidays its calendar names. */
export function contractFromTerms(terms: ContractTerms): Contract {
  try {
    const rule = terms.calendar.holidays;
    const holidays: HolidayLookup = rule ? dateHolidaysLookup(rule) : noHolidays;
    return new Contract(terms, holidays);
  } catch (error) {
    if (error instanceof CalendarRuleError) {
      throw new ContractLoadError(`contract.errors.calendar.${error.problem}`, {
        contract: terms.id,
        detail: error.detail,
      });
    }
    if (error instanceof UnknownHolidayCountryError) {
      throw new ContractLoadError('contract.errors.holidayCountry', {
        contract: terms.id,
        country: error.country,
      });
    }
    throw error;
  }
}

function invalid(source: string, error: z.ZodError): ContractLoadError {
  const issue = error.issues[0]!;
  // Our own refinements carry message keys; zod's built-in messages come localised by zod itself.
  const problem = hasMessage(issue.message) ? { key: issue.message } : { text: issue.message };
  return new ContractLoadError(problem.key ?? 'contract.errors.invalid', {
    source,
    where: issue.path.length ? issue.path.join('.') : '-',
    detail: problem.text ?? '',
  });
}

/** Parses and checks a contract file's text; `source` names it in errors. */
export function contractFromText(text: string, format: 'json' | 'yaml', source: string): Contract {
  let raw: unknown;
  try {
    raw = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ContractLoadError('contract.errors.syntax', {
      source,
      format: format.toUpperCase(),
      detail: (error as Error).message.split('\n')[0]!,
    });
  }
  const parsed = contractFileSchema.safeParse(raw);
  if (!parsed.success) throw invalid(source, parsed.error);
  return contractFromTerms(parsed.data);
}

function formatOf(path: string): 'json' | 'yaml' | undefined {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return undefined;
}

/** A preset by name (`stratiteq`), or a contract file by path (`.json`, `.yaml`, `.yml`). */
export async function loadContract(nameOrPath: string): Promise<Contract> {
  if (isPresetName(nameOrPath)) return contractFromTerms(PRESETS[nameOrPath]);
  const format = formatOf(nameOrPath);
  if (!format) {
    throw new ContractLoadError('contract.errors.unknown', {
      name: nameOrPath,
      presets: Object.keys(PRESETS).join(', '),
    });
  }
  let text: string;
  try {
    text = await readFile(nameOrPath, 'utf8');
  } catch (error) {
    throw new ContractLoadError('contract.errors.unreadable', {
      source: nameOrPath,
      reason: (error as NodeJS.ErrnoException).code ?? String(error),
    });
  }
  return contractFromText(text, format, nameOrPath);
}
