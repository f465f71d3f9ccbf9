import type { Connection, Model } from 'mongoose';
import type {
  ApiKeyRepository,
  AuditLog,
  ConversationStore,
  DeliveryLog,
  DeskSettingsRepository,
  IdGenerator,
  CustomerPlaces,
  InboundLog,
  ReceivedRequests,
  OpenClaims,
  OrganisationRepository,
  Outbox,
  PendingChanges,
  PersonRepository,
  SignInAttempts,
  SignInLinks,
  TicketRepository,
  WebSessions,
} from '../../app/ports.ts';
import { apiKeyModel, MongoApiKeyRepository } from './api-key-repository.ts';
import { MongoAuditLog } from './audit-log.ts';
import { conversationModel, conversationThreadModel, MongoConversationStore } from './conversations.ts';
import { deliveryModel, MongoDeliveryLog } from './delivery-log.ts';
import { deskSettingsModel, MongoDeskSettingsRepository } from './desk-settings.ts';
import { MongoOrganisationRepository, organisationModel } from './organisation-repository.ts';
import { inboundEventModel, MongoInboundLog } from './inbound-log.ts';
import { MongoReceivedRequests, receivedRequestModel } from './received-requests.ts';
import { customerPlaceModel, MongoCustomerPlaces } from './customer-places.ts';
import { identityModel, MongoPersonRepository, personModel } from './person-repository.ts';
import { counterModel, DEFAULT_TICKET_PREFIX, MongoTicketIds, ticketIdModel } from './ticket-ids.ts';
import { MongoOpenClaims, openClaimModel, openResultModel } from './open-claims.ts';
import { failedDeliveryModel, MongoOutbox, outboxModel } from './outbox.ts';
import { MongoPendingChanges, pendingChangeModel } from './pending-changes.ts';
import { ticketModel } from './ticket-model.ts';
import { MongoTicketRepository } from './ticket-repository.ts';
import { openTicketModel, shelfEntryModel } from './ticket-shelves.ts';
import { revisionModel } from './versioned-documents.ts';
import {
  MongoSignInAttempts,
  MongoSignInLinks,
  signInAttemptModel,
  signInLinkModel,
  signInLinkUseModel,
} from './sign-in-links.ts';
import { MongoWebSessions, webSessionModel } from './web-sessions.ts';
import { MongoWebInbox, webMessageModel } from './web-inbox.ts';
import type { WebInbox } from '../../channels/web/web-inbox.ts';

export { AlreadyExistsError, IdentityTakenError, OrganisationNameTakenError } from './errors.ts';
export { DEFAULT_TICKET_PREFIX } from './ticket-ids.ts';

export interface MongoStoreOptions {
  /** Ticket ids are `<prefix>-<number>`; default "SD". */
  ticketPrefix?: string;
}

export interface MongoStore {
  tickets: TicketRepository;
  organisations: OrganisationRepository;
  people: PersonRepository;
  audit: AuditLog;
  ids: IdGenerator;
  deskSettings: DeskSettingsRepository;
  apiKeys: ApiKeyRepository;
  deliveries: DeliveryLog;
  openClaims: OpenClaims;
  pendingChanges: PendingChanges;
  outbox: Outbox;
  conversations: ConversationStore;
  inbound: InboundLog;
  received: ReceivedRequests;
  customerPlaces: CustomerPlaces;
  signInLinks: SignInLinks;
  signInAttempts: SignInAttempts;
  webSessions: WebSessions;
  /** What the web channel was sent, for the browsers to read. */
  webInbox: WebInbox;
  /** Open tickets per status and priority, keyed "<status>\0<priority>": one read of the open queue. */
  openTicketCounts(): Promise<Map<string, number>>;
  /**
   * Creates the collections and builds (or brings up to date) every index the queries rely on.
   * Models never build indexes by themselves (autoIndex is off): call this once at start-up, or
   * from a deploy step, before serving.
   */
  ensureIndexes(): Promise<void>;
}

/** The mongoose store on `connection`; its models are registered on that connection only. */
export function createMongoStore(connection: Connection, options: MongoStoreOptions = {}): MongoStore {
  const models: Model<never>[] = [
    ticketModel(connection),
    revisionModel(connection, 'ticket'),
    revisionModel(connection, 'organisation'),
    revisionModel(connection, 'person'),
    pendingChangeModel(connection),
    outboxModel(connection),
    failedDeliveryModel(connection),
    openClaimModel(connection),
    openResultModel(connection),
    counterModel(connection),
    ticketIdModel(connection),
    organisationModel(connection),
    personModel(connection),
    identityModel(connection),
    deskSettingsModel(connection),
    apiKeyModel(connection),
    deliveryModel(connection),
    shelfEntryModel(connection),
    openTicketModel(connection),
    conversationModel(connection),
    conversationThreadModel(connection),
    inboundEventModel(connection),
    receivedRequestModel(connection),
    customerPlaceModel(connection),
    signInLinkModel(connection),
    signInLinkUseModel(connection),
    signInAttemptModel(connection),
    webSessionModel(connection),
    webMessageModel(connection),
  ] as unknown as Model<never>[];

  return {
    tickets: new MongoTicketRepository(connection, options.ticketPrefix ?? DEFAULT_TICKET_PREFIX),
    organisations: new MongoOrganisationRepository(connection),
    people: new MongoPersonRepository(connection),
    audit: new MongoAuditLog(connection),
    ids: new MongoTicketIds(connection, options.ticketPrefix ?? DEFAULT_TICKET_PREFIX),
    deskSettings: new MongoDeskSettingsRepository(connection),
    apiKeys: new MongoApiKeyRepository(connection),
    deliveries: new MongoDeliveryLog(connection),
    openClaims: new MongoOpenClaims(connection),
    pendingChanges: new MongoPendingChanges(connection),
    outbox: new MongoOutbox(connection),
    conversations: new MongoConversationStore(connection),
    inbound: new MongoInboundLog(connection),
    received: new MongoReceivedRequests(connection),
    customerPlaces: new MongoCustomerPlaces(connection),
    signInLinks: new MongoSignInLinks(connection),
    signInAttempts: new MongoSignInAttempts(connection),
    webSessions: new MongoWebSessions(connection),
    webInbox: new MongoWebInbox(connection),
    async openTicketCounts() {
      const summaries = await openTicketModel(connection)
        .find({}, { status: 1, priority: 1 })
        .lean<{ status: string; priority: string }[]>();
      const counts = new Map<string, number>();
      for (const { status, priority } of summaries) {
        const key = `${status}\u0000${priority}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    },
    async ensureIndexes() {
      for (const model of models) {
        await model.createCollection().catch((error: unknown) => {
          // Already there (NamespaceExists, code 48): fine.
          if ((error as { code?: unknown }).code !== 48) throw error;
        });
        await syncIndexes(model);
      }
    },
  };
}

/**
 * The model's indexes as its schema declares them. FerretDB v1 refuses TTL indexes
 * (`expireAfterSeconds`: "not implemented"); there the same keys get a plain index, and the
 * repositories prune expired documents themselves, as they do on MongoDB too.
 */
async function syncIndexes(model: Model<never>): Promise<void> {
  try {
    await model.syncIndexes();
  } catch (error) {
    const expiring = model.schema.indexes().filter(([, options]) => options.expireAfterSeconds !== undefined);
    if (expiring.length === 0 || !/expireAfterSeconds|not implemented/i.test(String(error))) throw error;
    for (const [fields] of model.schema.indexes()) {
      await model.collection.createIndex(fields as Record<string, 1 | -1>);
    }
  }
}
