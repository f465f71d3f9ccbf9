import pino from 'pino';
import { createLogger } from '../log.ts';
import { z } from 'zod';
import {
  addAgent,
  addContact,
  createOrganisation,
  currentCeo,
  linkIdentity,
  listAgents,
  listContacts,
  removeContact,
  setCeo,
} from '../app/directory.ts';
import { customerPlaces, mapCustomerPlace, unmapCustomerPlace } from '../app/chat/customer-places.ts';
import { failedDeliveries, setTriagePlace, triagePlaces } from '../app/messaging/messaging-admin.ts';
import { withSchedule } from '../app/ticket-schedule.ts';
import { loadConfig, publicUrlOf, type Config } from '../config/config.ts';
import { signInLinkFor } from '../app/web-sign-in.ts';
import { webSignInDeps } from '../channels/web/web-channel.ts';
import { CHANNELS, type Identity } from '../domain/desk/people.ts';
import { DomainError } from '../domain/domain-error.ts';
import { LOCALES } from '../domain/locale.ts';
import { openDesk, type OpenDesk } from '../runtime/open-desk.ts';
import { translate, type Locale } from '../i18n/translate.ts';
import { EXIT, type CliIo } from './cli-io.ts';
import { readOptions } from './read-options.ts';
import { PLACE_ID } from '../app/chat/customer-places.ts';
import { UsageError } from './usage-error.ts';

const text = z.string().trim().min(1).max(200);
const identityOptions = {
  slack: { type: 'string' },
  teams: { type: 'string' },
  web: { type: 'string' },
} as const;
const personOptions = {
  name: { type: 'string' },
  email: { type: 'string' },
  locale: { type: 'string' },
  ...identityOptions,
} as const;
const personSchema = {
  name: text,
  email: z.email().optional(),
  locale: z.enum(LOCALES).optional(),
  slack: text.optional(),
  teams: text.optional(),
  web: text.optional(),
};

function identitiesOf(options: Partial<Record<(typeof CHANNELS)[number], string>>): Identity[] {
  return CHANNELS.flatMap((channel) => (options[channel] ? [{ channel, externalId: options[channel] }] : []));
}

/** `sladesk org|contact|agent|ceo|key …`: seeding a desk from the server's shell, and looking at it. */
/** A channel's name as settings keep it (one segment: no dots, no spaces). */
const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** A place on a platform as its ids are written (a Slack channel id). */

