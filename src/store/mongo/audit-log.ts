import type { Connection } from 'mongoose';
import type { AuditLog, ChangeEffects } from '../../app/ports.ts';
import type { TicketEvent } from '../../domain/tickets/events.ts';
import type { TicketDocument } from './ticket-model.ts';
import { readable, ticketRevisions } from './ticket-repository.ts';
import type { VersionedDocuments } from './versioned-documents.ts';

/**
 * The audit log is the tickets' revisions: each holds the events of the change it committed
 * (`ticket_revisions`, "<ticket>@<version>"), written in the same insert as the change and kept
 * when the revision's copy of the ticket is dropped. A ticket's history is read by `_id` alone.
 */
export class MongoAuditLog implements AuditLog {
  private readonly revisions: VersionedDocuments<TicketDocument, ChangeEffects>;

  constructor(connection: Connection) {
    this.revisions = ticketRevisions(connection);
  }

  async forTicket(ticket: { id: string; version: number }): Promise<TicketEvent[]> {
    const revisions = await this.revisions.revisionsUpTo(ticket.id, ticket.version);
    // Change by change, then in time order (a stable sort keeps the order within a change).
    return revisions
      .flatMap((revision) => readable(revision.effects).events)
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}
