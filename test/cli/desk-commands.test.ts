import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import mongoose from 'mongoose';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';

/** The commands run in-process against their own database on the test server, as an operator would. */
const database = `cli_${randomBytes(4).toString('hex')}`;
const uri = (() => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/${database}`;
  return url.toString();
})();

async function sladesk(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdin: Readable.from([]),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { MONGODB_URI: uri, SLADESK_LOCALE: 'en', LOG_LEVEL: 'silent' },
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as Record<string, unknown> };
}

afterAll(async () => {
  const connection = await mongoose.createConnection(uri).asPromise();
  await connection.dropDatabase();
  await connection.close();
});

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
  });

  it.each([
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
