import type { z } from 'zod';
import { hasMessage, translate, type Locale } from '../i18n/translate.ts';
import { HttpError, type Issue } from './http-error.ts';

type RawIssue = z.core.$ZodRawIssue;

/** A word for a zod name (`int`, `datetime`, …) from `api.<group>`, or the name itself. */
function word(locale: Locale, group: 'types' | 'formats', name: string): string {
  const key = `api.${group}.${name}`;
  return hasMessage(key) ? translate(locale, key) : name;
}

const SIZE_KEYS = {
  string: { min: 'api.validation.tooShort', max: 'api.validation.tooLong' },
  array: { min: 'api.validation.tooFewItems', max: 'api.validation.tooManyItems' },
  inclusive: { min: 'api.validation.atLeast', max: 'api.validation.atMost' },
  exclusive: { min: 'api.validation.greaterThan', max: 'api.validation.lessThan' },
} as const;

function sizeIssue(locale: Locale, issue: RawIssue, bound: 'min' | 'max'): string {
  const { origin, inclusive, minimum, maximum } = issue as {
    origin?: string;
    inclusive?: boolean;
    minimum?: number | bigint;
    maximum?: number | bigint;
  };
  const params = { minimum: String(minimum), maximum: String(maximum) };
  if (origin === 'string' && bound === 'min' && params.minimum === '1')
    return translate(locale, 'api.validation.empty');
  const kind =
    origin === 'string' || origin === 'array' ? origin : inclusive === false ? 'exclusive' : 'inclusive';
  return translate(locale, SIZE_KEYS[kind][bound], params);
}

/** One zod issue in the caller's language, in the desk's own words rather than zod's. */
function issueMessage(locale: Locale, issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return translate(locale, 'api.validation.required');
      return translate(locale, 'api.validation.type', {
        expected: word(locale, 'types', String(issue.expected)),
      });
    case 'invalid_value':
      return translate(locale, 'api.validation.oneOf', { values: issue.values.map(String).join(', ') });
    case 'too_small':
      return sizeIssue(locale, issue, 'min');
    case 'too_big':
      return sizeIssue(locale, issue, 'max');
    case 'invalid_format':
      // A pattern is no format a reader knows by name ("not a valid regex"): show the pattern.
      if (issue.format === 'regex' && 'pattern' in issue && typeof issue.pattern === 'string')
        return translate(locale, 'api.validation.pattern', { pattern: issue.pattern });
      return translate(locale, 'api.validation.format', { format: word(locale, 'formats', issue.format) });
    case 'invalid_union':
      // A discriminated union with no option for the value given (an unknown `channel`).
      if ('options' in issue && Array.isArray(issue.options))
        return translate(locale, 'api.validation.oneOf', { values: issue.options.map(String).join(', ') });
      return translate(locale, 'api.validation.invalid');
    case 'unrecognized_keys':
      return translate(locale, 'api.validation.unknownFields', { fields: issue.keys.join(', ') });
    default:
      return translate(locale, 'api.validation.invalid');
  }
}

export type RequestPart = Issue['in'];

type Parts = Partial<Record<RequestPart, { schema: z.ZodType; input: unknown }>>;

/**
 * Checks each part of a request against its schema; every problem found is reported at once, in
 * the language `locale` gives, which is asked for only when there is a problem to word.
 */
export async function validateParts(
  parts: Parts,
  locale: () => Promise<Locale>,
): Promise<Partial<Record<RequestPart, unknown>>> {
  const data: Partial<Record<RequestPart, unknown>> = {};
  const failed: RequestPart[] = [];
  for (const [part, entry] of Object.entries(parts) as [
    RequestPart,
    { schema: z.ZodType; input: unknown },
  ][]) {
    const result = entry.schema.safeParse(entry.input);
    if (result.success) data[part] = result.data;
    else failed.push(part);
  }
  if (failed.length === 0) return data;
  const language = await locale();
  const issues: Issue[] = [];
  for (const part of failed) {
    const { schema, input } = parts[part]!;
    const result = schema.safeParse(input, { error: (issue) => issueMessage(language, issue) });
    for (const issue of result.error?.issues ?? []) {
      // Refinements name a message key instead of a sentence.
      const message = hasMessage(issue.message) ? translate(language, issue.message) : issue.message;
      issues.push({ in: part, field: issue.path.map(String).join('.'), code: issue.code, message });
    }
  }
  const first = issues[0]!;
  const where = first.field ? `${first.field}: ` : '';
  throw new HttpError(
    400,
    'invalidRequest',
    'api.errors.invalidRequest',
    { problem: `${where}${first.message}` },
    issues,
  );
}
