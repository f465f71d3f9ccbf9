import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addAgent,
  addContact,
  createOrganisation,
  linkIdentity,
  removeContact,
  setEscalationPeople,
} from '../../src/app/directory.ts';
import { ConcurrentPersonChangeError } from '../../src/app/ports.ts';
import { getTicket } from '../../src/app/ticket-queries.ts';
import { openTicket, reportAlert } from '../../src/app/open-ticket.ts';
import * as actions from '../../src/app/ticket-actions.ts';
import { DomainError } from '../../src/domain/domain-error.ts';
import { MAX_CONTACTS } from '../../src/domain/desk/organisation.ts';
import { useTestDatabase } from '../support/database.ts';
import { ManualClock } from '../support/test-desk.ts';
import { seedCustomer, startProcess, type Customer, type DeskProcess } from './support.ts';

/** Half of `count` calls through each of two processes, all at once. */
function both<T>(
  processes: readonly [DeskProcess, DeskProcess],
  count: number,
  call: (process: DeskProcess, n: number) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(Array.from({ length: count }, (_, n) => call(processes[n % 2]!, n)));
}

const codeOf = (result: PromiseSettledResult<unknown>) =>
  result.status === 'rejected' && result.reason instanceof DomainError ? result.reason.code : result.status;

/**
 * Many changes to one record at the same moment, from two desk processes: nothing is lost, and
 * nothing that does not conflict is refused.
 */
