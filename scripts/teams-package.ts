// `npm run teams:package [-- --out PATH]`: the zip a Teams admin uploads for the desk's app.
//
// It holds manifests/teams/manifest.json with its placeholders filled in, the Swedish strings
// (sv.json) and the two icons, all four at the zip's root, as Teams reads an app package. Read
// from the environment:
//
//   TEAMS_APP_ID        required: the bot's Microsoft App ID (the app registration's client id);
//                       MICROSOFT_APP_ID, which the desk itself reads, when unset
//   PUBLIC_URL          required: https://<public host>[/…] the desk is reached on; its host is
//                       the manifest's valid domain
//   TEAMS_APP_VERSION   the app's version (x.y.z); sladesk's own version when unset. Teams takes
//                       an update of an uploaded app only with a higher version.
//   TEAMS_WEBSITE_URL, TEAMS_PRIVACY_URL, TEAMS_TERMS_URL
//                       the developer links Teams shows on the app's details; PUBLIC_URL's origin
//                       when unset. Set them to your organisation's pages.
//
// A wrong or missing value stops it with one line per problem, exit code 2, and nothing written.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { strToU8, zipSync } from 'fflate';
import { z } from 'zod';

export const TEAMS_DIR = new URL('../manifests/teams/', import.meta.url);
export const DEFAULT_OUT = 'dist/sladesk-teams.zip';
/** The files of the package, each at the zip's root under the name it has in manifests/teams/. */
export const PACKAGE_FILES = ['manifest.json', 'sv.json', 'color.png', 'outline.png'] as const;

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The version pattern of the Teams manifest schema: three numbers, no leading zeros. */
const VERSION = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;
/**
 * Every zip entry carries this modification time, so the same inputs give the same bytes.
 * Zip keeps local time without a zone: the date is set at noon so that no zone moves it off
 * the day.
 */
const ENTRY_TIME = new Date(2000, 0, 1, 12, 0, 0);

const quoted = (value: unknown) => JSON.stringify(value);

function httpsUrl(name: string, meaning: string) {
  return z.string({ error: `${name} is required: ${meaning}` }).superRefine((raw, context) => {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      context.addIssue({
        code: 'custom',
        message: `${name} must be an https URL (${meaning}), got ${quoted(raw)}`,
      });
      return;
    }
    if (url.protocol !== 'https:') {
      context.addIssue({
        code: 'custom',
        message: `${name} must be an https URL (Teams reaches the desk only over TLS), got ${quoted(raw)}`,
      });
    } else if (url.username || url.password) {
      context.addIssue({ code: 'custom', message: `${name} must not hold a user name or password` });
    }
  });
}

/**
 * The checks, naming the app id by the variable it was read from: TEAMS_APP_ID, or else the
 * desk's own MICROSOFT_APP_ID, so that one environment file serves both.
 */
const inputSchema = (appIdName: string) =>
  z.object({
    TEAMS_APP_ID: z
      .string({
        error:
          "TEAMS_APP_ID is required (or MICROSOFT_APP_ID, as the desk reads it): the Microsoft App ID of the desk's Azure Bot",
      })
      .trim()
      .regex(GUID, {
        error: (issue) =>
          `${appIdName} must be a GUID like 00000000-0000-0000-0000-000000000000 (the Application (client) ID of the bot's app registration), got ${quoted(issue.input)}`,
      }),
    PUBLIC_URL: httpsUrl('PUBLIC_URL', 'the address the desk is reached on, e.g. https://desk.example.com'),
    TEAMS_APP_VERSION: z
      .string()
      .trim()
      .regex(VERSION, {
        error: (issue) =>
          `TEAMS_APP_VERSION must be a version like 1.0.3 (three numbers), got ${quoted(issue.input)}`,
      })
      .optional(),
    TEAMS_WEBSITE_URL: httpsUrl('TEAMS_WEBSITE_URL', "the developer's website").optional(),
    TEAMS_PRIVACY_URL: httpsUrl('TEAMS_PRIVACY_URL', 'the privacy statement').optional(),
    TEAMS_TERMS_URL: httpsUrl('TEAMS_TERMS_URL', 'the terms of use').optional(),
  });

const INPUT_NAMES = Object.keys(inputSchema('TEAMS_APP_ID').shape);

/** What a Teams package is built from, once checked. */
export interface TeamsPackageInputs {
  appId: string;
  host: string;
  version: string;
  websiteUrl: string;
  privacyUrl: string;
  termsOfUseUrl: string;
}

/** The inputs were wrong: `problems` says which, one line each. Nothing has been written. */
export class TeamsPackageInputError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'TeamsPackageInputError';
  }
}

function sladeskVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Reads and checks the package's inputs from the environment; throws TeamsPackageInputError. */
export function readTeamsPackageInputs(env: NodeJS.ProcessEnv): TeamsPackageInputs {
  // An empty variable is an unset one, as a shell's `VAR= npm run …` means.
  const set = (name: string) => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  const given = Object.fromEntries(
    INPUT_NAMES.flatMap((name) => {
      const value = set(name);
      return value === undefined ? [] : [[name, value]];
    }),
  );
  const deskAppId = set('MICROSOFT_APP_ID');
  let appIdName = 'TEAMS_APP_ID';
  if (given.TEAMS_APP_ID === undefined && deskAppId !== undefined) {
    given.TEAMS_APP_ID = deskAppId;
    appIdName = 'MICROSOFT_APP_ID';
  }
  const parsed = inputSchema(appIdName).safeParse(given);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  if (
    deskAppId !== undefined &&
    appIdName === 'TEAMS_APP_ID' &&
    deskAppId.trim().toLowerCase() !== given.TEAMS_APP_ID!.trim().toLowerCase()
  ) {
    problems.push(
      `TEAMS_APP_ID ${quoted(given.TEAMS_APP_ID)} is not the desk's MICROSOFT_APP_ID ${quoted(deskAppId)}: Teams would send the app's messages to a bot the desk cannot answer for; set one, or both alike`,
    );
  }
  if (!parsed.success || problems.length > 0) throw new TeamsPackageInputError(problems);
  const vars = parsed.data;
  const publicUrl = new URL(vars.PUBLIC_URL.trim());
  const origin = `${publicUrl.origin}/`;
  return {
    appId: vars.TEAMS_APP_ID,
    // The host name alone: a valid domain names no scheme, port or path.
    host: publicUrl.hostname,
    version: vars.TEAMS_APP_VERSION ?? sladeskVersion(),
    websiteUrl: vars.TEAMS_WEBSITE_URL?.trim() ?? origin,
    privacyUrl: vars.TEAMS_PRIVACY_URL?.trim() ?? origin,
    termsOfUseUrl: vars.TEAMS_TERMS_URL?.trim() ?? origin,
  };
}

/** The placeholders of manifests/teams/manifest.json, each with the input it is filled with. */
function placeholders(inputs: TeamsPackageInputs): Record<string, string> {
  return {
    '{{TEAMS_APP_ID}}': inputs.appId,
    '{{PUBLIC_HOST}}': inputs.host,
    '{{TEAMS_APP_VERSION}}': inputs.version,
    '{{WEBSITE_URL}}': inputs.websiteUrl,
    '{{PRIVACY_URL}}': inputs.privacyUrl,
    '{{TERMS_OF_USE_URL}}': inputs.termsOfUseUrl,
  };
}

/** Every string of a parsed JSON value with `fill` applied, the structure kept. */
function mapStrings(value: unknown, fill: (text: string) => string): unknown {
  if (typeof value === 'string') return fill(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fill));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, fill)]));
  }
  return value;
}

/** The manifest with its placeholders filled in. A placeholder left over is a bug here: it throws. */
export function fillManifest(template: string, inputs: TeamsPackageInputs): Record<string, unknown> {
  const values = placeholders(inputs);
  const filled = mapStrings(JSON.parse(template), (text) =>
    text.replace(/\{\{[A-Z_]+\}\}/g, (placeholder) => {
      const value = values[placeholder];
      if (value === undefined)
        throw new Error(`manifests/teams/manifest.json: unknown placeholder ${placeholder}`);
      return value;
    }),
  );
  return filled as Record<string, unknown>;
}

/** The zip's bytes: the filled-in manifest, sv.json and the icons, at the root. */
export function buildTeamsPackage(inputs: TeamsPackageInputs, dir: URL = TEAMS_DIR): Uint8Array {
  const manifest = fillManifest(readFileSync(new URL('manifest.json', dir), 'utf8'), inputs);
  const entries: Record<string, Uint8Array> = {};
  for (const name of PACKAGE_FILES) {
    entries[name] =
      name === 'manifest.json'
        ? strToU8(`${JSON.stringify(manifest, null, 2)}\n`)
        : new Uint8Array(readFileSync(new URL(name, dir)));
  }
  return zipSync(entries, { level: 9, mtime: ENTRY_TIME });
}

/** Writes `bytes` to `path` whole or not at all: into a file beside it, renamed over it when done. */
function writeWhole(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  try {
    writeFileSync(partial, bytes);
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

const USAGE = `Usage: npm run teams:package [-- --out PATH]

Builds the Microsoft Teams app package (default ${DEFAULT_OUT}) from
  TEAMS_APP_ID        required, the bot's Microsoft App ID (a GUID); MICROSOFT_APP_ID if unset
  PUBLIC_URL          required, the https URL the desk is reached on (its host is the valid domain)
  TEAMS_APP_VERSION   the app's version x.y.z (default: sladesk's version); raise it for each update
  TEAMS_WEBSITE_URL, TEAMS_PRIVACY_URL, TEAMS_TERMS_URL   developer links (default: PUBLIC_URL's origin)
`;

export interface PackageIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** The command: returns its exit code (0 written, 2 a wrong input and nothing written). */
export function runTeamsPackage(args: string[], io: PackageIo): number {
  let out: string;
  try {
    const { values } = parseArgs({
      args,
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    if (values.out !== undefined && values.out.trim() === '') throw new Error('--out needs a path');
    out = resolve(io.cwd, values.out ?? DEFAULT_OUT);
  } catch (error) {
    io.stderr.write(`teams:package: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }

  let inputs: TeamsPackageInputs;
  try {
    inputs = readTeamsPackageInputs(io.env);
  } catch (error) {
    if (!(error instanceof TeamsPackageInputError)) throw error;
    const lines = error.problems.map((problem) => `teams:package: ${problem}\n`).join('');
    io.stderr.write(`${lines}teams:package: nothing was written\n`);
    return EXIT.usage;
  }

  writeWhole(out, buildTeamsPackage(inputs));
  io.stdout.write(
    `wrote ${out}: app ${inputs.appId}, version ${inputs.version}, valid domain ${inputs.host}\n` +
      'Upload it in the Teams admin center (Teams apps > Manage apps > Upload new app), ' +
      'or in Teams (Apps > Manage your apps > Upload an app) to try it yourself.\n',
  );
  return EXIT.ok;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = runTeamsPackage(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
