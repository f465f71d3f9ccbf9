import { reportAlert } from '../../app/open-ticket.ts';
import { organisationFor } from '../auth.ts';
import { HttpError } from '../http-error.ts';
import { alertBody } from '../request-schemas.ts';
import { route } from '../router.ts';
import { ALERT_RESULT, asSeenBy, keyOf, ticketAnswer } from './common.ts';

export const alertRoutes = [
  route({
    name: 'reportAlert',
    method: 'POST',
    path: '/api/alerts',
    summary:
      'A monitoring threshold was crossed: opens an incident, or adds to the open one for the same alertKey',
    tag: 'Alerts',
    access: 'organisation',
    body: { name: 'AlertRequest', zod: alertBody },
    responses: {
      201: { description: 'A new incident was opened', schema: ALERT_RESULT },
      200: {
        description: 'The incident already open for this alertKey counted one more firing',
        schema: ALERT_RESULT,
      },
    },
    refusals: [404, 422],
    async handle(context) {
      const { deps } = context.services;
      const key = keyOf(context);
      const { organisationId: named, ...report } = context.body;
      const organisationId = organisationFor(key, named);
      if (!organisationId) throw new HttpError(422, 'organisationRequired', 'errors.organisationRequired');
      const { ticket, created } = await reportAlert(deps, { ...report, organisationId });
      return {
        status: created ? 201 : 200,
        body: { created, ticket: await ticketAnswer(context, asSeenBy(key, ticket)) },
      };
    },
  }),
];
