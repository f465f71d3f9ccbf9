import { describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { LoadedContracts } from '../../src/contracts/contract-catalogue.ts';
import { openTicket } from '../../src/domain/tickets/lifecycle.ts';
import { createMongoStore } from '../../src/store/mongo/index.ts';
import { useDeskCli } from './support/desk-cli.ts';

/** The commands run in-process against their own database on the test server, as an operator would. */
const cli = useDeskCli('cli');
const sladesk = (...args: string[]) => cli.sladesk({}, ...args);
const uri = cli.uri;

describe('seeding a desk from the command line', () => {
  it('adds agents, an organisation with its escalation people, contacts and keys, and lists them', async () => {
    const manager = (await sladesk('agent', 'add', '--name', 'Ida Incident', '--slack', 'U0IDA')).json();
    const owner = (
      await sladesk('agent', 'add', '--name', 'Kalle Kundansvarig', '--email', 'kalle@desk.example')
    ).json();
    const ceo = (await sladesk('agent', 'add', '--name', 'Vera VD', '--admin', '--ceo')).json();
    expect(manager).toMatchObject({
      name: 'Ida Incident',
      role: 'agent',
      identities: [{ channel: 'slack', externalId: 'U0IDA' }],
    });
    expect(ceo).toMatchObject({ role: 'admin' });
    const org = await sladesk(
      'org',
      'add',
      '--name',
      'Acme AB',
      '--contract',
      'stratiteq',
      '--incident-manager',
      String(manager.id),
      '--account-owner',
      String(owner.id),
    );
    expect(org.code).toBe(0);
    expect(org.json()).toMatchObject({
      name: 'Acme AB',
      contractId: 'stratiteq',
      timeZone: 'Europe/Stockholm',
      incidentManagerId: manager.id,
    });
    const orgId = String(org.json().id);
    const contact = await sladesk('contact', 'add', '--org', orgId, '--name', 'Kim Kund', '--locale', 'sv');
    expect(contact.json()).toMatchObject({ role: 'contact', organisationId: orgId, locale: 'sv' });
    const listed = JSON.parse((await sladesk('org', 'list')).stdout) as Array<{
      name: string;
      contactIds: string[];
    }>;
    expect(listed.map((o) => [o.name, o.contactIds.length])).toEqual([['Acme AB', 1]]);
    const key = (await sladesk('key', 'add', '--org', orgId, '--label', 'monitoring')).json();
    expect(String(key.key)).toMatch(/^sdk_/);
    expect(key.apiKey).toMatchObject({
      scope: { kind: 'organisation', organisationId: orgId },
      label: 'monitoring',
    });
    expect((await sladesk('key', 'add', '--admin')).code).toBe(0);
  });

  it('lists agents (the CEO marked) and an organisation’s contacts, and shows the CEO', async () => {
    // The first test named Vera VD with `agent add --ceo`.
    expect((await sladesk('ceo', 'show')).json()).toMatchObject({ ceo: { name: 'Vera VD' } });
    const ceo = await sladesk('agent', 'add', '--name', 'Ceo Cecilia', '--ceo');
    expect(ceo.code).toBe(0);
    // The answer confirms the setting now in force.
    expect(ceo.json()).toMatchObject({ name: 'Ceo Cecilia', role: 'agent', ceo: true });
    const shown = (await sladesk('ceo', 'show')).json();
    expect(shown).toEqual({ ceoId: ceo.json().id, ceo: { ...ceo.json(), ceo: undefined } });

    const agents = JSON.parse((await sladesk('agent', 'list')).stdout) as Array<{ name: string; ceo?: true }>;
    const names = agents.map((agent) => agent.name);
    expect(names).toEqual([...names].sort());
    expect(agents.filter((agent) => agent.ceo).map((agent) => agent.name)).toEqual(['Ceo Cecilia']);

    const org = (await sladesk('org', 'add', '--name', 'Listed AB', '--contract', 'hypergene')).json();
    for (const name of ['Zed', 'Ada'])
      expect((await sladesk('contact', 'add', '--org', String(org.id), '--name', name)).code).toBe(0);
    const contacts = JSON.parse((await sladesk('contact', 'list', '--org', String(org.id))).stdout) as Array<{
      name: string;
      organisationId: string;
    }>;
    expect(contacts.map((contact) => [contact.name, contact.organisationId])).toEqual([
      ['Ada', org.id],
      ['Zed', org.id],
    ]);

    // Taken off the list: gone from it, and named when it is not on it.
    const zed = contacts.find((contact) => contact.name === 'Zed') as unknown as { id: string };
    const removed = await sladesk('contact', 'remove', '--org', String(org.id), '--person', zed.id);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.json().contactIds).not.toContain(zed.id);
    const listed = JSON.parse(
      (await sladesk('contact', 'list', '--org', String(org.id))).stdout,
    ) as unknown[];
    expect(listed).toHaveLength(1);
    const again = await sladesk('contact', 'remove', '--org', String(org.id), '--person', zed.id);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(zed.id);
  });

  it('shows a ticket with the reminders and escalations its clock has scheduled', async () => {
    const org = (await sladesk('org', 'add', '--name', 'Ticketed AB', '--contract', 'stratiteq')).json();
    const connection = await mongoose.createConnection(uri).asPromise();
    let id: string;
    try {
      const store = createMongoStore(connection);
      id = await store.ids.nextTicketId();
      const contract = new LoadedContracts().contract('stratiteq');
      const opened = openTicket(
        {
          id,
          organisationId: String(org.id),
          category: 'incident',
          title: 'Invoices fail',
          description: '',
          priority: 'P1',
          requestedPriority: 'P1',
        },
        contract,
        { at: new Date('2026-11-16T15:00:00+01:00') },
      );
      await store.tickets.insert(opened.ticket, { events: opened.events, notices: [] });
    } finally {
      await connection.close();
    }
    const shown = await sladesk('ticket', 'show', '--id', id);
    expect(shown.code, shown.stderr).toBe(0);
    // P1, 2 business hours from Monday 15:00: due 17:00; reminder 16:30; levels Mon 17:00, Tue 09:00, 10:00.
    expect(shown.json()).toMatchObject({ id, priority: 'P1', requestedPriority: 'P1', status: 'new' });
    expect(shown.json().schedule).toEqual(
      [
        ['response:reminder', 0, '2026-11-16T15:30:00.000Z'],
        ['response:level1', 1, '2026-11-16T16:00:00.000Z'],
        ['response:level2', 2, '2026-11-17T08:00:00.000Z'],
        ['response:level3', 3, '2026-11-17T09:00:00.000Z'],
      ].map(([step, level, at]) => ({
        step,
        level,
        at,
        clock: 'response',
        dueAt: '2026-11-16T16:00:00.000Z',
      })),
    );
    const missing = await sladesk('ticket', 'show', '--id', 'SD-424242');
    expect([missing.code, missing.stderr]).toEqual([2, 'sladesk: ticket SD-424242 not found\n']);
  });

  it.each([
    [['ticket', 'show'], '--id is required'],
    [['contact', 'list'], '--org is required'],
    [['contact', 'list', '--org', 'ghost-org'], 'organisation ghost-org not found'],
    [['agent', 'list', '--all'], 'unknown option --all (see sladesk sla --help)'],
    [['key', 'add'], 'give exactly one of --org <organisation id> and --admin'],
    [['org', 'add', '--name', 'Globex', '--contract', 'gold'], 'unknown contract “gold”'],
    [
      ['org', 'add', '--name', 'Globex', '--contract', 'kamstrup', '--time-zone', 'Mars/Base'],
      'unknown time zone “Mars/Base”',
    ],
    [['org', 'add', '--contract', 'kamstrup'], '--name is required'],
    [['agent', 'add', '--name', 'X', '--locale', 'de'], '--locale "de" is not valid (see sladesk --help)'],
    [['contact', 'add', '--org', 'no-such-org', '--name', 'X'], 'organisation no-such-org not found'],
    [['org', 'remove'], 'unknown command "org remove" (see sladesk --help)'],
  ])('%j → exit 2: %s', async (args, message) => {
    const run = await sladesk(...args);
    expect([run.code, run.stderr, run.stdout]).toEqual([2, `sladesk: ${message}\n`, '']);
  });

  it('refuses an eleventh contact with the reason', async () => {
    const org = (await sladesk('org', 'add', '--name', 'Full AB', '--contract', 'kamstrup')).json();
    for (let i = 1; i <= 10; i++)
      expect((await sladesk('contact', 'add', '--org', String(org.id), '--name', `C${i}`)).code).toBe(0);
    const eleventh = await sladesk('contact', 'add', '--org', String(org.id), '--name', 'C11');
    expect([eleventh.code, eleventh.stderr]).toEqual([
      2,
      'sladesk: Full AB already has 10 registered contacts, the most the contract allows\n',
    ]);
  });
});

