import type { Contract } from '../../domain/sla/contract.ts';
import type { Locale } from '../../i18n/translate.ts';

/** A priority as the contract names it ("P1 Business-critical"); the bare key if the contract lost it. */
export function priorityLabel(contract: Contract | undefined, key: string, locale: Locale): string {
  const found = contract?.terms.priorities.find((p) => p.key === key);
  return found ? `${found.key} ${found.label[locale]}` : key;
}
