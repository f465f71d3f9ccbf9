import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freeLoopbackPort } from '../../src/store/embedded-ferretdb.ts';

const BIN = new URL('../../bin/sladesk.js', import.meta.url).pathname;
const embedded = inject('ferretDbBinary') !== null;
// Each child loads the whole desk through tsx (seconds of CPU) beside the other test files on two
// cores; the exits themselves are bounded by `exitWithin`, which says where a child hung.
const TIMEOUT = 150_000;
const EXIT_WITHIN = 90_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The child's own output; `onOutput` sees it as it comes. */
interface Child {
  exited: Promise<Run>;
  output(): Run;
  onOutput(listener: () => void): void;
  kill(): void;
}

function startChild(env: Record<string, string | undefined>): Child {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', SLADESK_LOCALE: 'en', ...env };
  for (const [name, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[name];
  const child = spawn(process.execPath, [BIN, 'start'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { code: null, stdout: '', stderr: '' };
  const listeners: Array<() => void> = [];
  const heard = () => listeners.forEach((listener) => listener());
  // Drained always: a pipe left full would block the child's logging and hang it.
  child.stdout.on('data', (chunk: Buffer) => {
    run.stdout += chunk.toString();
    heard();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    run.stderr += chunk.toString();
    heard();
  });
  const exited = new Promise<Run>((resolve) =>
    child.once('close', (code) => {
      run.code = code;
      resolve(run);
    }),
  );
  return {
    exited,
    output: () => run,
    onOutput: (listener) => void listeners.push(listener),
    kill: () => child.kill('SIGKILL'),
  };
}

/** The child's run once it exited by itself; a child still running after `ms` fails the test. */
async function exitWithin(child: Child, ms: number): Promise<Run> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill();
      const { stderr, stdout } = child.output();
      reject(new Error(`still running after ${ms} ms\nstderr: ${stderr}\nlog: ${stdout.slice(-3000)}`));
    }, ms);
  });
  try {
    return await Promise.race([child.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves once `pattern` shows in the child's stderr, looking each time it writes; rejects when it
 * exits first, or after `ms` (a deadline that only says where a hung child hung).
 */
function waitForStderr(child: Child, pattern: RegExp, ms: number): Promise<RegExpExecArray> {
  return new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${ms} ms: ${child.output().stderr}`)),
      ms,
    );
    const look = () => {
      const found = pattern.exec(child.output().stderr);
      if (!found) return;
      clearTimeout(timer);
      resolve(found);
    };
    child.onOutput(look);
    look();
    void child.exited.then(() => {
      clearTimeout(timer);
      look();
      reject(new Error(`exited before ${pattern}: ${child.output().stderr}`));
    });
  });
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** An external database URI of this file's own (never written to: every start here fails first). */
const externalUri = (() => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/startfail_${randomBytes(4).toString('hex')}`;
  return url.toString();
})();

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sladesk-start-failure-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5 })));
});

// Start-up gives a database 15 s to answer: that child starts first and waits while the others run.
const unreachable = (async () => {
  const port = await freeLoopbackPort();
  // A valid URI whose password holds an escaped / # and @.
  const password = 'Hunter%2F2%23x%40y';
  const child = startChild({ MONGODB_URI: `mongodb://desk:${password}@127.0.0.1:${port}/desk`, PORT: '0' });
  return { child, port, password };
})();
afterAll(async () => (await unreachable).child.kill());

