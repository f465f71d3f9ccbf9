import { failedDeliveries, setTriagePlace, triagePlaces } from '../../app/messaging/messaging-admin.ts';
import { customerPlaces, mapCustomerPlace, unmapCustomerPlace } from '../../app/chat/customer-places.ts';
import { HttpError } from '../http-error.ts';
import * as schemas from '../request-schemas.ts';
import * as responses from '../response-schemas.ts';
import { route } from '../router.ts';

const TAG = 'Messaging (admin)';
const FAILED = { name: 'FailedDeliveries', zod: responses.failedDeliveriesResponse };
const TRIAGE = { name: 'TriagePlaces', zod: responses.triagePlacesResponse };
const PLACES = { name: 'CustomerPlaces', zod: responses.customerPlacesResponse };

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
  route({
    name: 'listCustomerPlaces',
    method: 'GET',
    path: '/api/settings/customer-places',
    summary: 'The platform places (Slack channels) mapped to a customer',
    tag: TAG,
    access: 'admin',
    responses: { 200: { description: 'The customer places', schema: PLACES } },
    async handle(context) {
      return { status: 200, body: { places: await customerPlaces(context.services.deps) } };
    },
  }),
  route({
    name: 'mapCustomerPlace',
    method: 'PUT',
    path: '/api/settings/customer-places/:channel/:place',
    summary: 'Map a place to the customer whose contacts open tickets there',
    tag: TAG,
    access: 'admin',
    params: schemas.customerPlacePath,
    body: { name: 'CustomerPlaceRequest', zod: schemas.customerPlaceBody },
    responses: { 200: { description: 'The customer places now in force', schema: PLACES } },
    async handle(context) {
      const places = await mapCustomerPlace(context.services.deps, {
        ...context.params,
        organisationId: context.body.organisationId,
      });
      return { status: 200, body: { places } };
    },
  }),
  route({
    name: 'unmapCustomerPlace',
    method: 'DELETE',
    path: '/api/settings/customer-places/:channel/:place',
    summary: 'Unmap a customer place',
    tag: TAG,
    access: 'admin',
    params: schemas.customerPlacePath,
    responses: { 200: { description: 'The customer places left', schema: PLACES } },
    async handle(context) {
      const { channel, place } = context.params;
      const { unmapped, places } = await unmapCustomerPlace(context.services.deps, channel, place);
      if (!unmapped)
        throw new HttpError(404, 'notFound', 'api.errors.noSuchCustomerPlace', { channel, place });
      return { status: 200, body: { places } };
    },
  }),
];
