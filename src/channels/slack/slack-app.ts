import { App, type Receiver } from '@slack/bolt';
import { buttonListeners } from './listeners/buttons.ts';
import { deskCommandListeners } from './listeners/desk-command.ts';
import { homeListeners } from './listeners/home.ts';
import { intakeListeners } from './listeners/intake.ts';
import { messageListeners } from './listeners/messages.ts';
import { openTicketListeners } from './listeners/open-ticket.ts';
import { reactionListeners } from './listeners/reactions.ts';
import { sendToCustomerListeners } from './listeners/send-to-customer.ts';
import type { SlackContext, SlackListeners } from './slack-context.ts';
import { slackClientOptions } from './slack-client.ts';
import { EndpointReceiver } from './slack-receiver.ts';

export interface SlackAppOptions extends SlackContext {
  botToken: string;
  apiUrl?: string;
}

/** Every group of listeners the desk's Slack app has. */
const LISTENERS: readonly SlackListeners[] = [
  buttonListeners,
  intakeListeners,
  messageListeners,
  reactionListeners,
  sendToCustomerListeners,
  openTicketListeners,
  homeListeners,
  deskCommandListeners,
];

/**
 * The bolt app behind `/slack/events`: each listener acks first (Slack waits 3 s, whatever the
 * database does), then works through the app's chat entry points, and tells the person in Slack
 * when the desk refused; a failure after the ack is said to them too, never swallowed.
 */
export function createSlackApp(options: SlackAppOptions): { app: App; receiver: EndpointReceiver };
export function createSlackApp(options: SlackAppOptions, receiver: Receiver): { app: App };
export function createSlackApp(
  options: SlackAppOptions,
  receiver: Receiver = new EndpointReceiver(),
): { app: App; receiver?: Receiver } {
  const { botToken, apiUrl, ...context } = options;
  const app = new App({
    receiver,
    // The token as it is, with no auth.test: bolt's own check runs once at construction and keeps
    // a failure for good, so a Slack out of reach at start-up would drop every event after it.
    // The bot's own messages and emoji are told apart by the listeners (bot ids, users.info).
    authorize: async () => ({ botToken }),
    clientOptions: slackClientOptions(apiUrl ? { apiUrl } : {}),
  });
  for (const listeners of LISTENERS) listeners(app, context);
  return { app, receiver };
}
