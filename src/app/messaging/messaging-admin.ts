import type { DeskDeps } from '../desk-deps.ts';
import type { FailedDelivery } from '../ports.ts';

/** The deliveries given up on, most recent first: what an operator looks at after an outage. */
export function failedDeliveries(deps: DeskDeps, limit: number): Promise<FailedDelivery[]> {
  return deps.outbox.failures(limit);
}

/** Where each channel posts its triage cards. */
export async function triagePlaces(deps: DeskDeps): Promise<Record<string, string>> {
  return (await deps.settings.get()).triage ?? {};
}

/** Names the place a channel posts its triage cards to (a Slack channel id, a Teams channel). */
export async function setTriagePlace(
  deps: DeskDeps,
  channel: string,
  target: string,
): Promise<Record<string, string>> {
  await deps.settings.setTriagePlace(channel, target);
  return triagePlaces(deps);
}
