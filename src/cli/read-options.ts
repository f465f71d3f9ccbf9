import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { hasMessage } from '../i18n/translate.ts';
import { UsageError } from './usage-error.ts';

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/**
 * Reads `--name value` options strictly and checks them with a zod schema. Node's parser speaks
 * English; every problem is said again in the user's language through a message key.
 */
export function readOptions<T extends z.ZodType>(
  args: string[],
  options: OptionSpec,
  schema: T,
): z.output<T> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const word = /'([^']+)'/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError('cli.errors.unknownOption', { word });
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      throw new UsageError('cli.errors.unexpectedWord', { word });
    throw new UsageError('cli.errors.optionNeedsValue', { word: word.split(' ')[0]! });
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // A rule of our own names its message key; zod's built-in checks fall back to naming the option.
    if (hasMessage(issue.message)) throw new UsageError(issue.message);
    const option = String(issue.path[0] ?? '');
    if (values[option] === undefined)
      throw new UsageError('cli.errors.missingOption', { option: kebab(option) });
    throw new UsageError('cli.errors.badOptionValue', {
      option: kebab(option),
      value: String(values[option]),
    });
  }
  return parsed.data;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
