import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import {
  access,
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FERRETDB_PATCH_LEVEL, patchFerretDbSource } from './ferretdb-patches.ts';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const DEFAULT_INSTALL_DIR = fileURLToPath(new URL('../../.local/ferretdb/', import.meta.url));

/** The part of a logger the build needs; a pino logger fits, and so does the stderr fallback. */
export interface ProgressLog {
  info(message: string): void;
}

export interface EnsureFerretDbOptions {
  /** Builds live in `<installDir>/<version>-<patch level>/ferretdb`; defaults to the repo's `.local/ferretdb`. */
  installDir?: string;
  logger?: ProgressLog;
  env?: NodeJS.ProcessEnv;
}

const stderrLog: ProgressLog = {
  info: (message) => process.stderr.write(`[sladesk] ${message}\n`),
};

export const NO_DATABASE_MESSAGE =
  'sladesk needs a MongoDB-protocol database: set MONGODB_URI to a MongoDB 6/7 server, ' +
  'or install Go 1.24+ (https://go.dev/dl/) so sladesk can build its local FerretDB.';

/** Neither MONGODB_URI nor a usable Go: an operator problem, shown as its message alone. */
export class NoDatabaseError extends Error {
  override readonly name = 'NoDatabaseError';
}

// A builder that died mid-build leaves its lock behind; a live one never takes this long.
const LOCK_MAX_AGE_MS = 20 * 60_000;
const LOCK_POLL_MS = 1_000;

/** Path of the FerretDB binary, built from the Go module proxy on first use. */
export async function ensureFerretDb(options: EnsureFerretDbOptions = {}): Promise<string> {
  const installDir = options.installDir ?? DEFAULT_INSTALL_DIR;
  const logger = options.logger ?? stderrLog;
  const env = options.env ?? process.env;
  // The patch level names the build: a changed patch builds afresh beside the old binary.
  const versionDir = join(installDir, `${FERRETDB_VERSION}-${FERRETDB_PATCH_LEVEL}`);
  const binary = join(versionDir, 'ferretdb');

  if (await isExecutable(binary)) return binary;
  await mkdir(versionDir, { recursive: true });

  const release = await acquireBuildLock(`${versionDir}.build-lock`, binary, logger);
  try {
    if (await isExecutable(binary)) return binary;
    await buildFerretDb(binary, logger, env);
    return binary;
  } finally {
    await release();
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function acquireBuildLock(
  lockDir: string,
  binary: string,
  logger: ProgressLog,
): Promise<() => Promise<void>> {
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'owner.json'), JSON.stringify({ pid: process.pid, at: Date.now() }));
      return () => rm(lockDir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isExecutable(binary)) return async () => {};
    if (await isStaleLock(lockDir)) {
      logger.info(`removing a stale FerretDB build lock at ${lockDir}`);
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      logger.info('another process is building FerretDB; waiting for it to finish');
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

async function isStaleLock(lockDir: string): Promise<boolean> {
  try {
    const owner = JSON.parse(await readFile(join(lockDir, 'owner.json'), 'utf8')) as {
      pid: number;
      at: number;
    };
    return !isAlive(owner.pid) || Date.now() - owner.at > LOCK_MAX_AGE_MS;
  } catch {
    // The owner file is written right after mkdir; give a fresh lock a moment to get it.
    try {
      return Date.now() - (await stat(lockDir)).mtimeMs > 30_000;
    } catch {
      return true;
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function buildFerretDb(binary: string, logger: ProgressLog, env: NodeJS.ProcessEnv): Promise<void> {
  const goEnv = await goEnvironment(env);
  const workDir = await mkdtemp(join(tmpdir(), 'sladesk-ferretdb-build-'));
  const partial = `${binary}.${process.pid}.partial`;
  const started = Date.now();
  const heartbeat = setInterval(() => {
    logger.info(`still building FerretDB (${Math.round((Date.now() - started) / 1000)} s)`);
  }, 30_000);
  try {
    logger.info(`building FerretDB ${FERRETDB_VERSION} (first run only, about two minutes) into ${binary}`);
    const source = await downloadModuleSource(workDir, goEnv);
    const buildDir = join(workDir, 'src');
    await cp(source, buildDir, { recursive: true });
    await makeWritable(buildDir);
    await patchFerretDbSource(buildDir);
    // Module downloads lack this generated file, and FerretDB panics at start without it.
    await mkdir(join(buildDir, 'build/version'), { recursive: true });
    await writeFile(join(buildDir, 'build/version/version.txt'), FERRETDB_VERSION);

    logger.info('compiling FerretDB');
    await run('go', ['build', '-trimpath', '-o', partial, './cmd/ferretdb'], { cwd: buildDir, env: goEnv });
    const version = await run(partial, ['--version'], { cwd: workDir, env });
    if (!version.stdout.includes(FERRETDB_VERSION)) {
      throw new Error(`built FerretDB reports an unexpected version:\n${version.stdout}`);
    }
    await rename(partial, binary);
    logger.info(`FerretDB ${FERRETDB_VERSION} built in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    clearInterval(heartbeat);
    await rm(partial, { force: true });
    await makeWritable(workDir).catch(() => {});
    await rm(workDir, { recursive: true, force: true });
  }
}

async function goEnvironment(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  let goVersion: string;
  try {
    goVersion = (await run('go', ['env', 'GOVERSION'], { cwd: tmpdir(), env })).stdout.trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NoDatabaseError(NO_DATABASE_MESSAGE);
    throw error;
  }
  // Go 1.21+ can fetch the 1.24 toolchain FerretDB asks for; older ones cannot.
  const [major = 0, minor = 0] = /^go(\d+)\.(\d+)/.exec(goVersion)?.slice(1).map(Number) ?? [];
  if (major < 1 || (major === 1 && minor < 21)) {
    throw new NoDatabaseError(
      `${NO_DATABASE_MESSAGE} The Go on PATH (${goVersion || 'unknown version'}) is too old to fetch the toolchain FerretDB needs.`,
    );
  }
  const toolchain = env.GOTOOLCHAIN;
  return {
    ...env,
    // `local` (some distributions' default) would refuse the toolchain download an older Go needs.
    GOTOOLCHAIN: toolchain && toolchain !== 'local' ? toolchain : 'auto',
    GOFLAGS: '-mod=mod -buildvcs=false',
  };
}

async function downloadModuleSource(workDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    cwd: workDir,
    env,
  });
  const download = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (download.Error || !download.Dir) {
    throw new Error(`go mod download of ${FERRETDB_MODULE} failed: ${download.Error ?? stdout}`);
  }
  return download.Dir;
}

// The module cache is read-only, and so is everything copied out of it.
async function makeWritable(path: string): Promise<void> {
  const info = await stat(path);
  await chmod(path, info.mode | 0o200);
  if (!info.isDirectory()) return;
  for (const entry of await readdir(path)) await makeWritable(join(path, entry));
}

interface RunResult {
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve({ stdout, stderr });
      const tail = (stderr.trim() || stdout.trim()).split('\n').slice(-20).join('\n');
      reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail}`));
    });
  });
}
