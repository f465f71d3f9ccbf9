import { fireTimer } from '../../src/app/sla-steps.ts';
import { describe, expect, it } from 'vitest';
import { openApiPath } from '../../src/http/openapi.ts';
import { ROUTES } from '../../src/http/routes/index.ts';
import { useTestApi } from './support/api.ts';

describe('operations', () => {
  const api = useTestApi();

  it('describes every route the router knows in /api/openapi.json, without a key', async () => {
    const answer = await api().call('GET', '/api/openapi.json');
    expect(answer.status).toBe(200);
    const document = answer.body;
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.schemas.Error.properties.error).toBeDefined();

    const missing = ROUTES.filter(
      (route) => !document.paths[openApiPath(route.path)]?.[route.method.toLowerCase()],
    );
    expect(missing.map((route) => `${route.method} ${route.path}`)).toEqual([]);
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods as object));
    expect(operations).toHaveLength(ROUTES.length);
    expect(new Set(operations.map((operation) => operation.operationId)).size).toBe(ROUTES.length);

    // Every reference points at a schema that is there.
    const refs = [...answer.text.matchAll(/"\$ref":"#\/components\/(schemas|parameters)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(20);
    for (const [, group, name] of refs)
      expect(document.components[group!][name!], `${group}/${name}`).toBeDefined();
  });

  it('documents bodies from the validating schemas, and the error shape on every refusal', async () => {
    const { body: document } = await api().call('GET', '/api/openapi.json');
    const open = document.paths['/api/tickets'].post;
    expect(open.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/OpenTicketRequest',
    });
    const request = document.components.schemas.OpenTicketRequest;
    expect(request.required).toEqual(['category', 'title']);
    expect(request.properties.category.enum).toContain('development_request');
    expect(request.additionalProperties).toBe(false);
    // A ticket's conversations live in their own store, not in its answers.
    expect(Object.keys(document.components.schemas.Ticket.properties)).not.toContain('conversations');
    expect(Object.keys(document.components.schemas.Ticket.properties)).toContain('sla');
    expect(open.responses['401'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
    expect(open.parameters).toContainEqual(
      expect.objectContaining({ name: 'X-Sladesk-Person', in: 'header', required: true }),
    );
    expect(document.paths['/api/tickets'].get.parameters).toContainEqual(
      expect.objectContaining({
        name: 'limit',
        in: 'query',
        required: false,
        schema: expect.objectContaining({ type: 'integer' }),
      }),
    );
    expect(document.paths['/healthz'].get.security).toEqual([]);
    expect(document.paths['/api/tickets/{id}/actions/claim'].post.responses['409']).toBeDefined();
  });

  it('reports health: 200 when the database and jobs are up, 503 otherwise', async () => {
    const up = await api().call('GET', '/healthz');
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ status: 'ok', database: true, jobs: true });
    expect((await api().call('GET', '/readyz')).body).toEqual({ status: 'ready' });

    api().health.jobs = false;
    const jobsDown = await api().call('GET', '/healthz');
    expect(jobsDown.status).toBe(503);
    expect(jobsDown.body).toEqual({ status: 'unavailable', database: true, jobs: false });
    expect((await api().call('GET', '/readyz')).status).toBe(200);

    api().health.database = false;
    const databaseDown = await api().call('GET', '/healthz');
    expect(databaseDown.status).toBe(503);
    expect(databaseDown.body).toEqual({ status: 'unavailable', database: false, jobs: false });
    expect((await api().call('GET', '/readyz')).status).toBe(503);
    Object.assign(api().health, { database: true, jobs: true });
  });

  it('serves Prometheus metrics to an admin key', async () => {
    const customer = await api().desk.seedCustomer('Metrics AB');
    const key = await api().organisationKey(customer.organisation.id);
    await api().call('POST', '/api/alerts', { key, body: { alertKey: 'm', title: 'Metric alert' } });
    await api().call('GET', '/api/tickets/SD-424242', { key, person: customer.contact.id });

    expect((await api().call('GET', '/metrics')).status).toBe(401);
    const answer = await api().call('GET', '/metrics', { key: api().adminKey });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(answer.text).toMatch(
      /sladesk_http_requests_total\{method="GET",route="\/api\/tickets\/:id",status="404"\} 1/,
    );
    expect(answer.text).toMatch(/sladesk_http_request_duration_seconds_bucket\{.*route="\/api\/alerts".*\}/);
    expect(answer.text).toMatch(/sladesk_tickets_opened_total\{via="alert"\} 1/);
    expect(answer.text).toContain('process_cpu_user_seconds_total');
    expect(answer.text).not.toContain('SD-424242');
  });

  it('shows the desk’s SLA figures: open tickets, steps announced, breaches, outbox and relay', async () => {
    const { deps, clock } = api().desk;
    const customer = await api().desk.seedCustomer('Figures AB');
    const key = await api().organisationKey(customer.organisation.id);
    const before = await api().call('GET', '/metrics', { key: api().adminKey });
    const openP1 = (text: string) =>
      Number(/sladesk_open_tickets\{status="new",priority="P1"\} (\d+)/.exec(text)?.[1] ?? 0);
    const opened = await api().call('POST', '/api/alerts', {
      key,
      body: { alertKey: 'figures', title: 'Down', priority: 'P1' },
    });
    const ticketId = (opened.body as { ticket: { id: string } }).ticket.id;
    // Past the response deadline and the first escalation level.
    clock.advance(3 * 3_600_000);
    await fireTimer(deps, ticketId, 'response:level1');
    clock.advance(20_000);
    const after = await api().call('GET', '/metrics', { key: api().adminKey });
    expect(openP1(after.text)).toBe(openP1(before.text) + 1);
    expect(after.text).toMatch(/sladesk_sla_steps_total\{clock="response",level="1"\} 1/);
    expect(after.text).toMatch(/sladesk_sla_breaches_total\{clock="response"\} 1/);
    expect(after.text).toMatch(/sladesk_outbox_pending 0/);
    expect(after.text).toMatch(/sladesk_outbox_failed 0/);
    expect(after.text).toMatch(/sladesk_relay_backlog 0/);
    expect(after.text).toMatch(/sladesk_relay_lag_seconds 0/);
  });
});

