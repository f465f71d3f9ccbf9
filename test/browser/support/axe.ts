import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's own build, as shipped in its package. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact?: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; html: string; failureSummary?: string }[];
}

/**
 * Scans the page as it is now with axe-core (WCAG 2 A/AA and best practices) and fails listing
 * every serious or critical violation: rule, impact, the elements (selectors and markup), the help.
 *
 * axe is put in the page with `page.evaluate`, which runs over the DevTools protocol, outside the
 * page's Content-Security-Policy (`script-src 'self'` would refuse an inline script tag). The
 * context keeps its CSP, so the pages are scanned, and their own script runs, exactly as served;
 * `bypassCSP` is not needed and would hide a page that only works without its CSP.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
    })))`,
  )) as Violation[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length === 0) return;
  const listed = serious
    .map((v) =>
      [
        `- ${v.id} (${v.impact}): ${v.help} <${v.helpUrl}>`,
        ...v.nodes.map((n) => `    ${n.target.join(' ')}  ${n.html.slice(0, 200)}`),
      ].join('\n'),
    )
    .join('\n');
  throw new Error(
    `axe-core found ${serious.length} serious or critical violation(s) on ${what} (${page.url()}):\n${listed}`,
  );
}
