import type { BlockButtonAction } from '@slack/bolt';
import { pressButton } from '../../../app/chat/press-button.ts';
import type { MessageButton } from '../../../app/messaging/message.ts';
import { refusalText, type SlackListeners } from '../slack-context.ts';
import { BUTTON_ACTION_PREFIX } from '../slack-message.ts';
import type { SlackUser } from '../slack-users.ts';

/**
 * The desk's buttons (`sladesk:<action>`): ack, then press through the app, once per action_ts;
 * a refusal is said to the presser alone, in their language.
 */
export const buttonListeners: SlackListeners = (app, context) => {
  app.action<BlockButtonAction>(
    new RegExp(`^${BUTTON_ACTION_PREFIX}`),
    async ({ ack, body, action, respond }) => {
      await ack();
      let from: SlackUser | undefined;
      try {
        from = await context.users.get(body.team?.id, body.user.id);
        await pressButton(context.deps, {
          channel: 'slack',
          // Slack sends a press again with the same action_ts; a new press has a new one.
          eventId: `${body.user.id}:${action.action_ts}`,
          from,
          button: parseButton(action.value),
        });
      } catch (error) {
        const text = await refusalText(context, body.user.id, error, from);
        await respond({ response_type: 'ephemeral', replace_original: false, text });
      }
    },
  );
};

/** A button's value as the desk wrote it; anything else is left for pressButton to refuse. */
export function parseButton(value: string | undefined): MessageButton {
  try {
    return JSON.parse(value ?? 'null') as MessageButton;
  } catch {
    return null as unknown as MessageButton;
  }
}