const COMMANDS: Record<string, (desk: OpenDesk, args: string[], config: Config) => Promise<unknown>> = {
  /** A one-time sign-in link to the web desk, made on the server: for local mode, or a first admin. */
  'web link': async (desk, args, config) => {
    const options = readOptions(args, { person: { type: 'string' } }, z.object({ person: text }));
    const link = await signInLinkFor(webSignInDeps(desk.store, desk.deps), options.person);
    return {
      personId: link.person.person.id,
      url: `${publicUrlOf(config)}/web/sign-in/${link.token}`,
      expiresAt: link.expiresAt,
    };
  },
  'org add': async (desk, args) => {
    const options = readOptions(
      args,
      {
        name: { type: 'string' },
        contract: { type: 'string' },
        locale: { type: 'string' },
        'time-zone': { type: 'string' },
        'incident-manager': { type: 'string' },
        'account-owner': { type: 'string' },
      },
      z.object({
        name: text,
        contract: text,
        locale: z.enum(LOCALES).default('sv'),
        'time-zone': text.optional(),
        'incident-manager': text.optional(),
        'account-owner': text.optional(),
      }),
    );
    return createOrganisation(desk.deps, {
      name: options.name,
      contractId: options.contract,
      locale: options.locale,
      ...(options['time-zone'] ? { timeZone: options['time-zone'] } : {}),
      ...(options['incident-manager'] ? { incidentManagerId: options['incident-manager'] } : {}),
      ...(options['account-owner'] ? { accountOwnerId: options['account-owner'] } : {}),
    });
  },
  'org list': async (desk, args) => {
    readOptions(args, {}, z.object({}));
    return desk.deps.organisations.list();
  },
  'contact add': async (desk, args) => {
    const options = readOptions(
      args,
      { org: { type: 'string' }, ...personOptions },
      z.object({ org: text, ...personSchema }),
    );
    return addContact(desk.deps, options.org, { ...options, identities: identitiesOf(options) });
  },
  'contact remove': async (desk, args) => {
    const options = readOptions(
      args,
      { org: { type: 'string' }, person: { type: 'string' } },
      z.object({ org: text, person: text }),
    );
    return removeContact(desk.deps, options.org, options.person);
  },
  'contact list': async (desk, args) => {
    const options = readOptions(args, { org: { type: 'string' } }, z.object({ org: text }));
    return listContacts(desk.deps, options.org);
  },
  'agent add': async (desk, args) => {
    const options = readOptions(
      args,
      { ...personOptions, admin: { type: 'boolean' }, ceo: { type: 'boolean' } },
      z.object({ ...personSchema, admin: z.boolean().optional(), ceo: z.boolean().optional() }),
    );
    const agent = await addAgent(desk.deps, { ...options, identities: identitiesOf(options) });
    if (!options.ceo) return agent;
    await setCeo(desk.deps, desk.store.deskSettings, agent.id);
    // Read back, so the answer confirms the setting now in force.
    return { ...agent, ceo: (await desk.store.deskSettings.get()).ceoId === agent.id };
  },
  'person link': async (desk, args) => {
    const options = readOptions(
      args,
      {
        person: { type: 'string' },
        team: { type: 'string' },
        tenant: { type: 'string' },
        ...identityOptions,
      },
      z
        .object({
          person: text,
          team: text.optional(),
          tenant: text.optional(),
          slack: text.optional(),
          teams: text.optional(),
          web: text.optional(),
        })
        .refine((o) => identitiesOf(o).length === 1, { message: 'cli.errors.oneIdentity', path: ['slack'] }),
    );
    const [identity] = identitiesOf(options);
    // A Slack user's workspace; a Teams user's tenant, where the bot starts a chat with them.
    const withPlace =
      identity!.channel === 'slack' && options.team
        ? { ...identity!, teamId: options.team }
        : identity!.channel === 'teams' && options.tenant
          ? { ...identity!, tenantId: options.tenant }
          : identity!;
    return linkIdentity(desk.deps, options.person, withPlace as Identity);
  },
  'agent list': async (desk, args) => {
    readOptions(args, {}, z.object({}));
    const [agents, { ceoId }] = await Promise.all([listAgents(desk.deps), desk.store.deskSettings.get()]);
    return agents.map((agent) => (agent.id === ceoId ? { ...agent, ceo: true } : agent));
  },
  'ceo show': async (desk, args) => {
    readOptions(args, {}, z.object({}));
    return currentCeo(desk.deps, desk.store.deskSettings);
  },
  'triage set': async (desk, args) => {
    const options = readOptions(
      args,
      { channel: { type: 'string' }, target: { type: 'string' } },
      z.object({ channel: z.string().regex(CHANNEL_NAME), target: text }),
    );
    return { triage: await setTriagePlace(desk.deps, options.channel, options.target) };
  },
  'places map': async (desk, args) => {
    const options = readOptions(
      args,
      { channel: { type: 'string' }, place: { type: 'string' }, org: { type: 'string' } },
      z.object({ channel: z.string().regex(CHANNEL_NAME), place: z.string().regex(PLACE_ID), org: text }),
    );
    const { channel, place, org } = options;
    return { places: await mapCustomerPlace(desk.deps, { channel, place, organisationId: org }) };
  },
  'places unmap': async (desk, args) => {
    const options = readOptions(
      args,
      { channel: { type: 'string' }, place: { type: 'string' } },
      z.object({ channel: z.string().regex(CHANNEL_NAME), place: z.string().regex(PLACE_ID) }),
    );
    return unmapCustomerPlace(desk.deps, options.channel, options.place);
  },
  'places show': async (desk, args) => {
    readOptions(args, {}, z.object({}));
    return { places: await customerPlaces(desk.deps) };
  },
  'triage show': async (desk, args) => {
    readOptions(args, {}, z.object({}));
    return { triage: await triagePlaces(desk.deps) };
  },
  /** What was given up on after every try: the on-call engineer's first look after an outage. */
  'notifications failed': async (desk, args) => {
    const options = readOptions(
      args,
      { limit: { type: 'string' } },
      z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    );
    const failed = await failedDeliveries(desk.deps, options.limit);
    return failed.map(({ id, channel, message, attempts, failedAt, lastError }) => ({
      id,
      channel,
      ticketId: message.ticketId,
      key: message.key,
      recipient: message.recipient,
      attempts,
      failedAt,
      lastError,
    }));
  },
  /** The operator on the server sees a ticket as the desk does, with what its clock has scheduled. */
  'ticket show': async (desk, args) => {
    const options = readOptions(args, { id: { type: 'string' } }, z.object({ id: text }));
    const ticket = await desk.deps.tickets.get(options.id);
    if (!ticket) throw new DomainError('notFound', { ticket: options.id });
    const [shown] = await withSchedule(desk.deps, [ticket]);
    return shown;
  },
  /** The first admin key can only come from here: the HTTP API needs a key to make keys. */
  'key add': async (desk, args) => {
    const options = readOptions(
      args,
      { org: { type: 'string' }, admin: { type: 'boolean' }, label: { type: 'string' } },
      z
        .object({ org: text.optional(), admin: z.boolean().optional(), label: text.optional() })
        .refine((o) => Boolean(o.org) !== Boolean(o.admin), { message: 'cli.errors.orgOrAdmin' }),
    );
    if (options.org && !(await desk.deps.organisations.get(options.org))) {
      throw new DomainError('notFound', { organisation: options.org });
    }
    const scope = options.org
      ? ({ kind: 'organisation', organisationId: options.org } as const)
      : ({ kind: 'admin' } as const);
    return desk.store.apiKeys.create(scope, options.label);
  },
};

export async function runDeskCommand(argv: string[], io: CliIo, locale: Locale): Promise<number> {
  const [noun, verb, ...args] = argv;
  const command = COMMANDS[`${noun} ${verb}`];
  if (!command)
    throw new UsageError('cli.errors.unknownCommand', { command: [noun, verb].filter(Boolean).join(' ') });
  if (args.includes('--help')) {
    io.stdout.write(`${translate(locale, 'cli.usage')}\n`);
    return EXIT.ok;
  }
  const config = loadConfig(io.env);
  // Progress goes to stderr so that stdout carries only the JSON answer.
  const logger = createLogger({ ...config, logLevel: 'warn' }, pino.destination(2));
  const desk = await openDesk(config, logger);
  try {
    const result = await command(desk, args, config);
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return EXIT.ok;
  } finally {
    await desk.close();
  }
}
