import type { MessageButton, OutgoingMessage } from '../../app/messaging/message.ts';
import type { Locale } from '../../domain/locale.ts';
import { translate } from '../../i18n/translate.ts';
import {
  ACTION_VERB_PREFIX,
  ADAPTIVE_CARD_CONTENT_TYPE,
  REFRESH_VERB,
  escapeCardText,
  teamsCard,
  type AdaptiveCard,
} from './teams-card.ts';

/**
 * The verb of a choice card's submit: its data is the triage card's button (Assign or Priority),
 * and Teams merges the card's one input into it under CHOICE_INPUT.
 */
export const CHOICE_VERB = `${ACTION_VERB_PREFIX}choose`;

/** The id of a choice card's input: the value chosen arrives in the submit's data under it. */
export const CHOICE_INPUT = 'choice';

/**
 * The people picker's dataset: Teams searches the organisation's Entra directory as the presser
 * types, and the value chosen is that user's Entra object id.
 */
export const PEOPLE_DATASET = 'graph.microsoft.com/users';

/** The buttons that ask for a choice before they act. */
export type ChoiceButton = MessageButton & {
  action: Extract<MessageButton['action'], 'assign' | 'priority'>;
};

export const isChoiceButton = (button: MessageButton): button is ChoiceButton =>
  button.action === 'assign' || button.action === 'priority';

/** What a choice card is about: the ticket, as the presser may see it. */
export interface ChoiceTicket {
  id: string;
  title: string;
}

interface ChoiceCardInput {
  locale: Locale;
  button: ChoiceButton;
  ticket: ChoiceTicket;
  /** Why the last choice was refused, said above the input. */
  error?: string;
}

export interface AssignCardInput extends ChoiceCardInput {
  /** The ticket's assignee, when Teams knows them: the picker starts with them. */
  current?: { name: string; aadObjectId: string };
}

export interface PriorityCardInput extends ChoiceCardInput {
  /** The contract's priorities, labelled in the presser's language. */
  priorities: readonly { key: string; label: string }[];
  current?: string;
}

const card = (fallbackText: string, body: object[], actions: object[] = []): AdaptiveCard => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  fallbackText,
  body,
  ...(actions.length > 0 ? { actions } : {}),
});

/**
 * A choice card: the question, the refusal of the last try, the input, and two actions: the
 * submit (the button's data again, Teams adding the input's value) and Cancel, which is the
 * triage card's own refresh, so it brings back the card as this presser sees it and changes
 * nothing. It carries no refresh of its own: Teams would run it when the card is viewed again,
 * replacing the question before it is answered.
 */
function choiceCard(input: ChoiceCardInput, heading: string, field: object, submit: string): AdaptiveCard {
  const t = (key: string) => translate(input.locale, `teams.choices.${key}`);
  const { action, ticketId, madeFor } = input.button;
  const data: MessageButton = { action, ticketId, ...(madeFor === undefined ? {} : { madeFor }) };
  return card(
    heading,
    [
      { type: 'TextBlock', text: heading, weight: 'bolder', wrap: true },
      ...(input.error
        ? [{ type: 'TextBlock', text: escapeCardText(input.error), color: 'attention', wrap: true }]
        : []),
      field,
    ],
    [
      { type: 'Action.Execute', verb: CHOICE_VERB, title: submit, style: 'positive', data },
      {
        type: 'Action.Execute',
        verb: REFRESH_VERB,
        title: t('cancel'),
        data: { ticketId },
        associatedInputs: 'none',
      },
    ],
  );
}

const headingOf = (locale: Locale, key: string, ticket: ChoiceTicket) =>
  translate(locale, `teams.choices.${key}`, {
    id: escapeCardText(ticket.id),
    title: escapeCardText(ticket.title),
  });

/** Assign's question: a people picker over the organisation's directory. */
export function assignCard(input: AssignCardInput): AdaptiveCard {
  const t = (key: string) => translate(input.locale, `teams.choices.${key}`);
  const picker = {
    type: 'Input.ChoiceSet',
    id: CHOICE_INPUT,
    label: t('assignLabel'),
    placeholder: t('assignPlaceholder'),
    isRequired: true,
    errorMessage: t('required'),
    // The assignee as a choice of its own, so that the picker can show their name before any search.
    choices: input.current ? [{ title: input.current.name, value: input.current.aadObjectId }] : [],
    'choices.data': { type: 'Data.Query', dataset: PEOPLE_DATASET },
    ...(input.current ? { value: input.current.aadObjectId } : {}),
  };
  return choiceCard(input, headingOf(input.locale, 'assignHeading', input.ticket), picker, t('assignSubmit'));
}

/** Priority's question: the contract's priorities, the ticket's own chosen. */
export function priorityCard(input: PriorityCardInput): AdaptiveCard {
  const t = (key: string) => translate(input.locale, `teams.choices.${key}`);
  const known = input.current && input.priorities.some((p) => p.key === input.current);
  const choices = {
    type: 'Input.ChoiceSet',
    id: CHOICE_INPUT,
    label: t('priorityLabel'),
    style: 'expanded',
    isRequired: true,
    errorMessage: t('required'),
    choices: input.priorities.map((p) => ({ title: p.label, value: p.key })),
    ...(known ? { value: input.current } : {}),
  };
  return choiceCard(
    input,
    headingOf(input.locale, 'priorityHeading', input.ticket),
    choices,
    t('prioritySubmit'),
  );
}

/**
 * The triage card as one viewer is to see it: the desk's people with its buttons, anyone else
 * without (what they could press the bot would refuse anyway). It keeps its refresh.
 */
export function viewerCard(message: OutgoingMessage, withButtons: boolean): AdaptiveCard {
  return teamsCard(withButtons ? message : { ...message, buttons: [] });
}

/**
 * What a viewer who may not see the ticket is shown instead: a card that names nothing of it. It
 * has no refresh, so Teams leaves it be until the card is updated.
 */
export function unavailableCard(locale: Locale): AdaptiveCard {
  const text = translate(locale, 'teams.unavailable');
  return card(text, [{ type: 'TextBlock', text, wrap: true, isSubtle: true }]);
}

/** An adaptiveCard/action invoke's answer with a card: Teams shows it in place, to the one who acted. */
export const cardResponse = (content: AdaptiveCard) => ({
  statusCode: 200,
  type: ADAPTIVE_CARD_CONTENT_TYPE,
  value: content,
});
