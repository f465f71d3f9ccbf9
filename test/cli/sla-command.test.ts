import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function sladesk(args: string[], { stdin = '', lang = 'en' } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdin: Readable.from([stdin]),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { SLADESK_LOCALE: lang },
  });
  return { code, stdout, stderr };
}

const json = (run: Run) =>
  run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);

describe('sladesk sla due', () => {
  it('answers the seed example with the calendar’s offset', async () => {
    const run = await sladesk([
      'sla',
      'due',
      '--contract',
      'stratiteq',
      '--from',
      '2026-11-16T15:00:00+01:00',
      '--priority',
      'P3',
    ]);
    expect(run).toEqual({ code: 0, stdout: '{"due":"2026-11-17T14:00:00+01:00"}\n', stderr: '' });
  });

  it('reads a time without offset in the contract’s zone and takes minutes', async () => {
    const run = await sladesk([
      'sla',
      'due',
      '--contract',
      'kamstrup',
      '--from',
      '2026-06-18T15:30',
      '--minutes',
      '90',
    ]);
    // Thu 15:30–16:00 (30 min), then Midsummer Eve: a normal Kamstrup Friday from 08:00 (+60 min).
    expect(json(run)).toEqual([{ due: '2026-06-19T09:00:00+02:00' }]);
  });

  it('answers from a UTC instant in Stockholm time', async () => {
    const run = await sladesk([
      'sla',
      'due',
      '--contract',
      'stratiteq',
      '--from',
      '2026-11-16T14:00:00Z',
      '--minutes',
      '120',
    ]);
    expect(json(run)).toEqual([{ due: '2026-11-16T17:00:00+01:00' }]);
  });
});

describe('sladesk sla elapsed', () => {
  it('counts business seconds between two instants', async () => {
    const run = await sladesk([
      'sla',
      'elapsed',
      '--contract',
      'stratiteq',
      '--from',
      '2026-11-16T15:00:00+01:00',
      '--to',
      '2026-11-17T14:00:00+01:00',
    ]);
    expect(json(run)).toEqual([{ businessSeconds: 8 * 3600 }]);
  });

  it('counts whole seconds, dropping fractions', async () => {
    const run = await sladesk([
      'sla',
      'elapsed',
      '--contract',
      'stratiteq',
      '--from',
      '2026-11-16T10:00:00.000+01:00',
      '--to',
      '2026-11-16T10:00:01.999+01:00',
    ]);
    expect(json(run)).toEqual([{ businessSeconds: 1 }]);
  });
});

describe('--jsonl', () => {
  it('answers one line per input line, in order, and carries on past bad lines', async () => {
    const input = [
      '{"from":"2026-11-16T15:00:00+01:00","priority":"P3"}',
      'not json',
      '{"from":"2026-02-30T10:00:00+01:00","minutes":1}',
      '{"from":"2026-11-16T15:00:00+01:00","priority":"P9"}',
      '{"from":"2026-11-16T15:00:00+01:00","minutes":-5}',
      '{"from":"2026-11-16T15:00:00+01:00"}',
      '',
      '{"from":"2026-11-20T16:30:00+01:00","minutes":60}',
    ].join('\n');
    const run = await sladesk(['sla', 'due', '--contract', 'stratiteq', '--jsonl'], { stdin: `${input}\n` });
    expect(run.code).toBe(0);
    expect(json(run)).toEqual([
      { due: '2026-11-17T14:00:00+01:00' },
      { error: 'the line is not a JSON object' },
      {
        error:
          '--from "2026-02-30T10:00:00+01:00" is not an ISO-8601 date-time (e.g. 2026-11-16T15:00:00+01:00)',
      },
      { error: 'unknown priority "P9"; this contract has P1, P2, P3' },
      { error: '--minutes "-5" must be a whole number of minutes, 0 or more' },
      { error: 'give exactly one of --priority and --minutes' },
      { error: 'the line is not a JSON object' },
      { due: '2026-11-23T08:30:00+01:00' },
    ]);
  });

  it('answers elapsed questions and says errors in Swedish for Swedish users', async () => {
    const input =
      '{"from":"2026-11-16T15:00","to":"2026-11-17T14:00"}\n{"from":"2026-11-17T14:00","to":"2026-11-16T15:00"}\n';
    const run = await sladesk(['sla', 'elapsed', '--contract', 'stratiteq', '--jsonl'], {
      stdin: input,
      lang: 'sv',
    });
    expect(json(run)).toEqual([{ businessSeconds: 28_800 }, { error: '--to får inte ligga före --from' }]);
  });
});

