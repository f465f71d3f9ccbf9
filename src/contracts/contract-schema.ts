import { z } from 'zod';
import { WEEKDAYS } from '../domain/sla/calendar-rules.ts';
import type { ContractTerms } from '../domain/sla/contract.ts';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'contract.errors.clockTime');
const localDate = z.iso.date();
const hours = z.array(z.object({ from: clockTime, to: clockTime }).strict());

const calendar = z
  .object({
    timeZone: z.string().min(1),
    week: z.partialRecord(z.enum(WEEKDAYS), hours),
    holidays: z
      .object({
        country: z.string().length(2),
        region: z.string().min(1).optional(),
        closedTypes: z.array(z.enum(['public', 'bank', 'school', 'optional', 'observance'])).min(1),
      })
      .strict()
      .optional(),
    closedDates: z.array(localDate).optional(),
    shortDays: z
      .array(
        z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('dayBeforeHoliday'), hours }).strict(),
          z.object({ kind: z.literal('dates'), dates: z.array(localDate).min(1), hours }).strict(),
        ]),
      )
      .optional(),
  })
  .strict();

const minutes = z.number().int().positive();
const share = z.number().positive().max(100);

/** A contract file (JSON or YAML), as an operator writes it. */
export const contractFileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'contract.errors.id'),
    name: z.string().min(1),
    calendar,
    priorities: z
      .array(
        z
          .object({
            key: z.string().min(1).max(20),
            label: z.object({ sv: z.string().min(1), en: z.string().min(1) }).strict(),
            responseMinutes: minutes,
            resolutionMinutes: minutes.optional(),
          })
          .strict(),
      )
      .min(1),
    defaultPriority: z.string().optional(),
    prioritySetBy: z.enum(['desk', 'customer']).default('desk'),
    autoCloseAfterBusinessDays: z.number().int().min(1).max(60).default(5),
    escalation: z
      .object({
        reminderAt: share.default(0.75),
        levelsAt: z.tuple([share, share, share]).default([1, 1.5, 2]),
      })
      .strict()
      .default({ reminderAt: 0.75, levelsAt: [1, 1.5, 2] }),
  })
  .strict()
  .superRefine((contract, ctx) => {
    const keys = contract.priorities.map((p) => p.key);
    if (new Set(keys).size !== keys.length) {
      ctx.addIssue({ code: 'custom', path: ['priorities'], message: 'contract.errors.duplicatePriority' });
    }
    if (contract.defaultPriority !== undefined && !keys.includes(contract.defaultPriority)) {
      ctx.addIssue({ code: 'custom', path: ['defaultPriority'], message: 'contract.errors.defaultPriority' });
    }
    const [l1, l2, l3] = contract.escalation.levelsAt;
    if (!(contract.escalation.reminderAt < l1 && l1 < l2 && l2 < l3)) {
      ctx.addIssue({
        code: 'custom',
        path: ['escalation'],
        message: 'contract.errors.escalationOrder',
      });
    }
  })
  .transform((contract): ContractTerms => ({
    ...contract,
    defaultPriority: contract.defaultPriority ?? contract.priorities[contract.priorities.length - 1]!.key,
  }));
