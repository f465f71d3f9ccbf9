import { App } from '@slack/bolt';
import { buttonListeners } from './listeners/buttons.ts';
import type { SlackContext, SlackListeners } from './slack-context.ts';
import { slackClientOptions } from './slack-client.ts';
import { EndpointReceiver } from './slack-receiver.ts';

export interface SlackAppOptions extends SlackContext {
  botToken: string;
  apiUrl?: string;
}

/** Every group of listeners the desk's Slack app has. */
const LISTENERS: readonly SlackListeners[] = [buttonListeners];

/**
 * The bolt app behind `/slack/events`: each listener acks first (Slack waits 3 s, whatever the
 * database does), then works through the app's chat entry points, and tells the person in Slack
 * when the desk refused; a failure after the ack is said to them too, never swallowed.
 */
export function createSlackApp(options: SlackAppOptions): { app: App; receiver: EndpointReceiver } {
  const receiver = new EndpointReceiver();
  const { botToken, apiUrl, ...context } = options;
  const app = new App({
    receiver,
    token: botToken,
    clientOptions: slackClientOptions(apiUrl ? { apiUrl } : {}),
  });
  for (const listeners of LISTENERS) listeners(app, context);
  return { app, receiver };
}
