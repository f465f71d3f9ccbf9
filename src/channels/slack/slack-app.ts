import { App, type BlockButtonAction } from '@slack/bolt';
import { pressButton } from '../../app/chat/press-button.ts';
import type { DeskDeps } from '../../app/desk-deps.ts';
import type { MessageButton } from '../../app/messaging/message.ts';
import { DomainError } from '../../domain/domain-error.ts';
import type { Locale } from '../../domain/locale.ts';
import { errorMessage } from '../../i18n/error-message.ts';
import { BUTTON_ACTION_PREFIX } from './slack-message.ts';
import { EndpointReceiver } from './slack-receiver.ts';
import { slackClientOptions } from './slack-client.ts';
import type { SlackUser, SlackUsers } from './slack-users.ts';

export interface SlackAppOptions {
  botToken: string;
  apiUrl?: string;
  deps: DeskDeps;
  users: SlackUsers;
  /** The language of an answer to someone neither the desk nor Slack gives one for. */
  locale: Locale;
  logger: { error(details: object, message: string): void };
}

/**
 * The bolt app behind `/slack/events`: each listener acks first (Slack waits 3 s, whatever the
 * database does), then works through the app's chat entry points, and tells the person in Slack
 * when the desk refused; a failure after the ack is said to them too, never swallowed.
 */
export function createSlackApp(options: SlackAppOptions): { app: App; receiver: EndpointReceiver } {
  const receiver = new EndpointReceiver();
  const app = new App({
    receiver,
    token: options.botToken,
    clientOptions: slackClientOptions(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
  });
  const { deps, users } = options;

  app.action<BlockButtonAction>(
    new RegExp(`^${BUTTON_ACTION_PREFIX}`),
    async ({ ack, body, action, respond }) => {
      await ack();
      let from: SlackUser | undefined;
      try {
        from = await users.get(body.team?.id, body.user.id);
        await pressButton(deps, {
          channel: 'slack',
          // Slack sends a press again with the same action_ts; a new press has a new one.
          eventId: `${body.user.id}:${action.action_ts}`,
          from,
          button: parseButton(action.value),
        });
      } catch (error) {
        const person = await deps.people.findByIdentity('slack', body.user.id).catch(() => undefined);
        const locale = person?.locale ?? from?.locale ?? options.locale;
        if (!(error instanceof DomainError))
          options.logger.error({ err: error }, 'a Slack button press failed');
        const text =
          error instanceof DomainError
            ? errorMessage(locale, `errors.${error.code}`, error.params)
            : errorMessage(locale, 'errors.chatFailed', {});
        await respond({ response_type: 'ephemeral', replace_original: false, text });
      }
    },
  );
  return { app, receiver };
}

/** A button's value as the desk wrote it; anything else is left for pressButton to refuse. */
function parseButton(value: string | undefined): MessageButton {
  try {
    return JSON.parse(value ?? 'null') as MessageButton;
  } catch {
    return null as unknown as MessageButton;
  }
}
