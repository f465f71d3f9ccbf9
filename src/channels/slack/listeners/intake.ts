import type { App, MessageShortcut, SlackViewAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { openFromChat } from '../../../app/chat/open-from-chat.ts';
import { isDeskSide, type Person } from '../../../domain/desk/people.ts';
import type { Locale } from '../../../domain/locale.ts';
import {
  personLocale,
  readerLocale,
  refusalText,
  type SlackContext,
  type SlackListeners,
} from '../slack-context.ts';
import { impactLine, titleFrom } from '../../ticket-form.ts';
import { readSubmission, ticketModal, TICKET_MODAL, type ModalSource } from '../slack-modal.ts';
import { HOME_NEW_TICKET_ACTION } from '../slack-home.ts';
import { slackRef } from '../slack-refs.ts';
import { fromSlackText } from '../slack-text.ts';

/** The global shortcut (and the home tab's button): the modal, empty. */
export const NEW_TICKET_SHORTCUT = 'sladesk_new_ticket';
/** The message shortcut: the modal, filled with the message. */
export const CREATE_TICKET_SHORTCUT = 'sladesk_create_ticket';

/** Slack's answer to a submission that keeps the modal open, its errors beside their inputs. */
const SHOW_ERRORS = 'errors';

/**
 * Opening a ticket from Slack: `/ticket [text]`, the shortcuts and the home tab's button open the
 * modal (for a registered contact only: anyone else is told why, and nothing is stored); its
 * submission is checked before the ack, so a bad field is shown beside its input, then opens
 * the ticket once per modal (its view id), however often Slack sends it.
 */
export const intakeListeners: SlackListeners = (app, context) => {
  app.command('/ticket', async ({ ack, body, client, respond }) => {
    await ack();
    const text = fromSlackText(body.text ?? '');
    await openModal(context, client, body.team_id, body.user_id, body.trigger_id, {
      ...(text ? { title: titleFrom(text), description: text } : {}),
    }).catch(async (error: unknown) =>
      respond({ response_type: 'ephemeral', text: await refusalText(context, body.user_id, error) }),
    );
  });

  const empty = async ({ ack, body, client }: Parameters<Parameters<App['shortcut']>[1]>[0]) => {
    await ack();
    const user = body.user.id;
    await openModal(context, client, body.team?.id, user, body.trigger_id, {}).catch((error: unknown) =>
      tellPrivately(context, client, user, error),
    );
  };
  app.shortcut(NEW_TICKET_SHORTCUT, empty);
  app.action(HOME_NEW_TICKET_ACTION, async ({ ack, body, client }) => {
    await ack();
    const trigger = 'trigger_id' in body ? body.trigger_id : undefined;
    if (!trigger) return;
    await openModal(context, client, body.team?.id, body.user.id, trigger, {}).catch((error: unknown) =>
      tellPrivately(context, client, body.user.id, error),
    );
  });

  app.shortcut<MessageShortcut>(CREATE_TICKET_SHORTCUT, async ({ ack, body, client }) => {
    await ack();
    const text = fromSlackText(body.message.text ?? '');
    await openModal(context, client, body.team?.id, body.user.id, body.trigger_id, {
      title: titleFrom(text),
      description: text,
      source: {
        channel: body.channel.id,
        ts: body.message.ts,
        ...(body.message.thread_ts && body.message.thread_ts !== body.message.ts
          ? { threadTs: body.message.thread_ts }
          : {}),
      },
    }).catch((error: unknown) => tellPrivately(context, client, body.user.id, error));
  });

  app.view<SlackViewAction>(TICKET_MODAL, async ({ ack, body, view, client }) => {
    const user = body.user.id;
    // Checked before the ack with no database read (the ack must not wait for it); only a form
    // with errors is worth the read of who wrote it, to say them in their language.
    const read = readSubmission(view.state.values, view.private_metadata, context.locale);
    if (!read.ok) {
      const locale = await readerLocale(context, user);
      const again = readSubmission(view.state.values, view.private_metadata, locale);
      await ack({ response_action: SHOW_ERRORS, errors: again.ok ? read.errors : again.errors });
      return;
    }
    await ack();
    try {
      const { ticket } = read;
      const from = await context.users.get(body.team?.id ?? undefined, user);
      // A first contact is not linked yet: their Slack client's language until then.
      const locale = await readerLocale(context, user, from);
      const origin = ticket.source ? await originOf(context, client, ticket.source, from) : undefined;
      const impact = impactLine(locale, ticket.impact);
      const description = [ticket.description, impact, origin?.permalink].filter(Boolean).join('\n\n');
      await openFromChat(context.deps, {
        channel: 'slack',
        // Submitting one modal twice (a retry, a double click) opens one ticket.
        eventId: `view:${view.id}`,
        from,
        category: ticket.category,
        title: ticket.title,
        description,
        ...(ticket.priority ? { priority: ticket.priority } : {}),
        ...(origin?.ref ? { origin: origin.ref } : {}),
      });
    } catch (error) {
      await tellPrivately(context, client, user, error);
    }
  });
};

/** The modal, for a registered contact; with the contract's priorities when they may ask for one. */
async function openModal(
  context: SlackContext,
  client: WebClient,
  teamId: string | undefined,
  userId: string,
  triggerId: string,
  prefill: { title?: string; description?: string; source?: ModalSource },
): Promise<void> {
  const person = await identifyChatUser(context.deps, await context.users.get(teamId, userId));
  const locale: Locale = await personLocale(context, person);
  await client.views.open({
    trigger_id: triggerId,
    view: ticketModal({
      locale,
      ...prefill,
      priorities: await prioritiesFor(context, person, locale),
    }) as never,
  });
}

async function prioritiesFor(context: SlackContext, person: Person, locale: Locale) {
  if (isDeskSide(person) || !person.organisationId) return undefined;
  const organisation = await context.deps.organisations.get(person.organisationId);
  if (!organisation) return undefined;
  const contract = context.deps.contracts.contract(organisation.contractId);
  return contract.terms.priorities.map((p) => ({ key: p.key, label: p.label[locale] }));
}

/**
 * The message a ticket was made from: its permalink, kept in the description, and, in a channel
 * mapped to the requester's own organisation, its thread as their conversation. Anywhere else (an
 * internal channel) the desk does not answer in the thread, where others would read it.
 */
async function originOf(
  context: SlackContext,
  client: WebClient,
  source: ModalSource,
  from: { identity: { externalId: string } },
) {
  const link = await client.chat
    .getPermalink({ channel: source.channel, message_ts: source.ts })
    .catch(() => undefined);
  const organisationId = await context.deps.customerPlaces.organisationOf('slack', source.channel);
  const requester = await context.deps.people.findByIdentity('slack', from.identity.externalId);
  // A reply's thread is someone else's conversation, and a message already a ticket's has one.
  const taken =
    source.threadTs !== undefined ||
    (await context.deps.conversations.ticketOfThread('slack', slackRef(source.channel, source.ts).thread)) !==
      undefined;
  const mapped = !taken && organisationId !== undefined && requester?.organisationId === organisationId;
  return {
    ...(link?.permalink ? { permalink: link.permalink } : {}),
    ...(mapped ? { ref: slackRef(source.channel, source.ts) } : {}),
  };
}

/** A refusal where only the person sees it: the bot's DM with them. */
export async function tellPrivately(
  context: SlackContext,
  client: WebClient,
  userId: string,
  error: unknown,
): Promise<void> {
  const text = await refusalText(context, userId, error);
  await client.chat
    .postMessage({ channel: userId, text })
    .catch((failed: unknown) => context.logger.error({ err: failed }, 'telling a Slack user failed'));
}
