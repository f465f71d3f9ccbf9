import { z } from 'zod';
import { LOCALES } from '../domain/locale.ts';
import { CATEGORIES, STATUSES } from '../domain/tickets/ticket.ts';
import { MAX_LIST_LIMIT } from '../app/ports.ts';
import { TEXT_LIMITS } from '../domain/tickets/text-rules.ts';
import { PLACE_ID } from '../app/chat/customer-places.ts';

/**
 * What the API accepts, checked at the edge and described in /api/openapi.json from these very
 * schemas. Objects are strict so that a misspelt field is reported instead of silently ignored.
 */

const id = z.string().trim().min(1).max(128);
const line = (max: number) => z.string().trim().min(1).max(max);
const description = z.string().trim().max(TEXT_LIMITS.description);
const title = line(TEXT_LIMITS.title);
const priority = line(32).describe("A priority key of the organisation's contract, e.g. P1 or A");

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const ticketPath = z.strictObject({ id: line(64).describe('The ticket id, e.g. SD-1042') });
export const organisationPath = z.strictObject({ id });
export const contactPath = z.strictObject({ id, personId: id });
export const apiKeyPath = z.strictObject({ id: line(64) });

export const personHeader = z.object({
  'x-sladesk-person': id.describe(
    'The person acting: a contact of the key’s organisation, or anyone with an admin key',
  ),
});

/**
 * What `Idempotency-Key` may be: the same key from the same person gives back the ticket it opened
 * (a retry after a lost answer or a 5xx opens nothing new).
 */
export const idempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/, 'api.validation.idempotencyKey')
    .optional()
    .describe('Any 1–128 visible ASCII characters; retries of one open send the same key'),
});

export const openTicketBody = z.strictObject({
  organisationId: id.optional().describe("Defaults to the API key's organisation, else the requester's"),
  requesterId: id.optional().describe('The contact the ticket is for; defaults to the acting person'),
  category: z.enum(CATEGORIES),
  title,
  description: description.default(''),
  priority: priority
    .optional()
    .describe('Requested priority; the desk decides unless the contract lets the customer'),
});

const statusList = z
  .string()
  .transform((text) => text.split(',').map((status) => status.trim()))
  .pipe(z.array(z.enum(STATUSES)).min(1))
  .describe(`Comma-separated statuses: ${STATUSES.join(', ')}`);

export const listTicketsQuery = z.strictObject({
  status: statusList.optional(),
  assigneeId: id.optional(),
  category: z.enum(CATEGORIES).optional(),
  priority: priority.optional(),
  organisationId: id.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
  createdBefore: z.iso
    .datetime({ offset: true })
    .transform((text) => new Date(text))
    .optional()
    .describe('Only tickets created before this instant'),
  cursor: z
    .string()
    .regex(/^[doq][1-9]\d{0,14}$/, 'api.validation.cursor')
    .optional()
    .describe('Paging: the previous page’s nextCursor, with the same filters'),
});

export const noBody = z.strictObject({});
export const assignBody = z.strictObject({ assigneeId: id });
export const priorityBody = z.strictObject({ priority });
export const commentBody = z.strictObject({
  body: line(TEXT_LIMITS.comment),
  visibility: z.enum(['public', 'internal']).default('public'),
});
export const reopenBody = z.strictObject({ reason: line(2000).optional() });
export const effortBody = z.strictObject({
  minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  note: line(2000).optional(),
  billable: z.boolean().optional(),
});
export const billableBody = z.strictObject({
  estimateMinutes: z.number().int().min(1).max(1_000_000),
  reason: line(2000),
});
export const linkProblemBody = z.strictObject({ problemId: line(64) });

export const alertBody = z.strictObject({
  organisationId: id.optional().describe("Only with an admin key; an organisation's key reports for its own"),
  alertKey: line(200).describe('Identifies the alert: a repeat while its incident is open adds to it'),
  title,
  description: description.default(''),
  priority: priority.optional(),
});

const timeZone = line(64).refine(isTimeZone, { message: 'api.validation.timeZone' });

export const organisationBody = z.strictObject({
  name: line(200),
  contractId: line(64).describe('A contract preset (kamstrup, stratiteq, hypergene) or a loaded contract id'),
  locale: z.enum(LOCALES),
  timeZone: timeZone.optional().describe("Defaults to the contract's calendar time zone"),
  incidentManagerId: id.optional(),
  accountOwnerId: id.optional(),
});

const externalId = line(256);

/** How a person is known on one channel, with what that platform needs to reach them (see Identity). */
export const identity = z.discriminatedUnion('channel', [
  z.strictObject({
    channel: z.literal('slack'),
    externalId: externalId.describe('The Slack user id, e.g. U012AB3CD'),
    teamId: line(64).optional().describe('The Slack workspace (team) id, e.g. T012AB3CD'),
  }),
  z.strictObject({
    channel: z.literal('teams'),
    externalId: externalId.describe('The user’s Microsoft Entra (AAD) object id'),
    tenantId: line(64).optional().describe('The Microsoft Entra tenant id'),
    conversation: z
      .strictObject({
        id: line(1024),
        serviceUrl: z
          .url({ protocol: /^https$/, error: 'api.validation.httpsUrl' })
          .max(2048)
          .describe('The Bot Framework service URL of the conversation'),
      })
      .optional()
      .describe('The 1:1 conversation the bot was installed in, to message the person'),
  }),
  z.strictObject({ channel: z.literal('web'), externalId: externalId.describe('The web login') }),
  z.strictObject({ channel: z.literal('email'), externalId: externalId.describe('The e-mail address') }),
]);

export const personPath = z.strictObject({ id });

export const personBody = z.strictObject({
  name: line(200),
  email: z.email().optional(),
  locale: z.enum(LOCALES).optional(),
  identities: z.array(identity).max(20).optional(),
});

export const agentBody = personBody.extend({ admin: z.boolean().optional() });

export const escalationBody = z.strictObject({
  incidentManagerId: id.optional().describe('Escalation level 1'),
  accountOwnerId: id.optional().describe('Escalation level 2'),
});

export const ceoBody = z.strictObject({ personId: id.describe('Escalation level 3') });

export const apiKeyBody = z.strictObject({ label: line(100).optional() });

export const failedDeliveriesQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .optional()
    .describe('At most this many, most recent first (default 100)'),
});

export const triageChannelPath = z.strictObject({
  channel: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/)
    .describe('The channel’s name: slack, teams, web'),
});

export const customerPlacePath = z.strictObject({
  channel: triageChannelPath.shape.channel,
  place: z
    .string()
    .regex(PLACE_ID)
    .describe(
      'The place on that channel: a Slack channel id such as C0123ABCD, a Teams channel id such as 19:…@thread.tacv2',
    ),
});

export const customerPlaceBody = z.strictObject({
  organisationId: line(64).describe('The organisation whose contacts write there'),
});

export const triagePlaceBody = z.strictObject({
  target: line(256).describe('Where the channel posts triage cards: a Slack channel id, a Teams channel id'),
});
