import type { Person } from '../../domain/desk/people.ts';
import type { Recipient } from '../notification.ts';
import type { DeskSettings } from '../ports.ts';
import type { Address, ChannelSender } from './channel.ts';

/**
 * Where `recipient` is reached on `channel`, or undefined when not there: a person by their
 * identity on that platform, the triage place by the desk's settings; a feed takes everything.
 */
export function addressOn(
  channel: ChannelSender,
  recipient: Recipient,
  person: Person | undefined,
  settings: DeskSettings,
): Address | undefined {
  if (channel.reach !== 'identities') return { kind: 'feed' };
  if (recipient.kind === 'triage') {
    const target = settings.triage?.[channel.name];
    return target ? { kind: 'triage', target } : undefined;
  }
  const on = channel.identityChannel ?? channel.name;
  const identity = person?.identities.find((own) => own.channel === on);
  return identity ? { kind: 'person', personId: recipient.personId, identity } : undefined;
}
