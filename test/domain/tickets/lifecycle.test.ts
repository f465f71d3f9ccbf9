import { describe, expect, it } from 'vitest';
import { contractFromTerms } from '../../../src/contracts/load-contract.ts';
import { PRESETS } from '../../../src/contracts/presets.ts';
import { DomainError } from '../../../src/domain/domain-error.ts';
import { approveBillable, flagBillable, logEffort } from '../../../src/domain/tickets/effort.ts';
import { acknowledgeEscalation, recordStep } from '../../../src/domain/tickets/escalation.ts';
import * as lifecycle from '../../../src/domain/tickets/lifecycle.ts';
import { plannedTimers } from '../../../src/domain/tickets/sla-clock.ts';
import type { Ticket } from '../../../src/domain/tickets/ticket.ts';

const stratiteq = contractFromTerms(PRESETS.stratiteq);
/** A contract with a resolution target, to see the pause rules: P1 respond 2 h, resolve 8 h. */
const withResolution = contractFromTerms({
  ...PRESETS.stratiteq,
  priorities: [{ key: 'P1', label: { sv: 'P1', en: 'P1' }, responseMinutes: 120, resolutionMinutes: 480 }],
  defaultPriority: 'P1',
});

const at = (iso: string) => new Date(iso);
const MONDAY_0900 = '2026-11-16T09:00:00+01:00';
const agent = (iso: string) => ({ actorId: 'agent-1', at: at(iso) });
const contact = (iso: string) => ({ actorId: 'contact-1', at: at(iso) });

