import type { WebReader } from './web-inbox.ts';

export type LiveListener = () => void;

/**
 * Tells the open pages of a reader, in this process, that something of theirs changed: the web
 * channel's sender calls it after keeping a message, the live stream listens. Pages of another
 * process learn of it by polling the inbox (live-routes.ts).
 */
export class WebLive {
  private readonly listeners = new Map<WebReader, Set<LiveListener>>();

  subscribe(readers: readonly WebReader[], listener: LiveListener): () => void {
    for (const reader of readers) {
      let set = this.listeners.get(reader);
      if (!set) this.listeners.set(reader, (set = new Set()));
      set.add(listener);
    }
    return () => {
      for (const reader of readers) {
        const set = this.listeners.get(reader);
        set?.delete(listener);
        if (set?.size === 0) this.listeners.delete(reader);
      }
    };
  }

  publish(reader: WebReader): void {
    for (const listener of this.listeners.get(reader) ?? []) listener();
  }

  /** How many pages are listening: for the metrics and the tests. */
  get listening(): number {
    return new Set([...this.listeners.values()].flatMap((set) => [...set])).size;
  }
}
