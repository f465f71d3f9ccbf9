import { Counter, Gauge, Registry } from 'prom-client';
import type { ChangeSignals } from '../app/desk-deps.ts';
import type { DeliverySignals } from '../app/messaging/delivery.ts';
import type { TicketEvent } from '../domain/tickets/events.ts';
import type { MongoStore } from '../store/mongo/index.ts';

/** How long one read of the open queue answers the gauges: scrapes come often, the queue can be long. */
const OPEN_COUNTS_FOR_MS = 15_000;

/**
 * What an on-call engineer watches beside the HTTP figures: the tickets this process opened (from
 * the API, chat or alerts), the SLA steps it announced (reminders, escalations per level,
 * breaches, acknowledgements), and, read from the database at
 * each scrape, the open tickets by status and priority, the outbox (pending, failed) and the
 * relay's backlog and lag. The step counters count what this process carried out (`npm start`
 * runs everything in one process; with split roles, each process counts its own).
 */
export function createDeskMetrics(store: MongoStore, now: () => Date = () => new Date()) {
  const registry = new Registry();
  const steps = new Counter({
    name: 'sladesk_sla_steps_total',
    help: 'SLA steps announced: reminders (level 0) and escalations (levels 1-3), by clock',
    labelNames: ['clock', 'level'] as const,
    registers: [registry],
  });
  const breaches = new Counter({
    name: 'sladesk_sla_breaches_total',
    help: 'SLA deadlines passed (the first escalation level of a clock), by clock',
    labelNames: ['clock'] as const,
    registers: [registry],
  });
  const opened = new Counter({
    name: 'sladesk_tickets_opened_total',
    help: 'Tickets opened, by where from (api, slack, teams, web, or a monitoring alert)',
    labelNames: ['via'] as const,
    registers: [registry],
  });
  const acknowledged = new Counter({
    name: 'sladesk_escalations_acknowledged_total',
    help: 'Escalations acknowledged by someone on the ladder, by level',
    labelNames: ['level'] as const,
    registers: [registry],
  });
  let counts: { at: number; by: Map<string, number> } | undefined;
  new Gauge({
    name: 'sladesk_open_tickets',
    help: 'Tickets not closed, by status and priority',
    labelNames: ['status', 'priority'] as const,
    registers: [registry],
    async collect() {
      if (!counts || now().getTime() - counts.at > OPEN_COUNTS_FOR_MS) {
        counts = { at: now().getTime(), by: await store.openTicketCounts() };
      }
      this.reset();
      for (const [key, count] of counts.by) {
        const [status = '', priority = ''] = key.split('\u0000');
        this.set({ status, priority }, count);
      }
    },
  });
  const outbox = () => store.outbox.backlog();
  new Gauge({
    name: 'sladesk_outbox_pending',
    help: 'Deliveries (message and channel) waiting for a first try or a retry',
    registers: [registry],
    async collect() {
      this.set((await outbox()).pending);
    },
  });
  new Gauge({
    name: 'sladesk_outbox_failed',
    help: 'Deliveries (message and channel) given up on after every try; listed at GET /api/notifications/failed',
    registers: [registry],
    async collect() {
      this.set((await outbox()).failed);
    },
  });
  new Gauge({
    name: 'sladesk_relay_backlog',
    help: 'Committed changes not yet carried out',
    registers: [registry],
    async collect() {
      this.set((await store.pendingChanges.backlog()).count);
    },
  });
  new Gauge({
    name: 'sladesk_relay_lag_seconds',
    help: 'Age of the oldest change not yet carried out (0 when none)',
    registers: [registry],
    async collect() {
      const { oldest } = await store.pendingChanges.backlog();
      this.set(oldest ? Math.max(0, (now().getTime() - oldest.getTime()) / 1000) : 0);
    },
  });

  const delivered = new Counter({
    name: 'sladesk_notifications_delivered_total',
    help: 'Messages delivered, by channel',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  const gaveUp = new Counter({
    name: 'sladesk_notifications_failed_total',
    help: 'Deliveries given up on after their last try, by channel',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  const unreachable = new Counter({
    name: 'sladesk_notifications_unreachable_total',
    help: 'Messages whose recipient no chat channel reaches (no identity there, no triage place), by audience',
    labelNames: ['audience'] as const,
    registers: [registry],
  });
  const deliverySignals: DeliverySignals = {
    delivered: (channel) => delivered.inc({ channel }),
    gaveUp: (channel) => gaveUp.inc({ channel }),
    // One person's own thread is "person", not their id: labels stay few.
    unreachable: (audience) =>
      unreachable.inc({ audience: audience.startsWith('person:') ? 'person' : audience }),
  };

  const signals: ChangeSignals = {
    carriedOut(events: readonly TicketEvent[]) {
      for (const event of events) {
        if (event.type === 'reminder') steps.inc({ clock: event.clock, level: '0' });
        if (event.type === 'escalated') {
          steps.inc({ clock: event.clock, level: String(event.level) });
          if (event.level === 1) breaches.inc({ clock: event.clock });
        }
        if (event.type === 'escalation_acknowledged') acknowledged.inc({ level: String(event.level) });
      }
    },
    ticketOpened(source) {
      opened.inc({ via: source });
    },
  };
  return { registry, signals, deliverySignals };
}