// One child at a time otherwise: each loads the whole desk (seconds of CPU), and the other test
// files share the two cores meanwhile.
describe('a failed start exits promptly, non-zero, with one line naming the mistake', () => {
  it(
    'names a port already in use',
    async () => {
      const holder: Server = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const port = (holder.address() as { port: number }).port;
      try {
        const run = await exitWithin(
          startChild({ MONGODB_URI: externalUri, PORT: String(port) }),
          EXIT_WITHIN,
        );
        expect(run.code).toBe(2);
        expect(run.stderr).toBe(
          `sladesk: PORT: port ${port} on 127.0.0.1 is already in use by another program (perhaps another sladesk); stop it, or set PORT to a free port (0 picks one)\n`,
        );
      } finally {
        holder.close();
      }
    },
    TIMEOUT,
  );

  it.skipIf(!embedded)(
    'names an unknown host, in Swedish too, and leaves no embedded database running',
    async () => {
      const run = await exitWithin(
        startChild({
          MONGODB_URI: undefined,
          SLADESK_DATA_DIR: await tempDir(),
          HOST: 'no-such-host.invalid',
          PORT: '0',
          SLADESK_LOCALE: 'sv',
          LOG_LEVEL: 'info',
        }),
        EXIT_WITHIN,
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        'sladesk: HOST: "no-such-host.invalid" är inget känt värdnamn; sätt HOST till en adress på den här datorn (127.0.0.1 för bara den här datorn, 0.0.0.0 för alla)\n',
      );
      const started = /"pid":(\d+)[^\n]*"embedded FerretDB started"/.exec(run.stdout);
      expect(started, run.stdout).not.toBeNull();
      expect(isAlive(Number(started![1]))).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'names a missing contracts folder',
    async () => {
      const missing = join(await tempDir(), 'no-contracts-here');
      const run = await exitWithin(
        startChild({ MONGODB_URI: externalUri, PORT: '0', SLADESK_CONTRACTS_DIR: missing }),
        EXIT_WITHIN,
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `sladesk: SLADESK_CONTRACTS_DIR: there is no folder ${missing}; create it, or set the variable to the folder with the contract files\n`,
      );
    },
    TIMEOUT,
  );

  it.skipIf(!embedded)(
    'exits with one line when the embedded database dies and cannot be brought back',
    async () => {
      const dataDir = await tempDir();
      const child = startChild({
        MONGODB_URI: undefined,
        SLADESK_DATA_DIR: dataDir,
        PORT: '0',
        LOG_LEVEL: 'info',
      });
      try {
        await waitForStderr(child, /sladesk: http:\/\/\S+/, 60_000);
        const started = /"pid":(\d+)[^\n]*"embedded FerretDB started"/.exec(child.output().stdout);
        expect(started).not.toBeNull();
        // The data folder turns into a file, so no restart can bring FerretDB back. Moved aside, not
        // removed: FerretDB still writes into it, and a removal racing those writes fails (ENOTEMPTY).
        await rename(join(dataDir, 'ferretdb'), join(dataDir, 'ferretdb-moved-away'));
        await writeFile(join(dataDir, 'ferretdb'), '');
        process.kill(Number(started![1]), 'SIGKILL');
        // Five restarts, backing off for about eight seconds in all.
        const run = await exitWithin(child, EXIT_WITHIN);
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(
          /\nsladesk: the embedded database stopped and could not be restarted \(5 attempts, last: [^\n]*EEXIST[^\n]*\); sladesk stops so that its supervisor can start it again\n$/,
        );
        const fatal = run.stdout.split('\n').filter((line) => line.includes('"level":60'));
        expect(fatal).toHaveLength(1);
      } finally {
        child.kill();
      }
    },
    TIMEOUT,
  );

  it(
    'names a database that does not answer, without its password',
    async () => {
      const { child, port, password } = await unreachable;
      const run = await exitWithin(child, EXIT_WITHIN);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        new RegExp(
          `^sladesk: MONGODB_URI: no database answers at mongodb://\\[REDACTED\\]@127\\.0\\.0\\.1:${port}/desk \\(waited \\d+ s: [^\\n]*ECONNREFUSED[^\\n]*\\); check the address, and that the server runs and lets this machine in\\n$`,
        ),
      );
      for (const secret of [password, 'Hunter/2#x@y', 'Hunter']) {
        expect(run.stderr).not.toContain(secret);
        expect(run.stdout).not.toContain(secret);
      }
    },
    TIMEOUT,
  );
});