describe('an unexpected failure', () => {
  const secret = 'mongodb://desk:hunter2@db.internal:27017';
  const api = useTestApi({
    defaultLocale: 'en',
    wrapDeps: (deps) => ({
      ...deps,
      tickets: {
        ...deps.tickets,
        get: deps.tickets.get.bind(deps.tickets),
        list: async () => {
          throw new Error(`connection to ${secret} lost`);
        },
      },
    }),
  });

  it('is a 500 with a generic message and a request id, logged, and the server goes on', async () => {
    const customer = await api().desk.seedCustomer('Fragile AB');
    const key = await api().organisationKey(customer.organisation.id);
    const answer = await api().call('GET', '/api/tickets', {
      key,
      person: customer.contact.id,
      headers: { 'x-request-id': 'req-42' },
    });
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({
      error: {
        code: 'internal',
        message: 'something went wrong on our side; quote request id req-42 when you contact us',
      },
    });
    expect(answer.text).not.toContain('hunter2');
    expect(answer.headers.get('x-request-id')).toBe('req-42');
    const logged = api().log.find((line) => line.level === 'error');
    expect(logged).toMatchObject({
      message: 'request failed',
      details: { requestId: 'req-42', route: '/api/tickets' },
    });

    expect((await api().call('GET', '/healthz')).status).toBe(200);
  });

  it('logs which key called by its public id, never the key itself', async () => {
    const lines = api().log.filter((line) => line.message === 'request');
    expect(lines.some((line) => typeof line.details.keyId === 'string')).toBe(true);
    expect(JSON.stringify(api().log)).not.toContain(api().adminKey);
  });
});
