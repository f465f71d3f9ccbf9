import { z } from 'zod';
import { openFromChat } from '../../../app/chat/open-from-chat.ts';
import { isDeskSide } from '../../../domain/desk/people.ts';
import { HttpError } from '../../../http/http-error.ts';
import { translate } from '../../../i18n/translate.ts';
import { CUSTOMER_CATEGORIES, IMPACTS, impactLine, readTicketForm } from '../../ticket-form.ts';
import { notAllowed } from '../web-answers.ts';
import { actionForm, hidden, newSubmission } from '../web-forms.ts';
import { personReader, type WebMessage } from '../web-inbox.ts';
import { FORM_FIELDS, readInput, SUBMISSION } from '../web-input.ts';
import { csrfField, page, wordsIn } from '../web-layout.ts';
import { viewOf, type WebMessageView } from '../web-message-view.ts';
import { escapeHtml } from '../web-html.ts';
import type { SignedInRoute } from '../web-routes.ts';
import type { SignedInRequest, WebAnswer, WebDeskContext } from '../web-request.ts';
import { webIdentityOf } from '../web-sender.ts';

/** The intake's steps, asked one at a time as a conversation. */
type Step = 'what' | 'category' | 'impact' | 'confirm';

const draftBody = z.object({
  submission: SUBMISSION,
  title: z.string().max(10_000).optional(),
  description: z.string().max(20_000).optional(),
  category: z.string().max(40).optional(),
  impact: z.string().max(40).optional(),
  priority: z.string().max(40).optional(),
  ...FORM_FIELDS,
});
type Draft = z.output<typeof draftBody>;

interface Conversation {
  thread: string;
  ticketId: string;
  title: string;
  messages: WebMessageView[];
  last: Date;
}

function conversationsOf(kept: WebMessage[]): Conversation[] {
  const byThread = new Map<string, Conversation>();
  for (const message of kept) {
    let conversation = byThread.get(message.thread);
    if (!conversation) {
      conversation = {
        thread: message.thread,
        ticketId: message.ticketId,
        title: message.body.params.title,
        messages: [],
        last: message.postedAt,
      };
      byThread.set(message.thread, conversation);
    }
    conversation.messages.push(viewOf(message));
    if (message.changedAt > conversation.last) conversation.last = message.changedAt;
  }
  return [...byThread.values()].sort((a, b) => b.last.getTime() - a.last.getTime());
}

/**
 * The web chat: a person's conversations with the desk, one per ticket (the same messages Slack
 * or Teams would show them), live; replies and buttons in each; and a new ticket opened as a
 * short conversation (what is wrong, what kind, who is affected, the priority asked for).
 */