describe('changes that meet', () => {
  const database = useTestDatabase('contention');
  const clock = new ManualClock(new Date('2026-11-16T09:00:00+01:00'));
  let processes: [DeskProcess, DeskProcess];
  let acme: Customer;

  beforeAll(async () => {
    processes = [await startProcess(database().name, clock), await startProcess(database().name, clock)];
    acme = await seedCustomer(processes[0].deps, 'Contention AB');
  });
  afterAll(async () => {
    for (const process of processes) await process.close();
  });

  it('thirty contacts added at once: ten registered, twenty clear refusals', async () => {
    const { deps } = processes[0];
    const organisation = await createOrganisation(deps, {
      name: 'Thirty AB',
      contractId: 'stratiteq',
      locale: 'sv',
    });
    const results = await both(processes, 30, (process, n) =>
      addContact(process.deps, organisation.id, { name: `Contact ${n}` }),
    );
    expect(results.map(codeOf).filter((code) => code === 'fulfilled')).toHaveLength(MAX_CONTACTS);
    expect(results.map(codeOf).filter((code) => code === 'tooManyContacts')).toHaveLength(30 - MAX_CONTACTS);
    const registered = (await deps.organisations.get(organisation.id))!.contactIds;
    const added = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.id] : []));
    expect([...registered].sort()).toEqual([...added].sort());
    for (const id of added) expect((await deps.people.get(id))?.organisationId).toBe(organisation.id);
  });

  it('a contact added while the escalation people are set: both stay, every time', async () => {
    const { deps } = processes[0];
    const manager = await addAgent(deps, { name: 'Manager' });
    for (let round = 0; round < 6; round++) {
      const organisation = await createOrganisation(deps, {
        name: `Both ${round} AB`,
        contractId: 'stratiteq',
        locale: 'sv',
      });
      const [contact] = await Promise.all([
        addContact(processes[0].deps, organisation.id, { name: `Contact ${round}` }),
        setEscalationPeople(processes[1].deps, organisation.id, { incidentManagerId: manager.id }),
      ]);
      const stored = (await deps.organisations.get(organisation.id))!;
      expect(stored.contactIds).toEqual([contact.id]);
      expect(stored.incidentManagerId).toBe(manager.id);
    }
  });

  it('identities linked to one person at once, from two processes: all kept', async () => {
    const { deps } = processes[0];
    const person = await addAgent(deps, { name: 'Many faces' });
    const results = await both(processes, 6, (process, n) =>
      linkIdentity(process.deps, person.id, { channel: 'slack', externalId: `U0FACE${n}` }),
    );
    expect(results.map(codeOf)).toEqual(Array(6).fill('fulfilled'));
    const stored = (await deps.people.get(person.id))!;
    expect(stored.identities.map((identity) => identity.externalId).sort()).toEqual(
      Array.from({ length: 6 }, (_, n) => `U0FACE${n}`),
    );
    for (let n = 0; n < 6; n++)
      expect((await deps.people.findByIdentity('slack', `U0FACE${n}`))?.id).toBe(person.id);
    // A save from a version someone else moved on from is refused, not applied.
    await expect(deps.people.save({ ...person, name: 'Stale' })).rejects.toBeInstanceOf(
      ConcurrentPersonChangeError,
    );
    expect((await deps.people.get(person.id))!.name).toBe('Many faces');
  });

  it('a contact taken off the list neither opens nor reads the organisation’s tickets', async () => {
    const { deps } = processes[0];
    const ticket = await openTicket(deps, acme.contact.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'user_support',
      title: 'Before',
      description: 'd',
    });
    const leaver = await addContact(deps, acme.organisation.id, { name: 'Leaver' });
    await removeContact(deps, acme.organisation.id, leaver.id);
    await expect(getTicket(deps, leaver.id, ticket.id)).rejects.toMatchObject({ code: 'notAContact' });
    await expect(
      openTicket(deps, leaver.id, {
        organisationId: acme.organisation.id,
        requesterId: leaver.id,
        source: 'api',
        category: 'user_support',
        title: 'After',
        description: 'd',
      }),
    ).rejects.toMatchObject({ code: 'notAContact' });
    expect((await getTicket(deps, acme.contact.id, ticket.id)).id).toBe(ticket.id);
  });

  it('an open whose first try died holding its key: "in progress", then taken over once surely dead', async () => {
    const { deps } = processes[0];
    const request = {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api' as const,
      category: 'incident' as const,
      title: 'First try died',
      description: 'd',
      idempotencyKey: 'died-holding',
    };
    // What a first try leaves when it dies between claiming the key and drawing a number.
    await deps.openClaims.claim(`request:${acme.contact.id}:died-holding`, 0, 'dead-token', clock.now());
    await expect(openTicket(deps, acme.contact.id, request)).rejects.toMatchObject({
      code: 'openInProgress',
    });
    clock.advance(31_000);
    const ticket = await openTicket(processes[1].deps, acme.contact.id, request);
    expect((await openTicket(deps, acme.contact.id, request)).id).toBe(ticket.id);
    expect(await database().db!.collection('tickets').countDocuments({ title: 'First try died' })).toBe(1);
  });

  it('fifty comments on one ticket at once: all stored, each once', async () => {
    const { deps } = processes[0];
    const ticket = await openTicket(deps, acme.contact.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'incident',
      title: 'Busy',
      description: 'd',
    });
    const results = await both(processes, 50, (process, n) =>
      actions.comment(process.deps, acme.agent.id, ticket.id, { body: `note ${n}`, visibility: 'internal' }),
    );
    expect(results.map(codeOf)).toEqual(Array(50).fill('fulfilled'));
    const stored = (await deps.tickets.get(ticket.id))!;
    expect(stored.comments.map((c) => c.body).sort()).toEqual(
      Array.from({ length: 50 }, (_, n) => `note ${n}`).sort(),
    );
    const events = await deps.audit.forTicket(stored);
    expect(events.filter((event) => event.type === 'commented')).toHaveLength(50);
  });

  it('thirty firings of one alert: one incident counting thirty, one ticket number', async () => {
    const { deps } = processes[0];
    const report = {
      organisationId: acme.organisation.id,
      alertKey: 'disk:/srv',
      title: 'Disk full',
      description: 'fs02',
    };
    const results = await both(processes, 30, (process) => reportAlert(process.deps, report));
    expect(results.map(codeOf)).toEqual(Array(30).fill('fulfilled'));
    const answers = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    expect(answers.filter((answer) => answer.created)).toHaveLength(1);
    const incident = answers.find((answer) => answer.created)!.ticket;
    expect(new Set(answers.map((answer) => answer.ticket.id))).toEqual(new Set([incident.id]));
    expect((await deps.tickets.get(incident.id))!.alertCount).toBe(30);
    // The next number follows the incident's: none was drawn by the firings that did not open it.
    const number = (id: string) => Number(id.split('-')[1]);
    expect(number(await deps.ids.nextTicketId())).toBe(number(incident.id) + 1);
  });

  it('thirty incidents linked to one problem at once: all answered, all listed by the problem', async () => {
    const { deps } = processes[0];
    const open = (title: string, category: 'incident' | 'problem') =>
      openTicket(deps, acme.agent.id, {
        organisationId: acme.organisation.id,
        requesterId: acme.contact.id,
        source: 'api',
        category,
        title,
        description: 'd',
      });
    const problem = await open('Root cause', 'problem');
    const incidents: { id: string }[] = [];
    for (let n = 0; n < 30; n++) incidents.push(await open(`Symptom ${n}`, 'incident'));
    const results = await both(processes, 30, (process, n) =>
      actions.linkToProblem(process.deps, acme.agent.id, incidents[n]!.id, problem.id),
    );
    expect(results.map(codeOf)).toEqual(Array(30).fill('fulfilled'));
    for (const incident of incidents)
      expect((await deps.tickets.get(incident.id))!.problemId).toBe(problem.id);
    expect([...(await deps.tickets.get(problem.id))!.incidentIds].sort()).toEqual(
      incidents.map((incident) => incident.id).sort(),
    );
  });
});
