import { z } from 'zod';
import type { Person } from '../domain/desk/people.ts';
import type { Organisation } from '../domain/desk/organisation.ts';
import { LOCALES } from '../domain/locale.ts';
import type { ScheduledTicket } from '../app/ticket-schedule.ts';
import { CATEGORIES, STATUSES } from '../domain/tickets/ticket.ts';

/**
 * What the API answers, for /api/openapi.json. Handlers send the domain objects themselves; the
 * type checks at the bottom keep these descriptions from drifting away from them.
 */

const instant = z.iso.datetime();
const level = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);

export const ticketResponse = z.object({
  id: z.string(),
  organisationId: z.string(),
  requesterId: z.string().optional(),
  category: z.enum(CATEGORIES),
  priority: z.string(),
  requestedPriority: z.string().optional(),
  title: z.string(),
  description: z.string(),
  status: z.enum(STATUSES),
  assigneeId: z.string().optional(),
  comments: z.array(
    z.object({
      id: z.string(),
      authorId: z.string(),
      body: z.string(),
      visibility: z.enum(['public', 'internal']),
      at: instant,
    }),
  ),
  effort: z.array(
    z.object({
      id: z.string(),
      personId: z.string(),
      minutes: z.number().int(),
      note: z.string().optional(),
      billable: z.boolean(),
      at: instant,
    }),
  ),
  effortThresholdNotified: z.boolean(),
  billable: z
    .object({
      estimateMinutes: z.number().int(),
      reason: z.string(),
      flaggedBy: z.string(),
      flaggedAt: instant,
      approvedBy: z.string().optional(),
      approvedAt: instant.optional(),
    })
    .optional(),
  problemId: z.string().optional(),
  incidentIds: z.array(z.string()),
  alertKey: z.string().optional(),
  alertCount: z.number().int().optional(),
  sla: z.object({
    responseDue: instant,
    resolutionDue: instant.optional(),
    firstResponseAt: instant.optional(),
    paused: z.array(z.object({ from: instant, to: instant.optional() })),
    responseBreached: z.boolean(),
    resolutionBreached: z.boolean(),
    notifiedSteps: z.array(z.string()),
    escalationLevel: level,
    acknowledgedLevel: level,
  }),
  createdAt: instant,
  updatedAt: instant,
  resolvedAt: instant.optional(),
  autoCloseAt: instant.optional(),
  closedAt: instant.optional(),
  version: z.number().int(),
  schedule: z
    .array(
      z.object({
        step: z
          .string()
          .describe('"response:reminder", "response:level1" … "resolution:level3", "autoClose"'),
        at: instant.describe('When the step is due to fire'),
        clock: z.enum(['response', 'resolution']).optional(),
        level: level.optional().describe('0 for the reminder to the owner, 1–3 for the escalation levels'),
        dueAt: instant.optional().describe('The deadline of the clock the step watches'),
      }),
    )
    .optional()
    .describe(
      'Desk only: what the SLA clock has scheduled and not yet announced, soonest first (a step past its time fires shortly)',
    ),
});

export const ticketListResponse = z.object({
  tickets: z.array(ticketResponse),
  nextCursor: z
    .string()
    .optional()
    .describe(
      'Present when more may follow: pass it as cursor, with the same filters. A page can hold fewer tickets than the limit and still have one.',
    ),
});

export const alertResponse = z.object({
  created: z.boolean().describe('false when the alert added to the incident already open for its key'),
  ticket: ticketResponse,
});

export const linkResponse = z.object({ incident: ticketResponse, problem: ticketResponse });

export const eventListResponse = z.object({
  events: z.array(
    z
      .looseObject({ type: z.string(), ticketId: z.string(), actorId: z.string().optional(), at: instant })
      .describe('An audit entry: who did what, when; further members depend on the type'),
  ),
});

export const organisationResponse = z.object({
  id: z.string(),
  name: z.string(),
  contractId: z.string(),
  locale: z.enum(LOCALES),
  timeZone: z.string(),
  contactIds: z.array(z.string()),
  incidentManagerId: z.string().optional(),
  accountOwnerId: z.string().optional(),
  version: z.number().int().describe('Counts the saves of this organisation').optional(),
});

export const organisationListResponse = z.object({ organisations: z.array(organisationResponse) });

