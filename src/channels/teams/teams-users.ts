import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { ChatUser } from '../../app/chat/chat-user.ts';
import type { Clock } from '../../app/ports.ts';
import type { Identity } from '../../domain/desk/people.ts';
import { normalServiceUrl } from './teams-refs.ts';

interface Cached {
  email?: string;
  /** The member's role in the conversation's tenant (`user`, `guest`, `anonymous`). */
  userRole?: string;
  /** The member's own tenant, when the connector names it. */
  tenantId?: string;
  until: number;
}

/** The roles of a member who is not the tenant's own user: whoever invited them chose nothing of them. */
const OUTSIDERS = new Set(['guest', 'anonymous']);

/**
 * Teams users as the desk needs them: their Entra (AAD) object id, tenant, the personal chat the
 * turn came from (kept, to message them later), and for first contact the address Microsoft
 * vouches for (`TeamsInfo.getMember`: e-mail, else user principal name), looked up once an hour.
 * A guest, an anonymous user, a member of another tenant than the conversation's (a shared
 * channel's external member) or, for a single-tenant bot, than the desk's own, is `external`: their
 * address is set by another directory, so it is matched to customers' contacts only.
 */
export class TeamsUsers {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly clock: Clock,
    private readonly options: { ttlMs?: number; max?: number; tenantId?: string } = {},
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
    const member = await this.memberOf(turn, externalId);
    const ownTenant = member.tenantId ?? tenantId;
    const external =
      OUTSIDERS.has(member.userRole ?? '') ||
      (member.tenantId !== undefined && tenantId !== undefined && member.tenantId !== tenantId) ||
      (this.options.tenantId !== undefined && ownTenant !== this.options.tenantId);
    return { identity, ...(member.email ? { email: member.email } : {}), ...(external ? { external } : {}) };
  }

  private async memberOf(turn: TurnContext, externalId: string): Promise<Cached> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(externalId);
    if (hit && hit.until > now) return hit;
    let member: Awaited<ReturnType<typeof TeamsInfo.getMember>>;
    try {
      member = await TeamsInfo.getMember(turn, turn.activity.from.id);
    } catch (error) {
      // The connector does not know them (not, or no longer, in the conversation): no address,
      // which leaves them who the desk knows them as, or no one. Looked up again next time.
      if ((error as { statusCode?: unknown } | null)?.statusCode === 404) return { until: 0 };
      throw error;
    }
    const email = member.email ?? member.userPrincipalName ?? undefined;
    const cached: Cached = {
      ...(email ? { email } : {}),
      ...(typeof member.userRole === 'string' ? { userRole: member.userRole } : {}),
      ...(typeof member.tenantId === 'string' && member.tenantId ? { tenantId: member.tenantId } : {}),
      until: now + (this.options.ttlMs ?? 3_600_000),
    };
    this.cache.delete(externalId);
    // A Map iterates in insertion order, so the first key is the one seen longest ago.
    if (this.cache.size >= (this.options.max ?? 10_000)) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(externalId, cached);
    return cached;
  }
}
