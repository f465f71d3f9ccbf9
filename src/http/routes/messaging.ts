import { failedDeliveries, setTriagePlace, triagePlaces } from '../../app/messaging/messaging-admin.ts';
import * as schemas from '../request-schemas.ts';
import * as responses from '../response-schemas.ts';
import { route } from '../router.ts';

const TAG = 'Messaging (admin)';
const FAILED = { name: 'FailedDeliveries', zod: responses.failedDeliveriesResponse };
const TRIAGE = { name: 'TriagePlaces', zod: responses.triagePlacesResponse };

export const messagingRoutes = [
  route({
    name: 'listFailedDeliveries',
    method: 'GET',
    path: '/api/notifications/failed',
    summary: 'Messages given up on after every try, per channel, most recent first',
    tag: TAG,
    access: 'admin',
    query: schemas.failedDeliveriesQuery,
    responses: { 200: { description: 'The failed deliveries', schema: FAILED } },
    async handle(context) {
      const failed = await failedDeliveries(context.services.deps, context.query.limit ?? 100);
      return {
        status: 200,
        body: {
          failed: failed.map((entry) => ({
            id: entry.id,
            channel: entry.channel,
            ticketId: entry.message.ticketId,
            key: entry.message.key,
            recipient: entry.message.recipient,
            attempts: entry.attempts,
            addedAt: entry.addedAt.toISOString(),
            failedAt: entry.failedAt.toISOString(),
            lastError: entry.lastError,
          })),
        },
      };
    },
  }),
  route({
    name: 'getTriagePlaces',
    method: 'GET',
    path: '/api/settings/triage',
    summary: 'Where each channel posts its triage cards',
    tag: TAG,
    access: 'admin',
    responses: { 200: { description: 'The triage places', schema: TRIAGE } },
    async handle(context) {
      return { status: 200, body: { triage: await triagePlaces(context.services.deps) } };
    },
  }),
  route({
    name: 'setTriagePlace',
    method: 'PUT',
    path: '/api/settings/triage/:channel',
    summary: 'Name the place a channel posts its triage cards to',
    tag: TAG,
    access: 'admin',
    params: schemas.triageChannelPath,
    body: { name: 'TriagePlaceRequest', zod: schemas.triagePlaceBody },
    responses: { 200: { description: 'The triage places now in force', schema: TRIAGE } },
    async handle(context) {
      const triage = await setTriagePlace(context.services.deps, context.params.channel, context.body.target);
      return { status: 200, body: { triage } };
    },
  }),
];
