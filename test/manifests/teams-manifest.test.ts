import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ManifestUtil,
  type TeamsAppManifest,
  type TeamsAppManifestJSONSchema,
} from '@microsoft/app-manifest';
import { strFromU8, unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { drawColorIcon, drawOutlineIcon } from '../../scripts/teams-icons.ts';
import {
  buildTeamsPackage,
  PACKAGE_FILES,
  readTeamsPackageInputs,
  runTeamsPackage,
  TeamsPackageInputError,
} from '../../scripts/teams-package.ts';

const TEAMS_DIR = new URL('../../manifests/teams/', import.meta.url);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scripts/teams-package.ts', import.meta.url));

/** The manifest schema version chosen: the newest generally available one (August 2026). */
const SCHEMA_VERSION = '1.30';
const SCHEMA_BASE = `https://developer.microsoft.com/json-schemas/teams/v${SCHEMA_VERSION}`;

const APP_ID = '8d5c9e0a-1b2c-4d3e-9f40-123456789abc';
const PUBLIC_URL = 'https://desk.example.com/';

interface Command {
  id: string;
  type: string;
  context: string[];
  fetchTask: boolean;
  title: string;
  description: string;
}
interface Manifest {
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  developer: Record<string, string>;
  name: { short: string; full: string };
  description: { short: string; full: string };
  icons: { color: string; outline: string };
  localizationInfo: {
    defaultLanguageTag: string;
    additionalLanguages: { languageTag: string; file: string }[];
  };
  bots: {
    botId: string;
    scopes: string[];
    supportsFiles: boolean;
    isNotificationOnly: boolean;
    commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[];
  }[];
  composeExtensions: { botId: string; commands: Command[] }[];
  validDomains: string[];
  webApplicationInfo: { id: string };
  authorization: { permissions: { resourceSpecific: { name: string; type: string }[] } };
}

const readJson = <T>(name: string): T => JSON.parse(readFileSync(new URL(name, TEAMS_DIR), 'utf8')) as T;
const manifest = readJson<Manifest>('manifest.json');
const swedish = readJson<Record<string, string>>('sv.json');

/** A value in the manifest at a localization key's path, e.g. `bots[0].commandLists[0].commands[1].title`. */
function atPath(root: unknown, path: string): unknown {
  return path
    .split('.')
    .flatMap((part) => {
      const [, name, indexes] = /^([^[]+)((?:\[\d+\])*)$/.exec(part) ?? [];
      if (name === undefined) throw new Error(`not a localization key: ${path}`);
      return [name, ...[...(indexes ?? '').matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]))];
    })
    .reduce<unknown>((value, key) => (value as Record<string | number, unknown> | undefined)?.[key], root);
}

/** Every user-facing text of the manifest, by its localization key. */
function localizableKeys(app: Manifest): string[] {
  return [
    'name.short',
    'name.full',
    'description.short',
    'description.full',
    ...app.bots.flatMap((bot, b) =>
      bot.commandLists.flatMap((list, l) =>
        list.commands.flatMap((_, c) =>
          ['title', 'description'].map((field) => `bots[${b}].commandLists[${l}].commands[${c}].${field}`),
        ),
      ),
    ),
    ...app.composeExtensions.flatMap((extension, e) =>
      extension.commands.flatMap((_, c) =>
        ['title', 'description'].map((field) => `composeExtensions[${e}].commands[${c}].${field}`),
      ),
    ),
  ];
}

/** Width, height and colour type from a PNG's signature and IHDR chunk. */
function pngHeader(bytes: Buffer): { width: number; height: number; colorType: number } {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colorType: bytes[25]! };
}