describe('bad command lines', () => {
  it.each([
    [['sla', 'due', '--from', '2026-11-16T15:00', '--minutes', '1'], '--contract is required'],
    [['sla', 'due', '--contract', 'stratiteq', '--minutes', '1'], '--from is required'],
    [
      ['sla', 'due', '--contract', 'stratiteq', '--from', 'monday', '--minutes', '1'],
      '--from "monday" is not an ISO-8601 date-time (e.g. 2026-11-16T15:00:00+01:00)',
    ],
    [
      [
        'sla',
        'due',
        '--contract',
        'stratiteq',
        '--from',
        '2026-11-16T15:00',
        '--minutes',
        '1',
        '--priority',
        'P1',
      ],
      'give exactly one of --priority and --minutes',
    ],
    [
      ['sla', 'due', '--contract', 'stratiteq', '--from', '2026-11-16T15:00', '--minutes', '1.5'],
      '--minutes "1.5" must be a whole number of minutes, 0 or more',
    ],
    [
      [
        'sla',
        'due',
        '--contract',
        'stratiteq',
        '--from',
        '2026-11-16T15:00',
        '--minutes',
        '1',
        '--to',
        '2026-11-17T15:00',
      ],
      '--to does not belong to `due`',
    ],
    [['sla', 'elapsed', '--contract', 'stratiteq', '--from', '2026-11-16T15:00'], '--to is required'],
    [
      ['sla', 'due', '--contract', 'stratiteq', '--jsonl', '--from', '2026-11-16T15:00'],
      '--jsonl reads the questions from stdin; leave out --from',
    ],
    [
      ['sla', 'due', '--contract', 'nowhere', '--from', '2026-11-16T15:00', '--minutes', '1'],
      'unknown contract "nowhere": use a preset (kamstrup, stratiteq, hypergene) or a .json/.yaml file',
    ],
    [['sla', 'due', '--contract', 'stratiteq', '--bogus'], 'unknown option --bogus (see sladesk sla --help)'],
    [['sla', 'due', '--contract'], 'option --contract needs a value (see sladesk sla --help)'],
    [['sla', 'overdue'], 'unknown command "sla overdue" (see sladesk --help)'],
    [['frobnicate'], 'unknown command "frobnicate" (see sladesk --help)'],
  ])('%j → exit 2: %s', async (args, message) => {
    const run = await sladesk(args);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `sladesk: ${message}\n` });
  });

  it('prints usage for --help with exit 0, and for a bare command with exit 2', async () => {
    const help = await sladesk(['sla', 'due', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('sladesk sla elapsed --contract');
    expect((await sladesk([])).code).toBe(2);
    expect((await sladesk(['sla'], { lang: 'sv' })).stdout).toContain('Användning');
  });
});

describe('the installed command', () => {
  it('runs as `sladesk` and exits 2 with one line, no stack trace, on bad input', async () => {
    const bin = new URL('../../bin/sladesk.js', import.meta.url).pathname;
    const result = await promisify(execFile)(
      process.execPath,
      [bin, 'sla', 'due', '--contract', 'stratiteq', '--from', 'x', '--minutes', '1'],
      {
        env: { ...process.env, SLADESK_LOCALE: 'en' },
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'sladesk: --from "x" is not an ISO-8601 date-time (e.g. 2026-11-16T15:00:00+01:00)\n',
    );
  });

  it('answers on stdout from the real process', async () => {
    const bin = new URL('../../bin/sladesk.js', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin,
      'sla',
      'elapsed',
      '--contract',
      'kamstrup',
      '--from',
      '2026-11-16T15:00',
      '--to',
      '2026-11-20T15:00',
    ]);
    // Mon 15–16 (1 h) + Tue–Thu 08–16 (24 h) + Fri 08–14:30 (6.5 h) = 31.5 h.
    expect(JSON.parse(stdout)).toEqual({ businessSeconds: 31.5 * 3600 });
  });
});
