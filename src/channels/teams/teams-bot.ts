import type { TurnContext } from 'botbuilder';
import type { TeamsContext, TeamsListener } from './teams-context.ts';
import type { TeamsHandler } from './teams-endpoint.ts';

/** The turn goes to each group of listeners in turn, until one takes it; the rest are none of ours. */
export function teamsHandler(context: TeamsContext, listeners: readonly TeamsListener[]): TeamsHandler {
  return async (turn: TurnContext) => {
    for (const listener of listeners) if (await listener(turn, context)) return;
  };
}