function opened(contract = stratiteq, priority = 'P3'): Ticket {
  return lifecycle.openTicket(
    {
      id: 'SD-1',
      organisationId: 'org-1',
      requesterId: 'contact-1',
      category: 'incident',
      title: 'Printer on fire',
      description: 'Smoke',
      priority,
    },
    contract,
    contact(MONDAY_0900),
  ).ticket;
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('opening', () => {
  it('starts new, with the response deadline from the contract and one "opened" event', () => {
    const change = lifecycle.openTicket(
      {
        id: 'SD-7',
        organisationId: 'org-1',
        requesterId: 'contact-1',
        category: 'incident',
        title: 't',
        description: 'd',
        priority: 'P3',
      },
      stratiteq,
      contact('2026-11-16T15:00:00+01:00'),
    );
    expect(change.ticket.status).toBe('new');
    expect(change.ticket.sla.responseDue.toISOString()).toBe(at('2026-11-17T14:00:00+01:00').toISOString());
    expect(change.events.map((e) => e.type)).toEqual(['opened']);
    expect(change.ticket.version).toBe(0);
  });

  it('keeps texts within the limits every edge shares: trimmed, a title not empty, none too long', () => {
    const open = (title: string, description: string) =>
      lifecycle.openTicket(
        { id: 'SD-8', organisationId: 'org-1', category: 'incident', title, description, priority: 'P3' },
        stratiteq,
        contact(MONDAY_0900),
      ).ticket;
    expect(open('  Printer  ', ' ')).toMatchObject({ title: 'Printer', description: '' });
    expect(code(() => open(' ', 'd'))).toBe('textEmpty');
    expect(code(() => open('t'.repeat(201), 'd'))).toBe('textTooLong');
    expect(code(() => open('t', 'd'.repeat(10_001)))).toBe('textTooLong');
    const note = (body: string) =>
      lifecycle.comment(opened(), { id: 'c-1', body, visibility: 'public' }, agent(MONDAY_0900));
    expect(note(' Done ').ticket.comments[0]!.body).toBe('Done');
    expect(code(() => note('\n'))).toBe('textEmpty');
    expect(code(() => note('x'.repeat(10_001)))).toBe('textTooLong');
  });
});

describe('the state machine', () => {
  it('walks new → claimed → in progress ⇄ waiting → resolved → closed', () => {
    let t = opened();
    t = lifecycle.claim(t, agent('2026-11-16T09:10:00+01:00')).ticket;
    expect([t.status, t.assigneeId]).toEqual(['claimed', 'agent-1']);
    t = lifecycle.startWork(t, agent('2026-11-16T09:20:00+01:00')).ticket;
    expect(t.status).toBe('in_progress');
    expect(t.sla.firstResponseAt?.toISOString()).toBe(at('2026-11-16T09:20:00+01:00').toISOString());
    t = lifecycle.waitOnCustomer(t, agent('2026-11-16T10:00:00+01:00')).ticket;
    expect(t.status).toBe('waiting_on_customer');
    t = lifecycle.resume(t, stratiteq, contact('2026-11-16T11:00:00+01:00')).ticket;
    expect(t.status).toBe('in_progress');
    t = lifecycle.resolve(t, stratiteq, agent('2026-11-16T12:00:00+01:00')).ticket;
    expect(t.status).toBe('resolved');
    t = lifecycle.accept(t, contact('2026-11-16T13:00:00+01:00')).ticket;
    expect(t.status).toBe('closed');
  });

  it('rejects illegal moves with a typed error', () => {
    const fresh = opened();
    expect(code(() => lifecycle.resume(fresh, stratiteq, agent(MONDAY_0900)))).toBe('illegalTransition');
    expect(code(() => lifecycle.accept(fresh, contact(MONDAY_0900)))).toBe('illegalTransition');
    expect(code(() => lifecycle.reopen(fresh, contact(MONDAY_0900)))).toBe('illegalTransition');
    const closed = lifecycle.accept(
      lifecycle.resolve(fresh, stratiteq, agent(MONDAY_0900)).ticket,
      contact(MONDAY_0900),
    ).ticket;
    expect(code(() => lifecycle.claim(closed, agent(MONDAY_0900)))).toBe('illegalTransition');
    expect(
      code(() => lifecycle.comment(closed, { id: 'c', body: 'x', visibility: 'public' }, agent(MONDAY_0900))),
    ).toBe('illegalTransition');
  });

  it('tells a second claimer who was first', () => {
    const claimed = lifecycle.claim(opened(), agent(MONDAY_0900)).ticket;
    expect(code(() => lifecycle.claim(claimed, { actorId: 'agent-2', at: at(MONDAY_0900) }))).toBe(
      'alreadyClaimed',
    );
    expect(lifecycle.claim(claimed, agent(MONDAY_0900)).events).toEqual([]);
  });

  it('reopens a resolved ticket and forgets its auto-close', () => {
    const resolved = lifecycle.resolve(opened(), stratiteq, agent(MONDAY_0900)).ticket;
    expect(resolved.autoCloseAt).toBeDefined();
    const reopened = lifecycle.reopen(resolved, contact('2026-11-17T09:00:00+01:00'), 'still broken').ticket;
    expect([reopened.status, reopened.autoCloseAt, reopened.resolvedAt]).toEqual([
      'in_progress',
      undefined,
      undefined,
    ]);
  });
});

describe('SLA rules', () => {
  it('stops the response clock when work starts, and marks it breached when late', () => {
    const onTime = lifecycle.startWork(opened(), agent('2026-11-16T10:00:00+01:00')).ticket;
    expect(onTime.sla.responseBreached).toBe(false);
    // P3: 8 business hours from Monday 09:00 → Tuesday 09:00.
    const late = lifecycle.startWork(opened(), agent('2026-11-17T09:30:00+01:00')).ticket;
    expect(late.sla.responseBreached).toBe(true);
    expect(plannedTimers(late, stratiteq)).toEqual([]);
  });

  it('moves the response deadline when the priority changes', () => {
    const changed = lifecycle.setPriority(opened(), 'P1', stratiteq, agent(MONDAY_0900));
    expect(changed.ticket.sla.responseDue.toISOString()).toBe(at('2026-11-16T11:00:00+01:00').toISOString());
    expect(changed.events[0]).toMatchObject({ type: 'priority_changed', from: 'P3', to: 'P1' });
    expect(code(() => lifecycle.setPriority(opened(), 'P7', stratiteq, agent(MONDAY_0900)))).toBe(
      'unknownPriority',
    );
  });

  it('pauses the resolution clock while waiting on the customer, in business time', () => {
    let t = opened(withResolution, 'P1');
    expect(t.sla.resolutionDue?.toISOString()).toBe(at('2026-11-16T17:00:00+01:00').toISOString());
    t = lifecycle.startWork(t, agent('2026-11-16T09:30:00+01:00')).ticket;
    t = lifecycle.waitOnCustomer(t, agent('2026-11-16T10:00:00+01:00')).ticket;
    expect(plannedTimers(t, withResolution).filter((timer) => timer.clock === 'resolution')).toEqual([]);
    // Waiting Monday 10:00 → Tuesday 10:00 is 9 business hours (10–17, 08–10): 8 h + 9 h from Monday 09:00.
    t = lifecycle.resume(t, withResolution, contact('2026-11-17T10:00:00+01:00')).ticket;
    expect(t.sla.resolutionDue?.toISOString()).toBe(at('2026-11-17T17:00:00+01:00').toISOString());
  });

  it('plans the reminder at 75 % and levels at 100/150/200 % of the target, minus steps already told', () => {
    const t = opened(stratiteq, 'P1');
    const plan = plannedTimers(t, stratiteq).map((timer) => [timer.step, timer.at.toISOString()]);
    // P1 = 2 h from Monday 09:00: 90 min → 10:30, 2 h → 11:00, 3 h → 12:00, 4 h → 13:00.
    expect(plan).toEqual([
      ['response:reminder', at('2026-11-16T10:30:00+01:00').toISOString()],
      ['response:level1', at('2026-11-16T11:00:00+01:00').toISOString()],
      ['response:level2', at('2026-11-16T12:00:00+01:00').toISOString()],
      ['response:level3', at('2026-11-16T13:00:00+01:00').toISOString()],
    ]);
    const level1 = plannedTimers(t, stratiteq)[1]!;
    const told = recordStep(t, level1, stratiteq, { at: at('2026-11-16T11:15:00+01:00') });
    expect(told.events[0]).toMatchObject({ type: 'escalated', level: 1, lateByMs: 15 * 60_000 });
    expect(told.ticket.sla).toMatchObject({ escalationLevel: 1, responseBreached: true });
    expect(plannedTimers(told.ticket, stratiteq).map((timer) => timer.step)).toEqual([
      'response:reminder',
      'response:level2',
      'response:level3',
    ]);
  });

  it('lets the ladder acknowledge the current level once', () => {
    const t = opened(stratiteq, 'P1');
    expect(code(() => acknowledgeEscalation(t, agent(MONDAY_0900)))).toBe('nothingToAcknowledge');
    const escalated = recordStep(t, plannedTimers(t, stratiteq)[1]!, stratiteq, {
      at: at('2026-11-16T11:00:00+01:00'),
    }).ticket;
    const acknowledged = acknowledgeEscalation(escalated, agent('2026-11-16T11:05:00+01:00')).ticket;
    expect(acknowledged.sla.acknowledgedLevel).toBe(1);
    expect(code(() => acknowledgeEscalation(acknowledged, agent(MONDAY_0900)))).toBe('alreadyAcknowledged');
  });

  it('closes a resolved ticket after 5 silent business days: resolved Monday → closes after next Monday', () => {
    const resolved = lifecycle.resolve(opened(), stratiteq, agent('2026-11-16T12:00:00+01:00')).ticket;
    // Open days after Monday 16 Nov: Tue 17, Wed 18, Thu 19, Fri 20, Mon 23 → end of Monday 23.
    expect(resolved.autoCloseAt?.toISOString()).toBe(at('2026-11-24T00:00:00+01:00').toISOString());
    expect(code(() => lifecycle.autoClose(resolved, { at: at('2026-11-23T23:59:00+01:00') }))).toBe(
      'illegalTransition',
    );
    const closed = lifecycle.autoClose(resolved, { at: at('2026-11-24T00:30:00+01:00') });
    expect(closed.ticket.status).toBe('closed');
    expect(closed.events[0]).toMatchObject({ type: 'closed', automatically: true });
  });
});

describe('effort and billable work', () => {
  it('tells once when effort passes four working hours', () => {
    let t = opened();
    const log = (minutes: number) =>
      logEffort(t, { id: `e${minutes}`, minutes, billable: false }, agent(MONDAY_0900));
    let change = log(200);
    expect(change.events.map((e) => e.type)).toEqual(['effort_logged']);
    t = change.ticket;
    change = log(41);
    expect(change.events.map((e) => e.type)).toEqual(['effort_logged', 'effort_threshold_passed']);
    t = change.ticket;
    expect(log(30).events.map((e) => e.type)).toEqual(['effort_logged']);
  });

  it('refuses billable effort until the customer approves the estimate', () => {
    const t = opened();
    const billableEntry = { id: 'e', minutes: 60, billable: true };
    expect(code(() => logEffort(t, billableEntry, agent(MONDAY_0900)))).toBe('billableNeedsApproval');
    const flagged = flagBillable(
      t,
      { estimateMinutes: 600, reason: 'new report' },
      agent(MONDAY_0900),
    ).ticket;
    expect(code(() => logEffort(flagged, billableEntry, agent(MONDAY_0900)))).toBe('billableNeedsApproval');
    const approved = approveBillable(flagged, contact(MONDAY_0900)).ticket;
    expect(logEffort(approved, billableEntry, agent(MONDAY_0900)).ticket.effort).toHaveLength(1);
  });

  it('refuses nonsense effort', () => {
    for (const minutes of [0, -5, 1.5, 2000]) {
      expect(code(() => logEffort(opened(), { id: 'e', minutes, billable: false }, agent(MONDAY_0900)))).toBe(
        'badEffort',
      );
    }
  });
});

describe('problems', () => {
  it('links an incident to the problem that explains it; the problem lists it once', () => {
    const incident = opened();
    const problem = { ...opened(), id: 'SD-2', category: 'problem' as const };
    const linked = lifecycle.linkToProblem(incident, problem, agent(MONDAY_0900));
    expect(linked.ticket.problemId).toBe('SD-2');
    expect(lifecycle.linkToProblem(linked.ticket, problem, agent(MONDAY_0900)).events).toEqual([]);
    expect(
      code(() => lifecycle.linkToProblem(linked.ticket, { ...problem, id: 'SD-3' }, agent(MONDAY_0900))),
    ).toBe('alreadyLinked');
    const listed = lifecycle.recordIncidentLink(problem, 'SD-1', agent(MONDAY_0900));
    expect(listed.ticket.incidentIds).toEqual(['SD-1']);
    expect(lifecycle.recordIncidentLink(listed.ticket, 'SD-1', agent(MONDAY_0900)).events).toEqual([]);
    expect(code(() => lifecycle.linkToProblem(incident, opened(), agent(MONDAY_0900)))).toBe('notAProblem');
    expect(
      code(() =>
        lifecycle.linkToProblem(incident, { ...problem, organisationId: 'org-2' }, agent(MONDAY_0900)),
      ),
    ).toBe('notYourOrganisation');
  });
});