describe('messaging from the command line', () => {
  it('links a person to their Slack user, with the workspace; one identity at a time, and a taken one is refused', async () => {
    const org = await sladesk('org', 'add', '--name', 'Link CLI AB', '--contract', 'stratiteq');
    const orgId = String(org.json().id);
    const contact = await sladesk('contact', 'add', '--org', orgId, '--name', 'Lina Link');
    const personId = contact.json().id as string;
    const linked = await sladesk(
      'person',
      'link',
      '--person',
      personId,
      '--slack',
      'U0LINA',
      '--team',
      'T0ACME',
    );
    expect(linked.code, linked.stderr).toBe(0);
    expect(linked.json().identities).toContainEqual({
      channel: 'slack',
      externalId: 'U0LINA',
      teamId: 'T0ACME',
    });
    // A Teams user with the tenant the bot starts a chat with them in.
    const teams = await sladesk(
      'person',
      'link',
      '--person',
      personId,
      '--teams',
      'aad-lina',
      '--tenant',
      'tenant-lina',
    );
    expect(teams.code, teams.stderr).toBe(0);
    expect(teams.json().identities).toContainEqual({
      channel: 'teams',
      externalId: 'aad-lina',
      tenantId: 'tenant-lina',
    });
    const none = await sladesk('person', 'link', '--person', personId);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--slack');
    const two = await sladesk('person', 'link', '--person', personId, '--slack', 'U0X', '--web', 'lina');
    expect(two.code).toBe(2);
    const other = await sladesk('contact', 'add', '--org', orgId, '--name', 'Olle Other');
    const taken = await sladesk('person', 'link', '--person', String(other.json().id), '--slack', 'U0LINA');
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toContain('U0LINA');
    const unknown = await sladesk('person', 'link', '--person', 'p-nope', '--slack', 'U0NOPE');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('p-nope');
  });

  it('names a channel’s triage place, shows them beside the web desk’s queue, and refuses a malformed channel name', async () => {
    const set = await sladesk('triage', 'set', '--channel', 'slack', '--target', 'C0TRIAGE');
    expect(set.code, set.stderr).toBe(0);
    expect(set.json()).toEqual({ triage: { slack: 'C0TRIAGE', web: 'queue' } });
    expect((await sladesk('triage', 'show')).json()).toEqual({ triage: { slack: 'C0TRIAGE', web: 'queue' } });
    const bad = await sladesk('triage', 'set', '--channel', 'Not.A.Channel', '--target', 'x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--channel');
    expect((await sladesk('triage', 'show')).json()).toEqual({ triage: { slack: 'C0TRIAGE', web: 'queue' } });
  });

  it('maps a customer’s channel to its organisation, shows and unmaps it; an unknown organisation is refused', async () => {
    const org = await sladesk('org', 'add', '--name', 'Places CLI AB', '--contract', 'stratiteq');
    expect(org.code, org.stderr).toBe(0);
    const organisationId = org.json().id as string;
    const mapped = await sladesk(
      'places',
      'map',
      '--channel',
      'slack',
      '--place',
      'C0ACME',
      '--org',
      organisationId,
    );
    expect(mapped.code, mapped.stderr).toBe(0);
    const place = { channel: 'slack', place: 'C0ACME', organisationId };
    expect(mapped.json().places).toContainEqual(place);
    expect((await sladesk('places', 'show')).json().places).toContainEqual(place);
    const unknown = await sladesk(
      'places',
      'map',
      '--channel',
      'slack',
      '--place',
      'C0ELSE',
      '--org',
      'org-nope',
    );
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('org-nope');
    const badPlace = await sladesk(
      'places',
      'map',
      '--channel',
      'slack',
      '--place',
      'C0 <x>',
      '--org',
      organisationId,
    );
    expect(badPlace.code).toBe(2);
    expect(badPlace.stderr).toContain('--place');
    // A Teams channel by its id; one reply chain of it is not a place.
    const teamsChannel = '19:4b1f0c2d9e8a@thread.tacv2';
    const teams = await sladesk(
      'places',
      'map',
      '--channel',
      'teams',
      '--place',
      teamsChannel,
      '--org',
      organisationId,
    );
    expect(teams.code, teams.stderr).toBe(0);
    expect(teams.json().places).toContainEqual({ channel: 'teams', place: teamsChannel, organisationId });
    const chain = await sladesk(
      'places',
      'map',
      '--channel',
      'teams',
      '--place',
      `${teamsChannel};messageid=1700000000000`,
      '--org',
      organisationId,
    );
    expect(chain.code).toBe(2);
    expect(chain.stderr).toContain('--place');
    const unmapped = await sladesk('places', 'unmap', '--channel', 'slack', '--place', 'C0ACME');
    expect(unmapped.json()).toMatchObject({ unmapped: true });
    expect((await sladesk('places', 'show')).json().places).not.toContainEqual(place);
  });

  it('lists the deliveries given up on (none on a fresh desk), and refuses a bad limit', async () => {
    const listed = await sladesk('notifications', 'failed');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    const bad = await sladesk('notifications', 'failed', '--limit', 'lots');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--limit');
  });
});
