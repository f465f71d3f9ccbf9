import type { TurnContext } from 'botbuilder';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard } from './teams-card.ts';

/** The invoke Teams sends for a Universal Action (`Action.Execute`). */
export const CARD_ACTION_INVOKE = 'adaptiveCard/action';

/** The content type of an Adaptive Card action's answer that the client shows as a message. */
const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';

/** An `Action.Execute` as its invoke names it: the verb, and the action's data with the card's inputs. */
export interface CardAction {
  verb: string;
  data: unknown;
}

/** The card action a turn carries, when it is one. */
export function cardActionOf(turn: TurnContext): CardAction | undefined {
  const { activity } = turn;
  if (activity.type !== 'invoke' || activity.name !== CARD_ACTION_INVOKE) return undefined;
  const action = (activity.value as { action?: { verb?: unknown; data?: unknown } } | undefined)?.action;
  return typeof action?.verb === 'string' ? { verb: action.verb, data: action.data } : undefined;
}

async function answer(turn: TurnContext, body: object): Promise<void> {
  await turn.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
}

/** Answers a card action with a message the client shows to the one who acted. */
export const answerWithMessage = (turn: TurnContext, text: string): Promise<void> =>
  answer(turn, { statusCode: 200, type: MESSAGE_RESPONSE, value: text });

/** Answers a card action with a card that takes the acted-on card's place, for the one who acted. */
export const answerWithCard = (turn: TurnContext, card: AdaptiveCard | object): Promise<void> =>
  answer(turn, { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card });
