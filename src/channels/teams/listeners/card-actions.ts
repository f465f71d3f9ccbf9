import type { TurnContext } from 'botbuilder';
import { pressButton } from '../../../app/chat/press-button.ts';
import type { MessageButton } from '../../../app/messaging/message.ts';
import { DomainError } from '../../../domain/domain-error.ts';
import { translate } from '../../../i18n/translate.ts';
import { ACTION_VERB_PREFIX } from '../teams-card.ts';
import { readerLocale, refusalText, type TeamsContext, type TeamsListener } from '../teams-context.ts';

/** The invoke Teams sends for a Universal Action (`Action.Execute`). */
export const CARD_ACTION_INVOKE = 'adaptiveCard/action';

/** The content type of an Adaptive Card action's answer that the client shows as a message. */
const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';

interface ExecuteValue {
  action?: { type?: string; verb?: unknown; data?: unknown };
}

/** The invoke's answer: the HTTP body Teams reads (adaptiveCard/action's response). */
async function answer(turn: TurnContext, text: string): Promise<void> {
  await turn.sendActivity({
    type: 'invokeResponse',
    value: { status: 200, body: { statusCode: 200, type: MESSAGE_RESPONSE, value: text } },
  });
}

/**
 * The button the press names: the card's data, which must be the very action its verb names. The
 * data's shape (and that its ticket and step are the desk's) is pressButton's to check.
 */
function buttonOf(verb: string, data: unknown): MessageButton {
  const action = verb.slice(ACTION_VERB_PREFIX.length);
  const named = (data as { action?: unknown } | null)?.action;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || named !== action) {
    throw new DomainError('invalidButton', { channel: 'teams' });
  }
  return data as MessageButton;
}

async function press(turn: TurnContext, context: TeamsContext, verb: string, data: unknown) {
  const button = buttonOf(verb, data);
  const eventId = turn.activity.id;
  if (!eventId) throw new DomainError('invalidButton', { channel: 'teams' });
  const from = await context.users.of(turn);
  if (!from) {
    throw new DomainError('notAContact', { platform: 'teams', externalId: turn.activity.from?.id ?? '' });
  }
  // Assign and Priority need a choice the card does not offer yet: pressButton asks for it.
  const { ticket } = await pressButton(context.deps, { channel: 'teams', eventId, from, button });
  return ticket;
}

/**
 * The desk's card buttons (`Action.Execute`, verb `sladesk:<action>`, data the core's button):
 * pressed through the app as the Teams user who pressed, once per activity id however often Teams
 * delivers it, and answered in the invoke: what the ticket is now, or the refusal, in the
 * presser's language. The card itself is brought up to date by the desk's own delivery.
 */
export const cardActionListeners: TeamsListener = async (turn, context) => {
  const { activity } = turn;
  if (activity.type !== 'invoke' || activity.name !== CARD_ACTION_INVOKE) return false;
  const action = (activity.value as ExecuteValue | undefined)?.action;
  const verb = action?.verb;
  if (typeof verb !== 'string' || !verb.startsWith(ACTION_VERB_PREFIX)) return false;
  try {
    const ticket = await press(turn, context, verb, action?.data);
    const locale = await readerLocale(context, turn);
    await answer(
      turn,
      translate(locale, 'teams.done', {
        ticketId: ticket.id,
        status: translate(locale, `statuses.${ticket.status}`),
      }),
    );
  } catch (error) {
    await answer(turn, await refusalText(context, turn, error));
  }
  return true;
};
