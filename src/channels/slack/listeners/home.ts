import type { types } from '@slack/bolt';
import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { deskOverview, organisationOverview } from '../../../app/chat/desk-overview.ts';
import { DomainError } from '../../../domain/domain-error.ts';
import { isDeskSide } from '../../../domain/desk/people.ts';
import {
  personLocale,
  refusalText,
  readerLocale,
  type SlackContext,
  type SlackListeners,
} from '../slack-context.ts';
import { contactHomeView, deskHomeView, strangerHomeView, type HomeView } from '../slack-home.ts';
import type { SlackUser } from '../slack-users.ts';

/**
 * The App Home tab, published whenever a user opens it: a contact sees their organisation's open
 * tickets and a "New ticket" button, a desk person their queues, anyone else whom to ask to be
 * registered. Bolt acks the event itself; a failure is published to the user as the tab's text.
 */
export const homeListeners: SlackListeners = (app, context) => {
  app.event('app_home_opened', async ({ event, body, client }) => {
    // The same event comes for the Messages tab, which is not ours to draw.
    if (event.tab !== 'home') return;
    const teamId = (body as { team_id?: string }).team_id;
    const view = await homeViewFor(context, teamId, event.user);
    await client.views.publish({ user_id: event.user, view: view as unknown as types.HomeView });
  });
};

/** The App Home `userId` of `teamId` is to see now. */
export async function homeViewFor(
  context: SlackContext,
  teamId: string | undefined,
  userId: string,
): Promise<HomeView> {
  let from: SlackUser | undefined;
  try {
    from = await context.users.get(teamId, userId);
    const person = await identifyChatUser(context.deps, from);
    const locale = await personLocale(context, person, from);
    const now = context.deps.clock.now();
    return isDeskSide(person)
      ? deskHomeView(locale, person.name, await deskOverview(context.deps, person, now))
      : contactHomeView(locale, await organisationOverview(context.deps, person, now));
  } catch (error) {
    if (error instanceof DomainError && error.code === 'notAContact')
      return strangerHomeView(await readerLocale(context, userId, from));
    const text = await refusalText(context, userId, error, from);
    return { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
}