export const personResponse = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['contact', 'agent', 'admin']),
  organisationId: z.string().optional(),
  email: z.string().optional(),
  locale: z.enum(LOCALES).optional(),
  identities: z.array(
    z.discriminatedUnion('channel', [
      z.object({ channel: z.literal('slack'), externalId: z.string(), teamId: z.string().optional() }),
      z.object({
        channel: z.literal('teams'),
        externalId: z.string(),
        tenantId: z.string().optional(),
        conversation: z.object({ id: z.string(), serviceUrl: z.string() }).optional(),
      }),
      z.object({ channel: z.literal('web'), externalId: z.string() }),
      z.object({ channel: z.literal('email'), externalId: z.string() }),
    ]),
  ),
  version: z.number().int().describe('Counts the saves of this person').optional(),
});

export const ceoResponse = z.object({ ceoId: z.string() });

export const agentListResponse = z.object({
  agents: z.array(personResponse).describe('The desk’s agents and admins, by name'),
});
export const contactListResponse = z.object({
  contacts: z.array(personResponse).describe('The organisation’s registered contacts, by name'),
});
export const ceoSettingResponse = z.object({
  ceoId: z.string().nullable().describe('null while nobody is named CEO'),
  ceo: personResponse.optional().describe('The CEO’s record'),
});

export const apiKeyResponse = z.object({
  id: z.string().describe('Not secret: the start of the key, for telling keys apart'),
  scope: z.union([
    z.object({ kind: z.literal('admin') }),
    z.object({ kind: z.literal('organisation'), organisationId: z.string() }),
  ]),
  label: z.string().optional(),
  createdAt: instant,
  revokedAt: instant.optional(),
});

export const createdApiKeyResponse = z.object({
  key: z.string().describe('The key itself: shown this once, stored only as a hash'),
  apiKey: apiKeyResponse,
});

export const apiKeyListResponse = z.object({ apiKeys: z.array(apiKeyResponse) });
export const revokedResponse = z.object({ revoked: z.literal(true) });

export const healthResponse = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.boolean(),
  jobs: z.boolean(),
});

export const readyResponse = z.object({ status: z.enum(['ready', 'unavailable']) });

export const errorResponse = z.object({
  error: z.object({
    code: z.string().describe('Stable, for programs: e.g. invalidRequest, notFound, alreadyClaimed'),
    message: z
      .string()
      .describe('For people, in the language of Accept-Language (sv or en), else of the acting person'),
    issues: z
      .array(
        z.object({
          in: z.enum(['body', 'query', 'path', 'header']),
          field: z.string(),
          code: z.string(),
          message: z.string(),
        }),
      )
      .optional()
      .describe('Every problem found in the request, when it did not validate'),
  }),
});

/** A domain object as JSON: dates become ISO strings. */
type Json<T> = T extends Date
  ? string
  : T extends readonly (infer E)[]
    ? Json<E>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

// Compile-time only: a described shape that does not accept what handlers send fails the type check.
export type DescribedTicket = Json<ScheduledTicket> extends z.input<typeof ticketResponse> ? true : never;
export type DescribedOrganisation =
  Json<Organisation> extends z.input<typeof organisationResponse> ? true : never;
export type DescribedPerson = Json<Person> extends z.input<typeof personResponse> ? true : never;
export const describedShapes: [DescribedTicket, DescribedOrganisation, DescribedPerson] = [true, true, true];

export const failedDeliveriesResponse = z.object({
  failed: z.array(
    z.object({
      id: z.string().describe('"<notification id>><channel>"'),
      channel: z.string(),
      ticketId: z.string(),
      key: z.string().describe('The message key (locales/notify.*)'),
      recipient: z.union([
        z.object({ kind: z.literal('person'), personId: z.string() }),
        z.object({ kind: z.literal('triage') }),
      ]),
      attempts: z.number().int(),
      addedAt: instant,
      failedAt: instant,
      lastError: z.string().describe('What the channel said the last time'),
    }),
  ),
});

export const customerPlacesResponse = z.object({
  places: z
    .array(z.object({ channel: z.string(), place: z.string(), organisationId: z.string() }))
    .describe('Every customer place, by channel and place'),
});

export const triagePlacesResponse = z.object({
  triage: z.record(z.string(), z.string()).describe('Each channel’s triage place, by channel name'),
});
