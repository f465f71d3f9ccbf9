import { join } from 'node:path';
import { loadConfig } from '../config/config.ts';
import { translate, type Locale } from '../i18n/translate.ts';
import { startFerretDb } from '../store/embedded-ferretdb.ts';
import { EXIT, type CliIo } from './cli-io.ts';
import { UsageError } from './usage-error.ts';

/**
 * `sladesk db serve`: the embedded database alone, on the desk's data directory, until SIGINT or
 * SIGTERM; prints its address, so that an operator can copy the data to MongoDB (mongodump) or look
 * at it with any MongoDB client. The desk must not run on the same directory meanwhile.
 */
export async function runDbCommand(args: string[], io: CliIo, locale: Locale): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'serve' || rest.length > 0) throw new UsageError('cli.db.usage');
  const config = loadConfig(io.env);
  if (config.mongodbUri !== undefined) {
    io.stderr.write(`sladesk: ${translate(locale, 'cli.db.external')}\n`);
    return EXIT.usage;
  }
  const server = await startFerretDb({ dataDir: join(config.dataDir, 'ferretdb') });
  io.stdout.write(`${server.uri}\n`);
  io.stderr.write(`sladesk: ${translate(locale, 'cli.db.serving', { uri: server.uri })}\n`);
  // The server does not hold this process open by itself (it lives as long as its owner).
  const holding = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  clearInterval(holding);
  await server.stop();
  return EXIT.ok;
}