export function chatRoutes(context: WebDeskContext): SignedInRoute {
  function messageHtml(request: SignedInRequest, message: WebMessageView): string {
    const say = wordsIn(request.locale);
    const buttons = message.buttons
      .map((button) =>
        actionForm(
          request,
          '/web/press',
          { ref: message.ref, action: button.action },
          `<button type="submit">${escapeHtml(button.label)}</button>`,
          { className: 'press', label: `${button.label} ${message.ticketId}` },
        ),
      )
      .join('');
    return [
      `<li class="message${message.own ? ' own' : ''}">`,
      `<p>${escapeHtml(message.text).replace(/\n/g, '<br>')}</p>`,
      `<p class="meta"><span class="visually-hidden">${say('web.chat.sentAt')}</span><time datetime="${message.postedAt}">${message.postedAtText}</time></p>`,
      buttons ? `<div class="buttons">${buttons}</div>` : '',
      message.answered
        ? `<p class="answered">${say('web.chat.answered', { answer: message.answered })}</p>`
        : '',
      '</li>',
    ].join('');
  }

  async function chat(request: SignedInRequest): Promise<WebAnswer> {
    const { person } = request.current;
    const say = wordsIn(request.locale);
    const conversations = conversationsOf(await context.inbox.forReader(personReader(person.id)));
    const askedThread = request.query.get('thread');
    const askedTicket = request.query.get('ticket');
    const selected =
      conversations.find((c) => c.thread === askedThread) ??
      conversations.find((c) => c.ticketId === askedTicket) ??
      conversations[0];
    const list = conversations
      .map((c) => {
        const current = c === selected ? ' aria-current="true"' : '';
        return `<li><a href="/web/chat?thread=${c.thread}"${current}><strong>${escapeHtml(c.ticketId)}</strong> ${escapeHtml(c.title)}</a></li>`;
      })
      .join('');
    const newTicket = isDeskSide(person)
      ? ''
      : `<p><a class="button" href="/web/chat/new">${say('web.chat.newTicket')}</a></p>`;
    const side = [
      `<section id="threads" data-live class="threads" aria-labelledby="threads-heading">`,
      `<h2 id="threads-heading">${say('web.chat.conversations')}</h2>`,
      newTicket,
      list ? `<ul>${list}</ul>` : `<p>${say('web.chat.none')}</p>`,
      '</section>',
    ].join('');
    let conversation = '';
    if (selected) {
      const reply = actionForm(
        request,
        '/web/reply',
        { thread: selected.thread },
        [
          `<label for="reply-text">${say('web.chat.reply')}</label>`,
          '<textarea id="reply-text" name="text" rows="3" required maxlength="10000"></textarea>',
          `<button type="submit">${say('web.chat.send')}</button>`,
        ].join(''),
        { className: 'reply' },
      );
      conversation = [
        '<section class="conversation" aria-labelledby="conversation-heading">',
        `<h2 id="conversation-heading">${escapeHtml(selected.ticketId)} ${escapeHtml(selected.title)}</h2>`,
        `<p><a href="/web/tickets/${encodeURIComponent(selected.ticketId)}">${say('web.chat.ticketPage')}</a></p>`,
        `<ol id="conversation" data-live class="messages">${selected.messages.map((m) => messageHtml(request, m)).join('')}</ol>`,
        reply,
        '</section>',
      ].join('');
    }
    return {
      status: 200,
      html: page(request, {
        title: translate(request.locale, 'web.chat.title'),
        active: 'chat',
        main: `<div class="chat">${side}${conversation}</div>`,
      }),
    };
  }

  /** The step a draft is at: the first one it has no (valid) answer for. */
  function stepOf(draft: Draft, errors: Partial<Record<string, string>>): Step {
    if (!draft.title?.trim() || errors.title || errors.description) return 'what';
    if (!draft.category || errors.category) return 'category';
    if (!draft.impact || errors.impact) return 'impact';
    return 'confirm';
  }

  function prioritiesOf(request: SignedInRequest) {
    const organisation = request.current.organisation;
    if (!organisation) return [];
    return context.desk.contracts
      .contract(organisation.contractId)
      .terms.priorities.map((p) => ({ key: p.key, label: p.label[request.locale] }));
  }

  /** One step of the intake: what was said so far as the conversation, then the next question. */
  function intake(
    request: SignedInRequest,
    draft: Draft,
    shown: Partial<Record<string, string>> = {},
  ): WebAnswer {
    const say = wordsIn(request.locale);
    const form = (key: string) => escapeHtml(translate(request.locale, `ticketForm.${key}`));
    const read = readTicketForm(draft, request.locale);
    const errors: Partial<Record<string, string>> = read.ok ? {} : read.errors;
    const step = stepOf(draft, errors);
    const said: string[] = [`<li class="message desk"><p>${form('intro')}</p></li>`];
    const answer = (question: string, text: string) =>
      said.push(
        `<li class="message desk"><p>${question}</p></li>`,
        `<li class="message own"><p>${escapeHtml(text).replace(/\n/g, '<br>')}</p></li>`,
      );
    if (step !== 'what') answer(form('title'), [draft.title, draft.description].filter(Boolean).join('\n\n'));
    if (step === 'impact' || step === 'confirm')
      answer(form('category'), translate(request.locale, `categories.${draft.category}`));
    if (step === 'confirm')
      answer(form('impact'), translate(request.locale, `ticketForm.impacts.${draft.impact}`));
    const errorOf = (field: string) => {
      // A field not sent yet is a question not answered yet, not a mistake.
      const text = shown[field] ?? (draft[field as keyof Draft] !== undefined ? errors[field] : undefined);
      return text ? `<p class="field-error" id="${field}-error">${escapeHtml(text)}</p>` : '';
    };
    const described = (field: string) =>
      (shown[field] ?? (draft[field as keyof Draft] !== undefined ? errors[field] : undefined))
        ? ` aria-describedby="${field}-error" aria-invalid="true"`
        : '';
    const radios = (
      name: string,
      legend: string,
      choices: { key: string; label: string }[],
      chosen?: string,
    ) =>
      [
        `<fieldset${described(name)}><legend>${legend}</legend>`,
        ...choices.map(
          (choice, index) =>
            `<label><input type="radio" name="${name}"${name === 'priority' ? '' : ' required'} value="${escapeHtml(choice.key)}"${choice.key === chosen || (!chosen && index === 0 && name === 'priority') ? ' checked' : ''}${index === 0 ? ' autofocus' : ''}> ${escapeHtml(choice.label)}</label>`,
        ),
        '</fieldset>',
        errorOf(name),
      ].join('');
    const carried = (fields: (keyof Draft)[]) =>
      hidden(Object.fromEntries(fields.map((field) => [field, draft[field] as string | undefined])));
    let question = '';
    let action = '/web/chat/new';
    let submit = say('web.chat.next');
    switch (step) {
      case 'what':
        question = [
          `<label for="title">${form('title')}</label>`,
          `<input id="title" name="title" required maxlength="200" autofocus value="${escapeHtml(draft.title ?? '')}"${described('title')}>`,
          errorOf('title'),
          `<label for="description">${form('description')}</label>`,
          `<textarea id="description" name="description" rows="4" maxlength="10000"${described('description')}>${escapeHtml(draft.description ?? '')}</textarea>`,
          errorOf('description'),
        ].join('');
        break;
      case 'category':
        question =
          carried(['title', 'description']) +
          radios(
            'category',
            form('category'),
            CUSTOMER_CATEGORIES.map((key) => ({
              key,
              label: translate(request.locale, `categories.${key}`),
            })),
            draft.category,
          );
        break;
      case 'impact':
        question =
          carried(['title', 'description', 'category']) +
          radios(
            'impact',
            form('impact'),
            IMPACTS.map((key) => ({ key, label: translate(request.locale, `ticketForm.impacts.${key}`) })),
            draft.impact,
          );
        break;
      case 'confirm': {
        const priorities = prioritiesOf(request);
        question =
          carried(['title', 'description', 'category', 'impact']) +
          (priorities.length > 0
            ? radios(
                'priority',
                form('priority'),
                [{ key: '', label: translate(request.locale, 'web.chat.deskDecides') }, ...priorities],
                draft.priority,
              ) + `<p class="hint">${form('priorityHint')}</p>`
            : '');
        action = '/web/chat/open';
        submit = form('submit');
        break;
      }
    }
    const main = [
      `<ol class="messages intake">${said.join('')}</ol>`,
      `<form method="post" action="${action}" class="intake-step">`,
      csrfField(request),
      hidden({ submission: draft.submission }),
      question,
      `<button type="submit">${submit}</button>`,
      '</form>',
      `<p><a href="/web/chat">${form('cancel')}</a></p>`,
    ].join('');
    return {
      status: Object.keys(shown).length > 0 ? 400 : 200,
      html: page(request, { title: translate(request.locale, 'web.chat.newTitle'), active: 'chat', main }),
    };
  }

  async function open(request: SignedInRequest): Promise<WebAnswer> {
    const { person } = request.current;
    if (isDeskSide(person)) throw new HttpError(403, 'customerOnly', 'web.errors.customersOnly');
    const draft = readInput(draftBody, request.body);
    const read = readTicketForm(draft, request.locale);
    if (!read.ok) {
      if (request.wantsJson) {
        const [field, message] = Object.entries(read.errors)[0]!;
        throw new HttpError(400, 'invalidField', 'web.errors.invalidFieldSaid', {
          field,
          message: message ?? '',
        });
      }
      return intake(request, draft, read.errors);
    }
    const { ticket } = read;
    const { ticket: opened } = await openFromChat(context.desk, {
      channel: 'web',
      // One form is one ticket, however often it is sent.
      eventId: `${person.id}:${draft.submission}`,
      from: { identity: webIdentityOf(person.id) },
      category: ticket.category,
      title: ticket.title,
      description: [ticket.description, impactLine(request.locale, ticket.impact)]
        .filter(Boolean)
        .join('\n\n'),
      ...(ticket.priority ? { priority: ticket.priority } : {}),
    });
    if (request.wantsJson) return { status: 201, json: { ticket: { id: opened.id, status: opened.status } } };
    return { status: 303, headers: { Location: `/web/chat?ticket=${encodeURIComponent(opened.id)}` } };
  }

  return async (request) => {
    switch (request.path) {
      case '/web/chat':
        if (request.method !== 'GET') return notAllowed('GET', request.locale);
        return chat(request);
      case '/web/chat/new':
        if (isDeskSide(request.current.person))
          throw new HttpError(403, 'customerOnly', 'web.errors.customersOnly');
        if (request.method === 'GET') return intake(request, { submission: newSubmission() });
        if (request.method !== 'POST') return notAllowed('GET, POST', request.locale);
        return intake(request, readInput(draftBody, request.body));
      case '/web/chat/open':
        if (request.method !== 'POST') return notAllowed('POST', request.locale);
        return open(request);
      default:
        return undefined;
    }
  };
}
