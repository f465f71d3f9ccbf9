import type { BlockAction, ButtonAction, SlackViewAction, UsersSelectAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { ChatPress } from '../../../app/chat/press-button.ts';
import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { pressButton } from '../../../app/chat/press-button.ts';
import type { MessageButton } from '../../../app/messaging/message.ts';
import { getTicket } from '../../../app/ticket-queries.ts';
import { requireDeskSide } from '../../../app/policy.ts';
import { DomainError } from '../../../domain/domain-error.ts';
import { translate } from '../../../i18n/translate.ts';
import { personLocale, refusalText, type SlackContext, type SlackListeners } from '../slack-context.ts';
import { BUTTON_ACTION_PREFIX } from '../slack-message.ts';
import type { SlackUser } from '../slack-users.ts';
import { tellPrivately } from './intake.ts';

/** The priority modal's callback id. */
export const PRIORITY_MODAL = 'sladesk_priority';

/**
 * The desk's buttons (`sladesk:<action>`) and the card's user picker: ack, then press through
 * the app, once per action_ts; a refusal is said to the presser alone, in their language.
 * Priority asks first, in a modal listing the ticket's contract's priorities.
 */
export const buttonListeners: SlackListeners = (app, context) => {
  app.action<BlockAction>(
    new RegExp(`^${BUTTON_ACTION_PREFIX}`),
    async ({ ack, body, action, respond, client }) => {
      await ack();
      let from: SlackUser | undefined;
      try {
        from = await context.users.get(body.team?.id, body.user.id);
        const eventId = `${body.user.id}:${action.action_ts}`;
        if (action.type === 'users_select') {
          await pressButton(
            context.deps,
            await assignment(context, action as UsersSelectAction, from, eventId),
          );
          return;
        }
        const button = parseButton((action as ButtonAction).value);
        if (button?.action === 'priority') {
          await askPriority(context, client, from, button, body.trigger_id);
          return;
        }
        await pressButton(context.deps, { channel: 'slack', eventId, from, button });
      } catch (error) {
        const text = await refusalText(context, body.user.id, error, from);
        await respond({ response_type: 'ephemeral', replace_original: false, text });
      }
    },
  );

  app.view<SlackViewAction>(PRIORITY_MODAL, async ({ ack, body, view, client }) => {
    await ack();
    try {
      const picked = Object.values(view.state.values)[0]?.priority?.selected_option?.value;
      const ticketId = (JSON.parse(view.private_metadata || '{}') as { ticketId?: string }).ticketId;
      await pressButton(context.deps, {
        channel: 'slack',
        // One modal is one change, however often Slack sends its submission.
        eventId: `view:${view.id}`,
        from: await context.users.get(body.team?.id ?? undefined, body.user.id),
        button: { action: 'priority', ticketId: ticketId ?? '' },
        ...(picked ? { input: { priority: picked } } : {}),
      });
    } catch (error) {
      await tellPrivately(context, client, body.user.id, error);
    }
  });
};

/** An assignment from the card's picker: the ticket from the picker's id, the person from Slack's. */
async function assignment(
  context: SlackContext,
  action: UsersSelectAction,
  from: SlackUser,
  eventId: string,
): Promise<ChatPress> {
  const ticketId = action.action_id.slice(`${BUTTON_ACTION_PREFIX}assign:`.length);
  const assignee = await context.deps.people.findByIdentity('slack', action.selected_user);
  if (!assignee) {
    throw new DomainError('assigneeUnknown', { platform: 'slack', externalId: action.selected_user });
  }
  return {
    channel: 'slack',
    eventId,
    from,
    button: { action: 'assign', ticketId },
    input: { assigneeId: assignee.id },
  };
}

/** The priority modal, for the desk only: the ticket's contract's priorities, the current one chosen. */
async function askPriority(
  context: SlackContext,
  client: WebClient,
  from: SlackUser,
  button: MessageButton,
  triggerId: string,
): Promise<void> {
  const person = await identifyChatUser(context.deps, from);
  requireDeskSide(person, 'setPriority');
  const ticket = await getTicket(context.deps, person.id, String(button.ticketId));
  const organisation = await context.deps.organisations.get(ticket.organisationId);
  const contract = context.deps.contracts.contract(organisation!.contractId);
  const locale = await personLocale(context, person, from);
  const option = (key: string) => {
    const label = contract.terms.priorities.find((p) => p.key === key)!.label[locale];
    return { text: { type: 'plain_text' as const, text: label }, value: key };
  };
  const t = (key: string, params = {}) => translate(locale, `slack.priorityModal.${key}`, params);
  await client.views.open({
    trigger_id: triggerId,
    view: {
      type: 'modal',
      callback_id: PRIORITY_MODAL,
      title: { type: 'plain_text', text: t('heading') },
      submit: { type: 'plain_text', text: t('submit') },
      private_metadata: JSON.stringify({ ticketId: ticket.id }),
      blocks: [
        {
          type: 'input',
          block_id: 'priority',
          label: { type: 'plain_text', text: t('label', { id: ticket.id }) },
          element: {
            type: 'static_select',
            action_id: 'priority',
            initial_option: option(ticket.priority),
            options: contract.terms.priorities.map((p) => option(p.key)),
          },
        },
      ],
    },
  });
}

/** A button's value as the desk wrote it; anything else is left for pressButton to refuse. */
export function parseButton(value: string | undefined): MessageButton {
  try {
    return JSON.parse(value ?? 'null') as MessageButton;
  } catch {
    return null as unknown as MessageButton;
  }
}
