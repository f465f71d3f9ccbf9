import type { CalendarRules } from './calendar-rules.ts';
import { BusinessCalendar } from './business-calendar.ts';
import type { HolidayLookup } from './calendar-rules.ts';

export type LocalisedText = Readonly<Record<'sv' | 'en', string>>;

export interface PriorityTarget {
  /** The contract's own name for the level: "A", "P1", … */
  key: string;
  label: LocalisedText;
  /** Business minutes from registration until work must have started. */
  responseMinutes: number;
  /** Business minutes from registration until the ticket must be resolved, where agreed. */
  resolutionMinutes?: number;
}

/** When the clock pings and escalates, as shares of the priority's response target. */
export interface EscalationPoints {
  /** The assignee (or triage) is reminded at this share, e.g. 0.75. */
  reminderAt: number;
  /** Levels 1, 2, 3 (Incident & Problem Manager, account owner, CEO), e.g. [1, 1.5, 2]. */
  levelsAt: readonly [number, number, number];
}

export interface ContractTerms {
  /** Short stable name, used on the command line and in stored tickets: "stratiteq". */
  id: string;
  name: string;
  calendar: CalendarRules;
  priorities: readonly PriorityTarget[];
  defaultPriority: string;
  /** Who sets the priority: the desk (customer may only request one) or the customer directly. */
  prioritySetBy: 'desk' | 'customer';
  /** A resolved ticket closes after this many silent business days. */
  autoCloseAfterBusinessDays: number;
  escalation: EscalationPoints;
}

export class UnknownPriorityError extends Error {
  override name = 'UnknownPriorityError';
  constructor(
    readonly priority: string,
    readonly known: readonly string[],
  ) {
    super(`unknown priority "${priority}"; this contract has ${known.join(', ')}`);
  }
}

/** A contract's terms with its running clock. */
export class Contract {
  readonly calendar: BusinessCalendar;

  constructor(
    readonly terms: ContractTerms,
    holidays: HolidayLookup,
  ) {
    this.calendar = new BusinessCalendar(terms.calendar, holidays);
  }

  priority(key: string): PriorityTarget {
    const found = this.terms.priorities.find((p) => p.key === key);
    if (!found)
      throw new UnknownPriorityError(
        key,
        this.terms.priorities.map((p) => p.key),
      );
    return found;
  }

  /** When work must have started on a ticket of this priority registered at `registeredAt`. */
  responseDue(registeredAt: Date, priority: string): Date {
    const minutes = this.priority(priority).responseMinutes;
    return this.calendar.addBusinessTime(registeredAt, minutes * 60_000);
  }
}
