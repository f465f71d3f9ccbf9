import { rm } from 'node:fs/promises';

/**
 * A bench's tidy-up, newest first, each step on its own: one that fails is said and the rest still
 * run, and the bench's data directory goes last.
 */
export async function tidyUp(bench: string, cleanups: (() => unknown)[], dataDir: string): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error(`[${bench}] cleanup failed: ${String(error)}`);
    }
  }
  await rm(dataDir, { recursive: true, force: true });
}
