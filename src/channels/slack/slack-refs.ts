import type { MessageRef } from '../../app/messaging/channel.ts';

/**
 * A Slack message is its channel and its `ts`; replies carry the root's `ts` as `thread_ts`. Both
 * go into one string each, so the core can store and compare them without knowing Slack.
 */
export const slackRef = (channel: string, ts: string, threadTs?: string): MessageRef => ({
  id: `${channel}/${ts}`,
  thread: `${channel}/${threadTs ?? ts}`,
});

/** The channel and ts a reference stands for; throws on one that did not come from slackRef. */
export function slackPlace(encoded: string): { channel: string; ts: string } {
  const at = encoded.indexOf('/');
  if (at <= 0 || at === encoded.length - 1) throw new Error(`not a Slack message reference: ${encoded}`);
  return { channel: encoded.slice(0, at), ts: encoded.slice(at + 1) };
}