const require = createRequire(import.meta.url);
/** Microsoft's own JSON schemas, as @microsoft/app-manifest ships them: no network needed. */
function microsoftSchema(name: string): Record<string, unknown> {
  const path = require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${SCHEMA_VERSION}/${name}`);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function validate(value: unknown, schema: Record<string, unknown>): Promise<string[]> {
  return ManifestUtil.validateManifestAgainstSchema(
    value as TeamsAppManifest,
    schema as unknown as TeamsAppManifestJSONSchema,
  );
}

/**
 * The localization schema, with one fix: two of its key patterns (`activities.activityTypes[…]`)
 * hold an unescaped `]` that Ajv, compiling with the `u` flag, refuses as a regular expression.
 * Escaping it matches the same keys.
 */
function localizationSchema(): Record<string, unknown> {
  const schema = microsoftSchema('MicrosoftTeams.Localization.schema.json');
  const patterns = schema.patternProperties as Record<string, unknown>;
  schema.patternProperties = Object.fromEntries(
    Object.entries(patterns).map(([pattern, rule]) => [pattern.replace(/\\b\]/g, '\\b\\]'), rule]),
  );
  return schema;
}

const temporary: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sladesk-teams-package-'));
  temporary.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** The environment of this run without any TEAMS_*, MICROSOFT_APP_* or PUBLIC_URL, plus `vars`. */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(TEAMS_|MICROSOFT_APP_)/.test(name) && name !== 'PUBLIC_URL',
    ),
  );
  return { ...env, ...vars };
}

async function runScript(
  args: string[],
  vars: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', SCRIPT, ...args],
      { cwd: ROOT, env: envWith(vars) },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function silentIo(env: NodeJS.ProcessEnv, cwd: string) {
  const io = { out: '', err: '' };
  return {
    io,
    package: {
      env,
      cwd,
      stdout: { write: (text: string) => (io.out += text) },
      stderr: { write: (text: string) => (io.err += text) },
    },
  };
}

describe('the Teams app manifest', () => {
  it(`targets manifest schema ${SCHEMA_VERSION}, its localization file too`, () => {
    expect(manifest.$schema).toBe(`${SCHEMA_BASE}/MicrosoftTeams.schema.json`);
    expect(manifest.manifestVersion).toBe(SCHEMA_VERSION);
    expect(swedish.$schema).toBe(`${SCHEMA_BASE}/MicrosoftTeams.Localization.schema.json`);
    expect(manifest.name.short).toBe('sladesk');
  });

  it('leaves the app id, the host and the version to the package script', () => {
    expect(manifest.id).toBe('{{TEAMS_APP_ID}}');
    expect(manifest.bots.map((bot) => bot.botId)).toEqual(['{{TEAMS_APP_ID}}']);
    expect(manifest.composeExtensions.map((extension) => extension.botId)).toEqual(['{{TEAMS_APP_ID}}']);
    expect(manifest.webApplicationInfo).toEqual({ id: '{{TEAMS_APP_ID}}' });
    expect(manifest.validDomains).toEqual(['{{PUBLIC_HOST}}']);
    expect(manifest.version).toBe('{{TEAMS_APP_VERSION}}');
  });

  it('has a conversational bot in personal chats and teams with the commands new ticket, tickets, desk and help', () => {
    const [bot] = manifest.bots;
    expect(bot).toMatchObject({
      scopes: ['personal', 'team'],
      supportsFiles: false,
      isNotificationOnly: false,
    });
    expect(bot!.commandLists.flatMap((list) => list.commands.map((command) => command.title))).toEqual([
      'new ticket',
      'tickets',
      'desk',
      'help',
    ]);
  });

  it('has the message actions createTicket and sendToCustomer, each opening a dialog', () => {
    const commands = manifest.composeExtensions.flatMap((extension) => extension.commands);
    expect(
      commands.map(({ id, type, context, fetchTask, title }) => ({ id, type, context, fetchTask, title })),
    ).toEqual([
      { id: 'createTicket', type: 'action', context: ['message'], fetchTask: true, title: 'Create ticket' },
      {
        id: 'sendToCustomer',
        type: 'action',
        context: ['message'],
        fetchTask: true,
        title: 'Send to customer',
      },
    ]);
  });

  it('asks for every message in the channels of a team it is added to (RSC)', () => {
    expect(manifest.authorization.permissions.resourceSpecific).toEqual([
      { name: 'ChannelMessage.Read.Group', type: 'Application' },
    ]);
  });

  it('is in English, with every user-facing text in Swedish in sv.json', () => {
    expect(manifest.localizationInfo).toEqual({
      defaultLanguageTag: 'en',
      additionalLanguages: [{ languageTag: 'sv', file: 'sv.json' }],
    });
    const keys = Object.keys(swedish).filter((key) => key !== '$schema');
    for (const key of keys) {
      expect(typeof atPath(manifest, key), `${key} is not a text in manifest.json`).toBe('string');
      expect(swedish[key]!.trim(), key).not.toBe('');
    }
    expect(keys.sort()).toEqual(localizableKeys(manifest).sort());
    expect(swedish['composeExtensions[0].commands[0].title']).toBe('Skapa ärende');
    expect(swedish['description.short']).not.toBe(manifest.description.short);
  });

  it('passes Microsoft’s localization schema with sv.json', async () => {
    expect(await validate(swedish, localizationSchema())).toEqual([]);
  });
});

describe('the Teams app icons', () => {
  const color = readFileSync(new URL(manifest.icons.color, TEAMS_DIR));
  const outline = readFileSync(new URL(manifest.icons.outline, TEAMS_DIR));

  it('are a 192×192 colour icon and a 32×32 outline icon, both RGBA PNGs', () => {
    expect(pngHeader(color)).toEqual({ width: 192, height: 192, colorType: 6 });
    expect(pngHeader(outline)).toEqual({ width: 32, height: 32, colorType: 6 });
  });

  it('has an opaque colour icon in more than one colour', () => {
    const { data } = PNG.sync.read(color);
    const colours = new Set<number>();
    let translucent = 0;
    for (let at = 0; at < data.length; at += 4) {
      if (data[at + 3] !== 255) translucent++;
      colours.add(data.readUInt32BE(at));
    }
    expect(translucent).toBe(0);
    expect(colours.size).toBeGreaterThan(2);
  });

  it('has an outline icon in white on transparent and nothing else', () => {
    const { data } = PNG.sync.read(outline);
    let opaque = 0;
    let clear = 0;
    for (let at = 0; at < data.length; at += 4) {
      const alpha = data[at + 3]!;
      if (alpha === 0) clear++;
      else expect([data[at], data[at + 1], data[at + 2]], `pixel ${at / 4}`).toEqual([255, 255, 255]);
      if (alpha === 255) opaque++;
    }
    expect(opaque).toBeGreaterThan(100);
    expect(clear).toBeGreaterThan(100);
  });

  it('are what scripts/teams-icons.ts draws', () => {
    expect(PNG.sync.read(color).data.equals(drawColorIcon().data)).toBe(true);
    expect(PNG.sync.read(outline).data.equals(drawOutlineIcon().data)).toBe(true);
  });
});

describe('npm run teams:package', () => {
  it('writes the zip with the app id, the host and the four files at its root', async () => {
    const dir = tempDir();
    const out = join(dir, 'out', 'sladesk-teams.zip');
    const result = await runScript(['--out', out], {
      TEAMS_APP_ID: APP_ID,
      PUBLIC_URL: 'https://desk.example.com:8443/sladesk',
      TEAMS_APP_VERSION: '1.2.3',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(out);

    const files = unzipSync(new Uint8Array(readFileSync(out)));
    expect(Object.keys(files).sort()).toEqual([...PACKAGE_FILES].sort());
    const text = strFromU8(files['manifest.json']!);
    expect(text).not.toContain('{{');
    const filled = JSON.parse(text) as Manifest;
    expect(filled.id).toBe(APP_ID);
    expect(filled.bots[0]!.botId).toBe(APP_ID);
    expect(filled.composeExtensions[0]!.botId).toBe(APP_ID);
    expect(filled.webApplicationInfo.id).toBe(APP_ID);
    expect(filled.validDomains).toEqual(['desk.example.com']);
    expect(filled.version).toBe('1.2.3');
    expect(filled.developer).toMatchObject({
      websiteUrl: 'https://desk.example.com:8443/',
      privacyUrl: 'https://desk.example.com:8443/',
      termsOfUseUrl: 'https://desk.example.com:8443/',
    });
    for (const name of ['sv.json', 'color.png', 'outline.png']) {
      expect(Buffer.from(files[name]!).equals(readFileSync(new URL(name, TEAMS_DIR))), name).toBe(true);
    }
  });

  it(`fills in a manifest that passes Microsoft’s schema ${SCHEMA_VERSION}, and only then`, async () => {
    const inputs = readTeamsPackageInputs({ TEAMS_APP_ID: APP_ID, PUBLIC_URL });
    const filled = JSON.parse(strFromU8(unzipSync(buildTeamsPackage(inputs))['manifest.json']!)) as Manifest;
    const schema = microsoftSchema('MicrosoftTeams.schema.json');
    expect(await validate(filled, schema)).toEqual([]);
    // The validator does refuse: the template's placeholders are no GUID.
    expect(await validate(manifest, schema)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/id must match pattern/)]),
    );
  });

  it('takes sladesk’s version and the developer links from the environment', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(readTeamsPackageInputs({ TEAMS_APP_ID: APP_ID, PUBLIC_URL, TEAMS_APP_VERSION: '' })).toEqual({
      appId: APP_ID,
      host: 'desk.example.com',
      version: pkg.version,
      websiteUrl: 'https://desk.example.com/',
      privacyUrl: 'https://desk.example.com/',
      termsOfUseUrl: 'https://desk.example.com/',
    });
    const links = readTeamsPackageInputs({
      TEAMS_APP_ID: APP_ID,
      PUBLIC_URL,
      TEAMS_WEBSITE_URL: 'https://example.org/desk',
      TEAMS_PRIVACY_URL: 'https://example.org/privacy',
      TEAMS_TERMS_URL: 'https://example.org/terms',
    });
    expect(links).toMatchObject({
      websiteUrl: 'https://example.org/desk',
      privacyUrl: 'https://example.org/privacy',
      termsOfUseUrl: 'https://example.org/terms',
    });
  });

  it('takes the desk’s MICROSOFT_APP_ID when TEAMS_APP_ID is unset, and refuses two different ids', () => {
    expect(readTeamsPackageInputs({ MICROSOFT_APP_ID: APP_ID, PUBLIC_URL }).appId).toBe(APP_ID);
    expect(() => readTeamsPackageInputs({ MICROSOFT_APP_ID: 'nope', PUBLIC_URL })).toThrow(
      /^MICROSOFT_APP_ID must be a GUID/,
    );
    expect(
      readTeamsPackageInputs({ TEAMS_APP_ID: APP_ID, MICROSOFT_APP_ID: APP_ID.toUpperCase(), PUBLIC_URL })
        .appId,
    ).toBe(APP_ID);
    const other = '00000000-0000-4000-8000-000000000001';
    expect(() =>
      readTeamsPackageInputs({ TEAMS_APP_ID: APP_ID, MICROSOFT_APP_ID: other, PUBLIC_URL }),
    ).toThrow(/is not the desk's MICROSOFT_APP_ID/);
  });

  it('writes the same bytes for the same inputs', () => {
    const inputs = readTeamsPackageInputs({ TEAMS_APP_ID: APP_ID, PUBLIC_URL });
    expect(Buffer.from(buildTeamsPackage(inputs)).equals(Buffer.from(buildTeamsPackage(inputs)))).toBe(true);
  });

  it('refuses a TEAMS_APP_ID that is no GUID with exit code 2, saying so, and writes nothing', async () => {
    const dir = tempDir();
    const out = join(dir, 'out', 'sladesk-teams.zip');
    const result = await runScript(['--out', out], { TEAMS_APP_ID: 'my-bot', PUBLIC_URL });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TEAMS_APP_ID must be a GUID');
    expect(result.stderr).toContain('"my-bot"');
    expect(result.stderr).toContain('nothing was written');
    expect(result.stdout).toBe('');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('names each wrong or missing input in one line', () => {
    const dir = tempDir();
    const cases: [Record<string, string>, RegExp[]][] = [
      [{}, [/TEAMS_APP_ID is required/, /PUBLIC_URL is required/]],
      [{ TEAMS_APP_ID: APP_ID, PUBLIC_URL: 'http://desk.example.com' }, [/PUBLIC_URL must be an https URL/]],
      [{ TEAMS_APP_ID: APP_ID, PUBLIC_URL: 'desk.example.com' }, [/PUBLIC_URL must be an https URL/]],
      [
        { TEAMS_APP_ID: APP_ID, PUBLIC_URL, TEAMS_APP_VERSION: 'v1' },
        [/TEAMS_APP_VERSION must be a version/],
      ],
      [
        { TEAMS_APP_ID: APP_ID, PUBLIC_URL, TEAMS_PRIVACY_URL: 'ftp://x' },
        [/TEAMS_PRIVACY_URL must be an https/],
      ],
    ];
    for (const [vars, messages] of cases) {
      expect(() => readTeamsPackageInputs(vars)).toThrow(TeamsPackageInputError);
      const run = silentIo(vars, dir);
      expect(runTeamsPackage([], run.package), JSON.stringify(vars)).toBe(2);
      const lines = run.io.err.trim().split('\n');
      expect(lines).toHaveLength(messages.length + 1);
      messages.forEach((message, index) => expect(lines[index]).toMatch(message));
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an unknown option with exit code 2', () => {
    const dir = tempDir();
    const run = silentIo({ TEAMS_APP_ID: APP_ID, PUBLIC_URL }, dir);
    expect(runTeamsPackage(['--output', 'x.zip'], run.package)).toBe(2);
    expect(run.io.err).toContain("Unknown option '--output'");
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes dist/sladesk-teams.zip under the folder it runs in by default', () => {
    const dir = tempDir();
    const run = silentIo({ TEAMS_APP_ID: APP_ID, PUBLIC_URL }, dir);
    expect(runTeamsPackage([], run.package)).toBe(0);
    expect(readdirSync(join(dir, 'dist'))).toEqual(['sladesk-teams.zip']);
  });
});
