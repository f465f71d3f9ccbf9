import type { Locale } from '../i18n/translate.ts';
import { isLocale } from '../i18n/translate.ts';

/** What a command may touch of its process, so tests can run commands in-process. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

/** Exit codes: 0 done, 1 the work failed, 2 the command line was wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** SLADESK_LOCALE when set, else the shell's language; Swedish speakers get Swedish. */
export function cliLocale(env: NodeJS.ProcessEnv): Locale {
  if (isLocale(env.SLADESK_LOCALE)) return env.SLADESK_LOCALE;
  const lang = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return lang.toLowerCase().startsWith('sv') ? 'sv' : 'en';
}
