import type { CalendarRules } from '../domain/sla/calendar-rules.ts';
import type { ContractTerms, EscalationPoints } from '../domain/sla/contract.ts';

/**
 * The seed contracts (../shared/seeds) as built-in presets. Hours are Swedish local time and the
 * desk is closed on Swedish public holidays ("allmänna helgdagar", date-holidays type `public`).
 */
const STOCKHOLM = 'Europe/Stockholm';
const SWEDISH_PUBLIC_HOLIDAYS = { country: 'SE', closedTypes: ['public'] };
const OFFICE_DAY = [{ from: '08:00', to: '17:00' }];
const MON_FRI_08_17: CalendarRules['week'] = {
  mon: OFFICE_DAY,
  tue: OFFICE_DAY,
  wed: OFFICE_DAY,
  thu: OFFICE_DAY,
  fri: OFFICE_DAY,
};
const DEFAULT_ESCALATION: EscalationPoints = { reminderAt: 0.75, levelsAt: [1, 1.5, 2] };
const HOUR = 60;

/** Kamstrup READy (seed 000): "måndag-torsdag 8-16, fredag 8-14.30"; levels A–D. */
const kamstrup: ContractTerms = {
  id: 'kamstrup',
  name: 'Kamstrup READy',
  calendar: {
    timeZone: STOCKHOLM,
    week: {
      mon: [{ from: '08:00', to: '16:00' }],
      tue: [{ from: '08:00', to: '16:00' }],
      wed: [{ from: '08:00', to: '16:00' }],
      thu: [{ from: '08:00', to: '16:00' }],
      fri: [{ from: '08:00', to: '14:30' }],
    },
    holidays: SWEDISH_PUBLIC_HOLIDAYS,
  },
  priorities: [
    { key: 'A', label: { sv: 'Kritiskt fel', en: 'Critical fault' }, responseMinutes: 4 * HOUR },
    { key: 'B', label: { sv: 'Allvarligt fel', en: 'Serious fault' }, responseMinutes: 8 * HOUR },
    { key: 'C', label: { sv: 'Icke-allvarligt fel', en: 'Non-serious fault' }, responseMinutes: 16 * HOUR },
    { key: 'D', label: { sv: 'Begär assistans', en: 'Assistance request' }, responseMinutes: 16 * HOUR },
  ],
  defaultPriority: 'C',
  prioritySetBy: 'desk',
  autoCloseAfterBusinessDays: 5,
  escalation: DEFAULT_ESCALATION,
};

/** Stratiteq SOS (seed 001): Mon–Fri 08–17, "Dag före helgdag gäller 08:30-14:00"; P1–P3. */
const stratiteq: ContractTerms = {
  id: 'stratiteq',
  name: 'Stratiteq Ongoing Services',
  calendar: {
    timeZone: STOCKHOLM,
    week: MON_FRI_08_17,
    holidays: SWEDISH_PUBLIC_HOLIDAYS,
    shortDays: [{ kind: 'dayBeforeHoliday', hours: [{ from: '08:30', to: '14:00' }] }],
  },
  priorities: [
    { key: 'P1', label: { sv: 'Affärskritiskt', en: 'Business-critical' }, responseMinutes: 2 * HOUR },
    { key: 'P2', label: { sv: 'Kritiskt', en: 'Critical' }, responseMinutes: 4 * HOUR },
    { key: 'P3', label: { sv: 'Standard', en: 'Standard' }, responseMinutes: 8 * HOUR },
  ],
  defaultPriority: 'P3',
  prioritySetBy: 'desk',
  autoCloseAfterBusinessDays: 5,
  escalation: DEFAULT_ESCALATION,
};

/**
 * Hypergene Servicecenter (seed 004): Mon–Fri 08–17, closed on the supplier's (SE) holidays. Its
 * priorities come from each customer's own SLA; these are the defaults a contract file overrides.
 */
const hypergene: ContractTerms = {
  id: 'hypergene',
  name: 'Hypergene Servicecenter',
  calendar: { timeZone: STOCKHOLM, week: MON_FRI_08_17, holidays: SWEDISH_PUBLIC_HOLIDAYS },
  priorities: [
    { key: 'high', label: { sv: 'Hög', en: 'High' }, responseMinutes: 4 * HOUR },
    { key: 'medium', label: { sv: 'Normal', en: 'Medium' }, responseMinutes: 8 * HOUR },
    { key: 'low', label: { sv: 'Låg', en: 'Low' }, responseMinutes: 16 * HOUR },
  ],
  defaultPriority: 'medium',
  prioritySetBy: 'desk',
  autoCloseAfterBusinessDays: 5,
  escalation: DEFAULT_ESCALATION,
};

export const PRESETS = { kamstrup, stratiteq, hypergene } as const satisfies Record<string, ContractTerms>;
export type PresetName = keyof typeof PRESETS;
