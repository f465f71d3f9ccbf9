import type { TurnContext } from 'botbuilder';
import { DESK_SECTIONS, deskOverview, organisationOverview } from '../../../app/chat/desk-overview.ts';
import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { isDeskSide } from '../../../domain/desk/people.ts';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard } from '../teams-card.ts';
import { readerLocale, refusalText, type TeamsListener } from '../teams-context.ts';
import { deskOverviewCard, organisationOverviewCard } from '../teams-overview.ts';
import { withoutTags } from '../teams-text.ts';

/** The app's commands that show tickets (its manifest's command list), in English and Swedish. */
const TICKETS_COMMANDS = new Set(['tickets', 'my tickets', 'ärenden', 'mina ärenden']);
const DESK_COMMANDS = new Set(['desk', 'kö']);

/** What the person asked for: their tickets, the desk's queues (all, or one section), or neither. */
function commandOf(text: string): { desk: boolean; only?: (typeof DESK_SECTIONS)[number] } | undefined {
  const [word = '', ...rest] = text.toLowerCase().split(/\s+/);
  if (TICKETS_COMMANDS.has(text.toLowerCase())) return { desk: false };
  if (!DESK_COMMANDS.has(word) || rest.length > 1) return undefined;
  if (rest.length === 0) return { desk: true };
  const only = DESK_SECTIONS.find((section) => section === rest[0]);
  return only ? { desk: true, only } : undefined;
}

const sendCard = (turn: TurnContext, content: AdaptiveCard) =>
  turn.sendActivity({ type: 'message', attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content }] });

/**
 * The overviews Slack shows on its Home tab and with `/desk`, as commands in the personal chat:
 * _tickets_ shows a contact their organisation's open tickets with their SLA state (a desk person
 * their queues); _desk_ `[mine|unclaimed|breach]` shows a desk person what is theirs, what is
 * unclaimed and what is closest to breach, and is refused to anyone else, in their language.
 */
export const overviewListeners: TeamsListener = async (turn, context) => {
  const { activity } = turn;
  if (activity.type !== 'message' || activity.conversation?.conversationType !== 'personal') return false;
  if (activity.value !== undefined) return false;
  const command = commandOf(withoutTags(activity.text ?? ''));
  if (!command) return false;
  try {
    const from = await context.users.of(turn);
    if (!from) return false;
    const person = await identifyChatUser(context.deps, from);
    const locale = person.locale ?? (await readerLocale(context, turn));
    const now = context.deps.clock.now();
    if (command.desk || isDeskSide(person)) {
      const overview = await deskOverview(context.deps, person, now, command.only);
      await sendCard(turn, deskOverviewCard(locale, person.name, overview, command.only));
    } else {
      await sendCard(
        turn,
        organisationOverviewCard(locale, await organisationOverview(context.deps, person, now)),
      );
    }
  } catch (error) {
    await turn.sendActivity(await refusalText(context, turn, error));
  }
  return true;
};
