import { route } from '../router.ts';
import { HEALTH, READY } from './common.ts';

const TAG = 'Operations';

export const operationRoutes = [
  route({
    name: 'health',
    method: 'GET',
    path: '/healthz',
    summary: 'Whether the database answers and the job runner is up',
    tag: TAG,
    access: 'public',
    responses: {
      200: { description: 'Both are up', schema: HEALTH },
      503: { description: 'The database or the job runner is down', schema: HEALTH },
    },
    async handle({ services }) {
      const { database, jobs } = await services.health();
      const ok = database && jobs;
      return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'unavailable', database, jobs } };
    },
  }),
  route({
    name: 'readiness',
    method: 'GET',
    path: '/readyz',
    summary: 'Whether this process can serve requests now (its database answers)',
    tag: TAG,
    access: 'public',
    responses: {
      200: { description: 'Ready', schema: READY },
      503: { description: 'Not ready', schema: READY },
    },
    async handle({ services }) {
      const { database } = await services.health();
      return { status: database ? 200 : 503, body: { status: database ? 'ready' : 'unavailable' } };
    },
  }),
  route({
    name: 'metrics',
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics: requests by route and status, latency, tickets opened, process',
    tag: TAG,
    access: 'admin',
    responses: { 200: { description: 'Prometheus text exposition format', mediaType: 'text/plain' } },
    async handle({ services }) {
      const { registry } = services.metrics;
      return { status: 200, text: { contentType: registry.contentType, payload: await registry.metrics() } };
    },
  }),
  route({
    name: 'apiDescription',
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This API described as OpenAPI 3.1',
    tag: TAG,
    access: 'public',
    responses: { 200: { description: 'The OpenAPI document', mediaType: 'application/json' } },
    async handle({ services }) {
      return { status: 200, body: services.apiDescription() };
    },
  }),
];
