import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it), or another one named. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless, and quiet on the network: this machine's (and CI's) closed network refuses the
 * connections Chromium makes by itself (updates, sync, QUIC probes), which otherwise slow it down.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** How long a page may take to show what is awaited: generous for a busy two-core CI machine. */
export const WAIT_MS = 15_000;

async function launch(): Promise<Browser> {
  try {
    await access(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `the browser tests need Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium; ` +
        '.ci/run does) or point CHROMIUM_PATH at one',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/** One Chromium for the file's tests, started before them and closed after. */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('useChromium: Chromium starts in beforeAll; use it inside tests or hooks');
    return browser;
  };
}

/**
 * Runs before the page's own script (as an init script it is outside the page's CSP): the page's
 * EventSources, kept in `window.__liveStreams`.
 */
const KEEP_LIVE_STREAMS = `(() => {
  if (!('EventSource' in window)) return;
  const Original = window.EventSource;
  window.__liveStreams = [];
  window.EventSource = class extends Original {
    constructor(...args) { super(...args); window.__liveStreams.push(this); }
  };
})();`;

/**
 * Waits until the page's live stream (GET /web/live) is open: the server listens for the reader's
 * changes before it answers, so nothing said from then on is missed.
 */
export async function waitForLive(page: Page, timeout = WAIT_MS): Promise<void> {
  try {
    // A function, not a string: the page's CSP (no 'unsafe-eval') refuses a string predicate.
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { __liveStreams?: { readyState: number }[] }).__liveStreams?.some(
          (stream) => stream.readyState === 1,
        ) === true,
      undefined,
      { timeout },
    );
  } catch (error) {
    throw new Error(`waited ${timeout} ms for the live stream of ${page.url()} to open`, { cause: error });
  }
}

/**
 * A browser of one person's own: a fresh context (its own cookies), its language the one the
 * browser asks for (Accept-Language, navigator.language), a desktop-sized window.
 */
export async function personsBrowser(
  browser: Browser,
  options: { baseURL: string; locale: string },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: options.baseURL,
    locale: options.locale,
    viewport: { width: 1200, height: 800 },
    timezoneId: 'Europe/Stockholm',
  });
  // Keeps the page's live streams where the tests can see whether they are open (waitForLive).
  await context.addInitScript(KEEP_LIVE_STREAMS);
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  return { context, page: await context.newPage() };
}

/**
 * Waits until `locator` holds `text` (a part of its text, or a pattern), as auto-waiting
 * assertions do; on timeout says what it holds instead.
 */
export async function waitForText(locator: Locator, text: string | RegExp, timeout = WAIT_MS): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
  } catch (error) {
    const shown = await locator
      .allInnerTexts()
      .then((texts) => texts.join(' | ') || '(nothing)')
      .catch(() => '(no such element)');
    throw new Error(`waited ${timeout} ms for ${String(text)} in ${String(locator)}; it shows: ${shown}`, {
      cause: error,
    });
  }
}

/** Waits until `condition` holds, looking again every few milliseconds: for what the server side keeps. */
export async function until(
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeout = WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeout} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The focused element, in a few words: its tag, id or name, and its text. */
export const focused = (page: Page): Promise<string> =>
  page.evaluate(
    `(() => { const e = document.activeElement; if (!e) return ''; ` +
      `return [e.tagName.toLowerCase(), e.id || e.getAttribute('name') || '', (e.textContent || '').trim()].join('|'); })()`,
  );

/** Presses Tab until the focused element is the one `matches` accepts; fails after `most` presses. */
export async function tabTo(page: Page, matches: (focused: string) => boolean, most = 40): Promise<void> {
  const seen: string[] = [];
  for (let presses = 0; presses < most; presses++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (matches(now)) return;
    seen.push(now);
  }
  throw new Error(
    `Tab did not reach the element after ${most} presses; focus went through: ${seen.join(' → ')}`,
  );
}
