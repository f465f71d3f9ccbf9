import { beforeAll } from 'vitest';
import type { ButtonActionName } from '../../../src/app/action-steps.ts';
import { openFromChat } from '../../../src/app/chat/open-from-chat.ts';
import { pressButton } from '../../../src/app/chat/press-button.ts';
import { replyInThread } from '../../../src/app/chat/reply-in-thread.ts';
import type { DeskDeps } from '../../../src/app/desk-deps.ts';
import { linkIdentity } from '../../../src/app/directory.ts';
import { setTriagePlace } from '../../../src/app/messaging/messaging-admin.ts';
import { MemoryChannel, type HeldMessage } from '../../../src/channels/memory/memory-channel.ts';
import { DomainError } from '../../../src/domain/domain-error.ts';
import type { Person } from '../../../src/domain/desk/people.ts';
import { errorMessage } from '../../../src/i18n/error-message.ts';
import { useTestDesk } from '../../support/test-desk.ts';
import type { Answer, ChannelWorld, SeenMessage } from './channel-contract.ts';

const CHANNEL = 'memory';
const login = (person: Person) => `login-${person.id}`;
const from = (person: Person) => ({ identity: { channel: 'web' as const, externalId: login(person) } });

const seen = (held: HeldMessage): SeenMessage => ({
  ref: held.ref.id,
  thread: held.ref.thread,
  text: held.text,
  buttons: held.message.buttons.map((button) => button.action),
  updates: held.updates,
});

/** What a chat user is shown when the desk refuses: the refusal in their language. */
async function answerOf(deps: DeskDeps, person: Person, work: () => Promise<unknown>): Promise<Answer> {
  try {
    await work();
    return { ok: true };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const reader = await deps.people.get(person.id);
    return { ok: false, text: errorMessage(reader?.locale ?? 'en', `errors.${error.code}`, error.params) };
  }
}

/** The in-memory test channel as the contract suite drives it: the app's chat entry points, directly. */
export function useMemoryWorld(): () => ChannelWorld {
  const desk = useTestDesk();
  const platform = new MemoryChannel({ name: CHANNEL, reach: 'identities', identityChannel: 'web' });
  let world: ChannelWorld | undefined;
  let last: (() => Promise<Answer>) | undefined;
  /** Sends a request and keeps it, so that it can be sent again as it was. */
  const send = (request: () => Promise<Answer>) => {
    last = request;
    return request();
  };

  beforeAll(async () => {
    const { clock } = desk();
    const deps = desk().deliveringOn([platform]);
    await setTriagePlace(deps, CHANNEL, 'triage-room');
    world = {
      deps,
      clock,
      async customer(name) {
        const customer = await desk().seedCustomer(name);
        const { organisation: _organisation, ...people } = customer;
        for (const person of Object.values(people))
          await linkIdentity(deps, person.id, { channel: 'web', externalId: login(person) });
        return customer;
      },
      async open(person, ticket, eventId) {
        const { ticket: opened } = await openFromChat(deps, {
          channel: CHANNEL,
          eventId,
          from: from(person),
          category: 'incident',
          ...ticket,
        });
        return opened.id;
      },
      async seenBy(who) {
        return platform.sent
          .filter((held) =>
            who === 'triage'
              ? held.address.kind === 'triage'
              : held.address.kind === 'person' && held.address.personId === who.id,
          )
          .map(seen);
      },
      reply: (person, message, text, eventId, options = {}) =>
        send(() =>
          answerOf(deps, person, () =>
            replyInThread(deps, {
              channel: CHANNEL,
              eventId,
              from: from(person),
              thread: message.thread,
              text,
              ...options,
            }),
          ),
        ),
      press(person, message, action: ButtonActionName, eventId) {
        const held = platform.sent.find((m) => m.ref.id === message.ref);
        const button = held?.message.buttons.find((b) => b.action === action);
        if (!button) throw new Error(`message ${message.ref} has no ${action} button`);
        return send(() =>
          answerOf(deps, person, () =>
            pressButton(deps, { channel: CHANNEL, eventId, from: from(person), button }),
          ),
        );
      },
      redeliverLast() {
        if (!last) throw new Error('nothing was sent yet');
        return last();
      },
      settled: async () => undefined,
    };
  });

  return () => {
    if (!world) throw new Error('the memory world is built in beforeAll');
    return world;
  };
}
