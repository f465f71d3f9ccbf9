import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MongoClient } from 'mongodb';
import { ensureFerretDb, type ProgressLog } from './ferretdb-binary.ts';

export {
  ensureFerretDb,
  FERRETDB_VERSION,
  NO_DATABASE_MESSAGE,
  NoDatabaseError,
  type EnsureFerretDbOptions,
  type ProgressLog,
} from './ferretdb-binary.ts';

export interface EmbeddedFerretDb {
  readonly uri: string;
  readonly port: number;
  /** The server's process id, for logs (and for tests that kill it). */
  readonly pid: number | undefined;
  /** Settles, saying how, when the server has ended: stopped, killed or crashed. */
  readonly ended: Promise<string>;
  /** Stops the server and waits for it to exit; safe to call more than once. */
  stop(): Promise<void>;
}

export interface StartFerretDbOptions {
  /** SQLite files and FerretDB's state file go here; created when missing. */
  dataDir: string;
  /** Defaults to the binary `ensureFerretDb` builds. */
  binary?: string;
  logger?: ProgressLog;
  readyTimeoutMs?: number;
  /** Listen exactly here (a restart keeps its port, so clients reconnect); default a free port. */
  port?: number;
}

const PORT_ATTEMPTS = 3;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

class PortTakenError extends Error {}

export async function startFerretDb(options: StartFerretDbOptions): Promise<EmbeddedFerretDb> {
  const binary = options.binary ?? (await ensureFerretDb(options.logger ? { logger: options.logger } : {}));
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  if (options.port !== undefined) return launch(binary, dataDir, options.port, readyTimeoutMs);
  // The free port is found by binding and releasing it, so another process can grab it before
  // FerretDB does; a few attempts make that race harmless.
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    try {
      return await launch(binary, dataDir, port, readyTimeoutMs);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

async function launch(
  binary: string,
  dataDir: string,
  port: number,
  readyTimeoutMs: number,
): Promise<EmbeddedFerretDb> {
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=${pathToFileURL(dataDir + sep).href}`,
      `--listen-addr=127.0.0.1:${port}`,
      // `-` switches the metrics/debug HTTP listener off, so instances never fight over :8088.
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
      `--state-dir=${dataDir}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output = (output + chunk).slice(-OUTPUT_TAIL_CHARS);
  });
  let endedHow: string | undefined;
  const ended = new Promise<string>((settle) => {
    child.once('error', (error) => {
      endedHow ??= `could not start (${error.message})`;
      settle(endedHow);
    });
    // 'close' rather than 'exit': by then the last of its output has arrived too.
    child.once('close', (code, signal) => {
      endedHow ??= signal ? `was killed by ${signal}` : `exited with code ${code}`;
      settle(endedHow);
    });
  });

  const uri = `mongodb://127.0.0.1:${port}/`;
  const deadline = Date.now() + readyTimeoutMs;
  while (!(await answersPing(uri))) {
    if (endedHow !== undefined) {
      if (/address already in use/i.test(output))
        throw new PortTakenError(`port ${port} is taken: ${output}`);
      throw new Error(
        `FerretDB ${endedHow} before it was ready (${binary}); its last output:\n${output.trim()}`,
      );
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `FerretDB did not answer a ping on 127.0.0.1:${port} within ${readyTimeoutMs} ms; its last output:\n${output.trim()}`,
      );
    }
    await new Promise((wake) => setTimeout(wake, 50));
  }

  const watchdog = startWatchdog(child);
  track(child);
  child.once('close', () => {
    running.delete(child);
    watchdog?.kill('SIGKILL');
  });
  // The server lives as long as its owner: it must not be what keeps the owner running.
  child.unref();
  (child.stderr as Socket | null)?.unref();

  let stopping: Promise<void> | undefined;
  return {
    uri,
    port,
    pid: child.pid,
    ended,
    stop: () =>
      (stopping ??= (async () => {
        watchdog?.kill('SIGKILL');
        if (endedHow !== undefined) return;
        // Held again until the end: a caller awaiting stop() must not see its process exit first.
        child.ref();
        (child.stderr as Socket | null)?.ref();
        child.kill('SIGTERM');
        const escalation = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await ended;
        clearTimeout(escalation);
      })()),
  };
}

/** True when a MongoDB-protocol server answers a ping at `uri` within half a second. */
export async function answersPing(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 500,
    connectTimeoutMS: 500,
    directConnection: true,
  });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}

/** A loopback port nobody listens on right now (another process may still take it first). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

// Exit handlers run on a normal exit and on process.exit(); a crash or SIGKILL skips them.
function track(child: ChildProcess): void {
  running.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const server of running) server.kill('SIGTERM');
  });
}

// Covers what the exit hook cannot: when this process dies in any way, the kernel closes the
// watchdog's stdin, its `read` returns, and it stops the server.
function startWatchdog(child: ChildProcess): ChildProcess | undefined {
  if (child.pid === undefined || process.platform === 'win32') return undefined;
  const watchdog = spawn(
    'sh',
    ['-c', 'read -r _; kill -TERM "$1" 2>/dev/null', 'sladesk-ferretdb-watchdog', String(child.pid)],
    { stdio: ['pipe', 'ignore', 'ignore'] },
  );
  watchdog.on('error', () => {});
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  return watchdog;
}
