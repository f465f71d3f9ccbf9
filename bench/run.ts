/**
 * `npm run bench`: runs every benchmark module in turn, prints what each measured, and exits
 * non-zero when any module misses a target, finds a wrong answer, or fails to run.
 *
 * A module is a file in this folder whose default export is a `Bench`; add it to `MODULES` below.
 * `npm run bench -- sla` runs only the modules whose names are given.
 */
import { pathToFileURL } from 'node:url';

/** One pass/fail verdict: a target (figure vs threshold) or a correctness check. */
export interface Check {
  name: string;
  ok: boolean;
  /** What was measured against what was demanded, e.g. "9.1 M/s ≥ 5 M/s". */
  detail: string;
}

export interface BenchReport {
  /** Lines to print as they are (a table, notes). */
  lines: string[];
  checks: Check[];
}

export interface Bench {
  name: string;
  description: string;
  run(): Promise<BenchReport>;
}

/** The benchmark modules, in the order they run. Later: the HTTP API, the escalation sweep, … */
const MODULES: readonly { name: string; load: () => Promise<{ default: Bench }> }[] = [
  { name: 'sla', load: () => import('./sla.ts') },
  { name: 'api', load: () => import('./api.ts') },
  { name: 'scale', load: () => import('./scale.ts') },
  { name: 'storage', load: () => import('./storage.ts') },
  { name: 'outbox', load: () => import('./outbox.ts') },
  { name: 'slack', load: () => import('./slack.ts') },
  { name: 'teams', load: () => import('./teams.ts') },
];

async function main(argv: readonly string[]): Promise<number> {
  const wanted = argv.filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !MODULES.some((m) => m.name === w));
  if (unknown.length > 0) {
    console.error(`unknown bench ${unknown.join(', ')}; known: ${MODULES.map((m) => m.name).join(', ')}`);
    return 2;
  }
  const selected = MODULES.filter((m) => wanted.length === 0 || wanted.includes(m.name));
  console.log(`sladesk benchmarks: node ${process.version}, ${process.platform}/${process.arch}`);

  const failures: string[] = [];
  for (const entry of selected) {
    let bench: Bench;
    try {
      bench = (await entry.load()).default;
    } catch (error) {
      failures.push(`${entry.name}: failed to load: ${String(error)}`);
      console.error(`\n[${entry.name}] failed to load`, error);
      continue;
    }
    console.log(`\n== ${bench.name}: ${bench.description}`);
    const began = performance.now();
    try {
      const report = await bench.run();
      for (const line of report.lines) console.log(line);
      console.log('');
      for (const check of report.checks) {
        console.log(`  ${check.ok ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
        if (!check.ok) failures.push(`${bench.name}: ${check.name} (${check.detail})`);
      }
    } catch (error) {
      failures.push(`${bench.name}: crashed: ${String(error)}`);
      console.error(`[${bench.name}] crashed`, error);
    }
    console.log(`  (${bench.name} took ${((performance.now() - began) / 1000).toFixed(1)} s)`);
  }

  console.log('');
  if (failures.length > 0) {
    console.log(`${failures.length} target(s) missed or check(s) failed:`);
    for (const f of failures) console.log(`  - ${f}`);
    return 1;
  }
  console.log('all benchmark targets met');
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
