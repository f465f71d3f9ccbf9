import type { ButtonActionName } from '../../../src/app/action-steps.ts';
import type { Person } from '../../../src/domain/desk/people.ts';
import type { Answer, ChannelWorld, SeenMessage } from '../contract/channel-contract.ts';
import { signInAs, useWebWorld, webCall, type Browser, type WebReply } from './support.ts';

interface ViewedMessage {
  ref: string;
  thread: string;
  text: string;
  buttons: { action: ButtonActionName }[];
  updates: number;
}

const seen = (message: ViewedMessage): SeenMessage => ({
  ref: message.ref,
  thread: message.thread,
  text: message.text,
  buttons: message.buttons.map((button) => button.action),
  updates: message.updates,
});

/** What the page's script shows the person who acted: nothing, or the refusal it was answered with. */
function answerOf(reply: WebReply): Answer {
  if (reply.status >= 200 && reply.status < 300) return { ok: true };
  if (reply.status >= 500 || !reply.json?.error?.message) {
    throw new Error(`the web desk answered ${reply.status}: ${reply.text}`);
  }
  return { ok: false, text: reply.json.error.message as string };
}

/**
 * The web chat as the contract suite drives it: each person signed in with a link in a browser of
 * their own, sending what the desk's pages send (JSON with the CSRF token, a submission id per
 * form) and reading what the pages read (/web/messages).
 */
export function useWebChannelWorld(): () => ChannelWorld {
  const web = useWebWorld('en');
  const browsers = new Map<string, Browser>();
  /** The agent whose browser reads the queue. */
  let deskReader: string | undefined;
  let last: (() => Promise<WebReply>) | undefined;
  let world: ChannelWorld | undefined;

  /**
   * As the person, signed in again when their session ended (the ladder's tests move the clock
   * on by days, past a session's twelve idle hours), as the person would.
   */
  async function as(personId: string, send: (browser: Browser) => Promise<WebReply>): Promise<WebReply> {
    const browser = browsers.get(personId);
    if (!browser) throw new Error(`${personId} has not signed in to the web desk`);
    const reply = await send(browser);
    if (reply.status !== 401) return reply;
    const again = await signInAs(web(), personId);
    browsers.set(personId, again);
    return send(again);
  }
  const call = (person: Person, path: string, body: unknown) => {
    last = () => as(person.id, (browser) => webCall(web().api.url, 'POST', path, { browser, body }));
    return last();
  };

  return () => {
    world ??= {
      get deps() {
        return web().desk;
      },
      get clock() {
        return web().api.desk.clock;
      },
      async customer(name) {
        const customer = await web().api.desk.seedCustomer(name);
        const { organisation: _organisation, ...people } = customer;
        for (const person of Object.values(people)) browsers.set(person.id, await signInAs(web(), person.id));
        deskReader ??= customer.agent.id;
        return customer;
      },
      async open(person, ticket, eventId) {
        const reply = await call(person, '/web/chat/open', {
          submission: eventId,
          ...ticket,
          category: 'incident',
          impact: 'one',
        });
        if (reply.status !== 201) throw new Error(`opening gave ${reply.status}: ${reply.text}`);
        return reply.json.ticket.id as string;
      },
      async seenBy(who) {
        const path = who === 'triage' ? '/web/messages?place=triage' : '/web/messages';
        const reader = who === 'triage' ? deskReader! : who.id;
        const reply = await as(reader, (browser) => webCall(web().api.url, 'GET', path, { browser }));
        if (reply.status !== 200) throw new Error(`reading messages gave ${reply.status}: ${reply.text}`);
        return (reply.json.messages as ViewedMessage[]).map(seen);
      },
      async reply(person, message, text, eventId, options = {}) {
        const body = {
          thread: message.thread,
          text,
          submission: eventId,
          toCustomer: options.toCustomer === true,
        };
        return answerOf(await call(person, '/web/reply', body));
      },
      async press(person, message, action, eventId) {
        return answerOf(await call(person, '/web/press', { ref: message.ref, action, submission: eventId }));
      },
      async redeliverLast() {
        if (!last) throw new Error('nothing was sent yet');
        return answerOf(await last());
      },
      // The web desk keeps a message before it answers: nothing is left under way.
      settled: async () => undefined,
    };
    return world;
  };
}
