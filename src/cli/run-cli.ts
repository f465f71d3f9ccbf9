import { z } from 'zod';
import { translate } from '../i18n/translate.ts';
import { cliLocale, EXIT, type CliIo } from './cli-io.ts';
import { explainError } from './explain-error.ts';
import { runSlaCommand } from './sla-command.ts';
import { UsageError } from './usage-error.ts';

/** Runs one `sladesk …` command line and returns the exit code; never throws for bad input. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const locale = cliLocale(io.env);
  z.config(locale === 'sv' ? z.locales.sv() : z.locales.en());
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'sla':
        return await runSlaCommand(args, io, locale);
      // The desk's commands load the database stack; `sla` stays quick by not importing it.
      case 'start':
        return await (await import('./start-command.ts')).runStartCommand(args, io);
      case 'db':
        return await (await import('./db-command.ts')).runDbCommand(args, io, locale);
      case 'org':
      case 'contact':
      case 'agent':
      case 'ceo':
      case 'ticket':
      case 'key':
      case 'triage':
      case 'places':
      case 'person':
      case 'notifications':
      case 'web':
        return await (await import('./desk-commands.ts')).runDeskCommand(argv, io, locale);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(`${translate(locale, 'cli.usage')}\n`);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError('cli.errors.unknownCommand', { command });
    }
  } catch (error) {
    const explained = explainError(error, locale);
    if (!explained) throw error;
    io.stderr.write(`sladesk: ${explained.line}\n`);
    return explained.code;
  }
}
