import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractLoadError, loadContract } from '../../src/contracts/load-contract.ts';

const HOUR = 60;

async function writeContract(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sladesk-contract-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function loadError(nameOrPath: string): Promise<ContractLoadError> {
  const error = await loadContract(nameOrPath).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractLoadError);
  return error as ContractLoadError;
}

const YAML_CONTRACT = `
id: acme
name: Acme Support
calendar:
  timeZone: Europe/Stockholm
  week:
    mon: [{ from: "09:00", to: "12:00" }, { from: "13:00", to: "16:00" }]
    wed: [{ from: "09:00", to: "16:00" }]
  holidays: { country: SE, closedTypes: [public] }
priorities:
  - { key: urgent, label: { sv: Brådskande, en: Urgent }, responseMinutes: 60 }
  - { key: normal, label: { sv: Normal, en: Normal }, responseMinutes: 360, resolutionMinutes: 2400 }
`;

describe('the seed contracts as presets', () => {
  it.each([
    ['kamstrup', { A: 4, B: 8, C: 16, D: 16 }],
    ['stratiteq', { P1: 2, P2: 4, P3: 8 }],
  ])('%s has the seed’s response targets', async (name, targets) => {
    const contract = await loadContract(name);
    const hours = Object.fromEntries(contract.terms.priorities.map((p) => [p.key, p.responseMinutes / HOUR]));
    expect(hours).toEqual(targets);
  });

  it('makes P3 the stratiteq default ("Standard", 8 h) and lets the desk set priority', async () => {
    const { terms } = await loadContract('stratiteq');
    expect(terms.defaultPriority).toBe('P3');
    expect(terms.prioritySetBy).toBe('desk');
  });

  it('gives hypergene Mon–Fri 08–17 closed on Swedish public holidays', async () => {
    const { calendar } = await loadContract('hypergene');
    expect(calendar.isOpen(new Date('2026-11-20T16:30:00+01:00'))).toBe(true);
    expect(calendar.isOpen(new Date('2026-06-06T10:00:00+02:00'))).toBe(false);
    expect(calendar.isOpen(new Date('2026-06-05T10:00:00+02:00'))).toBe(true);
  });

  it('computes a response deadline from a priority', async () => {
    const contract = await loadContract('kamstrup');
    expect(contract.responseDue(new Date('2026-11-16T13:00:00+01:00'), 'A').toISOString()).toBe(
      new Date('2026-11-17T09:00:00+01:00').toISOString(),
    );
  });
});

describe('contract files', () => {
  it('loads a YAML contract with its own hours, priorities and defaults', async () => {
    const contract = await loadContract(await writeContract('acme.yaml', YAML_CONTRACT));
    expect(contract.terms.defaultPriority).toBe('normal');
    expect(contract.terms.autoCloseAfterBusinessDays).toBe(5);
    expect(contract.terms.escalation).toEqual({ reminderAt: 0.75, levelsAt: [1, 1.5, 2] });
    // Monday 11:30 + 1 h skips the lunch break: 12:00 closes, 13:00 reopens → 13:30.
    expect(contract.responseDue(new Date('2026-11-16T11:30:00+01:00'), 'urgent').toISOString()).toBe(
      new Date('2026-11-16T13:30:00+01:00').toISOString(),
    );
  });

  it('loads a JSON contract', async () => {
    const json = JSON.stringify({
      id: 'json-desk',
      name: 'JSON desk',
      calendar: { timeZone: 'UTC', week: { tue: [{ from: '10:00', to: '11:00' }] } },
      priorities: [{ key: 'x', label: { sv: 'X', en: 'X' }, responseMinutes: 90 }],
    });
    const contract = await loadContract(await writeContract('desk.json', json));
    expect(contract.responseDue(new Date('2026-11-17T10:00:00Z'), 'x').toISOString()).toBe(
      '2026-11-24T10:30:00.000Z',
    );
  });

  it('says which field is wrong, in Swedish and in English', async () => {
    const path = await writeContract(
      'bad.yaml',
      YAML_CONTRACT.replace('"09:00", to: "12:00"', '"9 am", to: "12:00"'),
    );
    const error = await loadError(path);
    expect(error.in('en')).toBe(`${path}: calendar.week.mon.0.from: expected a time "HH:mm"`);
    expect(error.in('sv')).toBe(`${path}: calendar.week.mon.0.from: förväntade en tid "TT:mm"`);
  });

  it('refuses duplicate priority keys, a default that is not a key, and escalation out of order', async () => {
    const duplicate = YAML_CONTRACT.replace('key: normal', 'key: urgent');
    expect((await loadError(await writeContract('a.yaml', duplicate))).key).toBe(
      'contract.errors.duplicatePriority',
    );
    const badDefault = `${YAML_CONTRACT}defaultPriority: P9\n`;
    expect((await loadError(await writeContract('b.yaml', badDefault))).key).toBe(
      'contract.errors.defaultPriority',
    );
    const badLadder = `${YAML_CONTRACT}escalation: { reminderAt: 0.5, levelsAt: [1, 3, 2] }\n`;
    expect((await loadError(await writeContract('c.yaml', badLadder))).key).toBe(
      'contract.errors.escalationOrder',
    );
  });

  it('refuses a calendar the engine cannot run', async () => {
    const zone = YAML_CONTRACT.replace('Europe/Stockholm', 'Europe/Atlantis');
    expect((await loadError(await writeContract('z.yaml', zone))).in('en')).toBe(
      'contract "acme": unknown time zone "Europe/Atlantis"',
    );
    const overlap = YAML_CONTRACT.replace('from: "13:00"', 'from: "11:00"');
    expect((await loadError(await writeContract('o.yaml', overlap))).key).toBe(
      'contract.errors.calendar.overlap',
    );
  });

  it('refuses broken YAML, unknown names, unreadable files', async () => {
    expect((await loadError(await writeContract('s.yaml', 'id: [unclosed'))).key).toBe(
      'contract.errors.syntax',
    );
    expect((await loadError('acme')).in('en')).toBe(
      'unknown contract "acme": use a preset (kamstrup, stratiteq, hypergene) or a .json/.yaml file',
    );
    expect((await loadError('/nonexistent/contract.yaml')).in('en')).toBe(
      'cannot read contract file /nonexistent/contract.yaml (ENOENT)',
    );
  });
});
