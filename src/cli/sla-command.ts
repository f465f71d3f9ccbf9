import { z } from 'zod';
import { loadContract } from '../contracts/load-contract.ts';
import type { Contract } from '../domain/sla/contract.ts';
import { UnknownPriorityError } from '../domain/sla/contract.ts';
import { LocalisedError } from '../i18n/localised-error.ts';
import { translate, type Locale } from '../i18n/translate.ts';
import { EXIT, type CliIo } from './cli-io.ts';
import { inputLines, TOO_LONG } from './input-lines.ts';
import { formatInstant, parseInstant } from './instant.ts';
import { readOptions } from './read-options.ts';
import { UsageError } from './usage-error.ts';

type Question = 'due' | 'elapsed';

/**
 * Bounds that keep every answer quick: SLA targets are hours or days, so a year of minutes is
 * plenty; the clock answers for the years 1970–2199, and `elapsed` for spans of up to ten years.
 */
const MAX_MINUTES = 365 * 24 * 60;
const YEARS = { first: 1970, last: 2199 } as const;
const MAX_SPAN_YEARS = 10;
const MAX_SPAN_MS = MAX_SPAN_YEARS * 366 * 86_400_000;
/** A question is a few dozen characters; a line this long is not one. */
const MAX_LINE_CHARS = 64 * 1024;

/** One question as it arrives, from the command line or one JSON line of stdin. */
const queryShape = z.object({
  from: z.string({ error: 'cli.errors.missingField' }).optional(),
  to: z.string().optional(),
  priority: z.string().optional(),
  minutes: z.union([z.string(), z.number()]).optional(),
});
type Query = z.infer<typeof queryShape>;
/** A JSON line names its fields exactly: a misspelt one is reported, not silently dropped. */
const lineShape = queryShape.strict();

function instantOf(query: Query, field: 'from' | 'to', contract: Contract): Date {
  const text = query[field];
  if (text === undefined) throw new UsageError('cli.errors.missingOption', { option: field });
  const instant = parseInstant(text, contract.terms.calendar.timeZone);
  if (!instant) throw new UsageError('cli.errors.badInstant', { option: field, value: text });
  const year = instant.getUTCFullYear();
  if (year < YEARS.first || year > YEARS.last)
    throw new UsageError('cli.errors.instantOutOfRange', { option: field, value: text, ...YEARS });
  return instant;
}

function minutesOf(query: Query, contract: Contract): number {
  const hasPriority = query.priority !== undefined;
  if (hasPriority === (query.minutes !== undefined)) throw new UsageError('cli.errors.priorityOrMinutes');
  if (hasPriority) {
    try {
      return contract.priority(query.priority!).responseMinutes;
    } catch (error) {
      if (!(error instanceof UnknownPriorityError)) throw error;
      throw new UsageError('cli.errors.unknownPriority', {
        priority: error.priority,
        known: error.known.join(', '),
      });
    }
  }
  const text = String(query.minutes);
  if (!/^\d+$/.test(text)) throw new UsageError('cli.errors.badMinutes', { value: text });
  const minutes = Number(text);
  if (minutes > MAX_MINUTES)
    throw new UsageError('cli.errors.tooManyMinutes', { value: text, max: MAX_MINUTES });
  return minutes;
}

function answer(question: Question, query: Query, contract: Contract): object {
  const calendar = contract.calendar;
  const from = instantOf(query, 'from', contract);
  if (question === 'due') {
    if (query.to !== undefined) throw new UsageError('cli.errors.notFor', { option: 'to', command: 'due' });
    const due = calendar.addBusinessTime(from, minutesOf(query, contract) * 60_000);
    return { due: formatInstant(due, calendar.rules.timeZone) };
  }
  if (query.priority !== undefined || query.minutes !== undefined) {
    throw new UsageError('cli.errors.notFor', {
      option: query.priority !== undefined ? 'priority' : 'minutes',
      command: 'elapsed',
    });
  }
  const to = instantOf(query, 'to', contract);
  if (to < from) throw new UsageError('cli.errors.toBeforeFrom');
  if (to.getTime() - from.getTime() > MAX_SPAN_MS)
    throw new UsageError('cli.errors.spanTooLong', { years: MAX_SPAN_YEARS });
  return { businessSeconds: Math.floor(calendar.businessTimeBetween(from, to) / 1000) };
}

/** One answer per line of stdin, in order; a bad line's answer names the line and what is wrong. */
async function answerLines(question: Question, contract: Contract, io: CliIo, locale: Locale) {
  let number = 0;
  for await (const line of inputLines(io.stdin, MAX_LINE_CHARS)) {
    number += 1;
    let reply: object;
    try {
      reply = answer(question, parseLine(line), contract);
    } catch (error) {
      if (!(error instanceof LocalisedError)) throw error;
      reply = { error: translate(locale, 'cli.errors.atLine', { line: number, problem: error.in(locale) }) };
    }
    io.stdout.write(`${JSON.stringify(reply)}\n`);
  }
}

/** How much of a wrong line an error quotes. */
const QUOTED_CHARS = 40;
const quote = (text: string) => (text.length > QUOTED_CHARS ? `${text.slice(0, QUOTED_CHARS)}…` : text);

function parseLine(line: string | typeof TOO_LONG): Query {
  if (line === TOO_LONG) throw new UsageError('cli.errors.lineTooLong', { max: MAX_LINE_CHARS });
  if (line.trim() === '') throw new UsageError('cli.errors.emptyLine');
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new UsageError('cli.errors.notJson', { got: quote(line.trim()) });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError('cli.errors.notObject', { got: quote(line.trim()) });
  const parsed = lineShape.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys')
      throw new UsageError('cli.errors.unknownFields', { fields: issue.keys.join(', ') });
    throw new UsageError('cli.errors.badField', { field: issue.path.join('.') });
  }
  return parsed.data;
}

const OPTIONS = {
  contract: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  priority: { type: 'string' },
  minutes: { type: 'string' },
  jsonl: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const slaOptions = z.object({
  contract: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  priority: z.string().optional(),
  minutes: z.string().optional(),
  jsonl: z.boolean().optional(),
  help: z.boolean().optional(),
});

/** `sladesk sla due|elapsed …`: SLA deadlines and business time for service managers and scripts. */
export async function runSlaCommand(args: string[], io: CliIo, locale: Locale): Promise<number> {
  const [question, ...rest] = args;
  if (question !== 'due' && question !== 'elapsed') {
    if (question === undefined || question === '--help' || question === '-h') {
      io.stdout.write(`${translate(locale, 'cli.sla.usage')}\n`);
      return question === undefined ? EXIT.usage : EXIT.ok;
    }
    throw new UsageError('cli.errors.unknownCommand', { command: `sla ${question}` });
  }
  const options = readOptions(rest, OPTIONS, slaOptions);
  if (options.help) {
    io.stdout.write(`${translate(locale, 'cli.sla.usage')}\n`);
    return EXIT.ok;
  }
  if (!options.contract) throw new UsageError('cli.errors.missingOption', { option: 'contract' });
  const { contract: contractName, jsonl, help: _help, ...query } = options;
  if (jsonl && Object.keys(query).length > 0) {
    throw new UsageError('cli.errors.jsonlWithQuery', { option: Object.keys(query)[0]! });
  }
  const contract = await loadContract(contractName);
  if (jsonl) await answerLines(question, contract, io, locale);
  else io.stdout.write(`${JSON.stringify(answer(question, query, contract))}\n`);
  return EXIT.ok;
}
