import { createInterface } from 'node:readline';
import { z } from 'zod';
import { loadContract } from '../contracts/load-contract.ts';
import type { Contract } from '../domain/sla/contract.ts';
import { UnknownPriorityError } from '../domain/sla/contract.ts';
import { LocalisedError } from '../i18n/localised-error.ts';
import { translate, type Locale } from '../i18n/translate.ts';
import { EXIT, type CliIo } from './cli-io.ts';
import { formatInstant, parseInstant } from './instant.ts';
import { readOptions } from './read-options.ts';
import { UsageError } from './usage-error.ts';

type Question = 'due' | 'elapsed';

/** One question as it arrives, from the command line or one JSON line of stdin. */
const queryShape = z.object({
  from: z.string({ error: 'cli.errors.missingField' }).optional(),
  to: z.string().optional(),
  priority: z.string().optional(),
  minutes: z.union([z.string(), z.number()]).optional(),
});
type Query = z.infer<typeof queryShape>;

function instantOf(query: Query, field: 'from' | 'to', contract: Contract): Date {
  const text = query[field];
  if (text === undefined) throw new UsageError('cli.errors.missingOption', { option: field });
  const instant = parseInstant(text, contract.terms.calendar.timeZone);
  if (!instant) throw new UsageError('cli.errors.badInstant', { option: field, value: text });
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
  const minutes = typeof query.minutes === 'number' ? query.minutes : Number(query.minutes);
  if (!/^\d+$/.test(String(query.minutes)) || !Number.isSafeInteger(minutes)) {
    throw new UsageError('cli.errors.badMinutes', { value: String(query.minutes) });
  }
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
  return { businessSeconds: Math.floor(calendar.businessTimeBetween(from, to) / 1000) };
}

async function answerLines(question: Question, contract: Contract, io: CliIo, locale: Locale) {
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    let reply: object;
    try {
      reply = answer(question, parseLine(line), contract);
    } catch (error) {
      if (!(error instanceof LocalisedError)) throw error;
      reply = { error: error.in(locale) };
    }
    io.stdout.write(`${JSON.stringify(reply)}\n`);
  }
}

function parseLine(line: string): Query {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new UsageError('cli.errors.notJson');
  }
  const parsed = queryShape.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError('cli.errors.badField', { field: issue.path.join('.') || '-' });
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
