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
      { error: 'line 2: not valid JSON: not json' },
      {
        error:
          'line 3: --from "2026-02-30T10:00:00+01:00" is not an ISO-8601 date-time (e.g. 2026-11-16T15:00:00+01:00)',
      },
      { error: 'line 4: unknown priority "P9"; this contract has P1, P2, P3' },
      { error: 'line 5: --minutes "-5" must be a whole number of minutes, 0 or more' },
      { error: 'line 6: give exactly one of --priority and --minutes' },
      { error: 'line 7: the line is empty; expected a JSON object' },
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
    expect(json(run)).toEqual([
      { businessSeconds: 28_800 },
      { error: 'rad 2: --to får inte ligga före --from' },
    ]);
  });
});

describe('ISO-8601 times', () => {
  it.each([
    '2026-11-16T15:00:00+01:00',
    '2026-11-16T15:00+01:00',
    '2026-11-16T15:00+0100',
    '2026-11-16T15:00+01',
    '2026-11-16T14:00Z',
    '2026-11-16T14:00:00.000Z',
    '2026-11-16T09:00-05:00',
    '2026-11-16T15:00',
  ])('reads %s as Monday 15:00 in Stockholm', async (from) => {
    const run = await sladesk(['sla', 'due', '--contract', 'stratiteq', '--from', from, '--priority', 'P3']);
    expect(run).toEqual({ code: 0, stdout: '{"due":"2026-11-17T14:00:00+01:00"}\n', stderr: '' });
  });

  it.each([
    '2026-11-16T24:00',
    '2026-11-16T15:60Z',
    '2026-11-16T15:00+01:60',
    '2026-11-16 15:00',
    '2026-11-16T15',
    '2026-11-31T10:00',
  ])('refuses %s', async (from) => {
    const run = await sladesk(['sla', 'due', '--contract', 'stratiteq', '--from', from, '--minutes', '1']);
    expect([run.code, run.stderr]).toEqual([
      2,
      `sladesk: --from "${from}" is not an ISO-8601 date-time (e.g. 2026-11-16T15:00:00+01:00)\n`,
    ]);
  });
});

describe('bounds', () => {
  const due = (from: string, minutes: string) =>
    sladesk(['sla', 'due', '--contract', 'kamstrup', '--from', from, '--minutes', minutes]);
  const elapsed = (from: string, to: string) =>
    sladesk(['sla', 'elapsed', '--contract', 'kamstrup', '--from', from, '--to', to]);

  it('takes up to a year of minutes and refuses more, at once', async () => {
    expect((await due('2026-11-16T15:00', '525600')).code).toBe(0);
    for (const minutes of ['525601', '99999999999999999999999999']) {
      const run = await due('2026-11-16T15:00', minutes);
      expect([run.code, run.stderr]).toEqual([
        2,
        `sladesk: --minutes ${minutes} is more than 525600 (a year); SLA targets are hours or days\n`,
      ]);
    }
  });

  it('answers for the years 1970–2199 and spans of up to ten years', async () => {
    for (const from of ['9999-12-30T10:00Z', '0001-01-01T10:00', '1969-12-31T10:00Z', '2200-01-01T10:00']) {
      const run = await due(from, '60');
      expect([run.code, run.stderr]).toEqual([
        2,
        `sladesk: --from "${from}" is outside the years 1970–2199 the SLA clock answers for\n`,
      ]);
    }
    expect((await elapsed('2026-01-01T00:00Z', '2036-01-01T00:00Z')).code).toBe(0);
    const long = await elapsed('2026-01-01T00:00Z', '2037-01-01T00:00Z');
    expect([long.code, long.stderr]).toEqual([2, 'sladesk: --from and --to are more than 10 years apart\n']);
    const swedish = await sladesk(
      ['sla', 'due', '--contract', 'kamstrup', '--from', '2026-11-16T15:00', '--minutes', '600000'],
      { lang: 'sv' },
    );
    expect(swedish.stderr).toBe(
      'sladesk: --minutes 600000 är mer än 525600 (ett år); SLA-mål är timmar eller dagar\n',
    );
  });
});

describe('--jsonl input', () => {
  const due = (stdin: string, lang = 'en') =>
    sladesk(['sla', 'due', '--contract', 'stratiteq', '--jsonl'], { stdin, lang });

  it('splits on "\\n" only: U+2028, U+2029 and a lone "\\r" stay inside their line', async () => {
    const input = [
      '{"from":"2026-11-16T15:00:00+01:00",\r"priority":"P3"}',
      '{"from":"2026-11-16T15:00:00+01:00","priority":"P3\u2028"}',
      '{"from":"2026-11-16T15:00:00+01:00","priority":"\u2029P1"}',
      '{"from":"2026-11-16T15:00Z","priority":"P1"}\r',
    ].join('\n');
    const run = await due(input);
    expect(json(run)).toEqual([
      { due: '2026-11-17T14:00:00+01:00' },
      { error: 'line 2: unknown priority "P3\u2028"; this contract has P1, P2, P3' },
      { error: 'line 3: unknown priority "\u2029P1"; this contract has P1, P2, P3' },
      { due: '2026-11-17T09:00:00+01:00' },
    ]);
  });

  it('names the line and what it holds when it is not a JSON object, or has unknown fields', async () => {
    const run = await due(
      [
        '42',
        '"oops"',
        'null',
        '[{"from":"2026-11-16T15:00"}]',
        '{"form":"x","priority":"P1"}',
        `{"from":${'9'.repeat(50)}`,
      ].join('\n'),
    );
    expect(json(run)).toEqual([
      { error: 'line 1: expected a JSON object such as {"from": "…", "priority": "…"}, got 42' },
      { error: 'line 2: expected a JSON object such as {"from": "…", "priority": "…"}, got "oops"' },
      { error: 'line 3: expected a JSON object such as {"from": "…", "priority": "…"}, got null' },
      {
        error:
          'line 4: expected a JSON object such as {"from": "…", "priority": "…"}, got [{"from":"2026-11-16T15:00"}]',
      },
      { error: 'line 5: unknown field(s) form; a line has from, to, priority, minutes' },
      { error: `line 6: not valid JSON: {"from":${'9'.repeat(32)}…` },
    ]);
    const swedish = await due('17\n', 'sv');
    expect(json(swedish)).toEqual([
      { error: 'rad 1: väntade ett JSON-objekt som {"from": "…", "priority": "…"}, fick 17' },
    ]);
  });

  it('answers a line that is far too long with an error, and goes on', async () => {
    const huge = `{"from":"2026-11-16T15:00","priority":"${'x'.repeat(70_000)}"}`;
    const run = await due(`${huge}\n{"from":"2026-11-16T15:00","minutes":60}\n`);
    expect(json(run)).toEqual([
      { error: 'line 1: longer than 65536 characters' },
      { due: '2026-11-16T16:00:00+01:00' },
    ]);
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
