import { z } from 'zod';
import { LocalisedError } from '../i18n/localised-error.ts';
import { translate } from '../i18n/translate.ts';
import { cliLocale, EXIT, type CliIo } from './cli-io.ts';
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
    if (!(error instanceof LocalisedError)) throw error;
    io.stderr.write(`sladesk: ${error.in(locale)}\n`);
    // Everything we can explain is a problem with what was asked: a wrong option, contract or file.
    return EXIT.usage;
  }
}
