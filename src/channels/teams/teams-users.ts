import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { ChatUser } from '../../app/chat/chat-user.ts';
import type { Clock } from '../../app/ports.ts';
import type { Identity } from '../../domain/desk/people.ts';
import { normalServiceUrl } from './teams-refs.ts';

interface Cached {
  email?: string;
  until: number;
}

/**
 * Teams users as the desk needs them: their Entra (AAD) object id, tenant, the personal chat the
 * turn came from (kept, to message them later), and for first contact the address Microsoft
 * vouches for (`TeamsInfo.getMember`: e-mail, else user principal name), looked up once an hour.
 */
export class TeamsUsers {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly clock: Clock,
    private readonly options: { ttlMs?: number; max?: number } = {},
  ) {}

  /** The turn's sender; undefined for one Teams names no Entra id for (a bot, an anonymous guest). */
  async of(turn: TurnContext): Promise<ChatUser | undefined> {
    const { from, conversation, serviceUrl, channelData } = turn.activity;
    const externalId = from?.aadObjectId;
    if (!externalId) return undefined;
    const tenantId = conversation?.tenantId ?? (channelData as { tenant?: { id?: string } })?.tenant?.id;
    const personal = conversation?.conversationType === 'personal';
    const identity: Identity = {
      channel: 'teams',
      externalId,
      ...(tenantId ? { tenantId } : {}),
      ...(personal && conversation?.id && serviceUrl
        ? {
            conversation: {
              id: conversation.id,
              serviceUrl: normalServiceUrl(serviceUrl),
            },
          }
        : {}),
    };
    const email = await this.emailOf(turn, externalId);
    return { identity, ...(email ? { email } : {}) };
  }

  private async emailOf(turn: TurnContext, externalId: string): Promise<string | undefined> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(externalId);
    if (hit && hit.until > now) return hit.email;
    const member = await TeamsInfo.getMember(turn, turn.activity.from.id);
    const email = member.email ?? member.userPrincipalName ?? undefined;
    this.cache.delete(externalId);
    // A Map iterates in insertion order, so the first key is the one seen longest ago.
    if (this.cache.size >= (this.options.max ?? 10_000)) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(externalId, {
      ...(email ? { email } : {}),
      until: now + (this.options.ttlMs ?? 3_600_000),
    });
    return email;
  }
}
