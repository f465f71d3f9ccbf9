import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SeededCustomer } from '../support/test-desk.ts';
import { useTestApi } from './support/api.ts';

describe('the HTTP edge', () => {
  const api = useTestApi({ defaultLocale: 'sv' });
  let acme: SeededCustomer;
  let acmeKey: string;

  beforeAll(async () => {
    acme = await api().desk.seedCustomer('Acme');
    acmeKey = await api().organisationKey(acme.organisation.id);
  });

  const asContact = () => ({ key: acmeKey, person: acme.contact.id });
  const ticketCount = async () => (await api().desk.store.tickets.list({ limit: 200 })).tickets.length;

  describe('authentication', () => {
    it('answers 401 to a missing, wrong or revoked key, and writes nothing', async () => {
      const before = await ticketCount();
      const { key: revoked, apiKey } = await api().apiKeys.create({
        kind: 'organisation',
        organisationId: acme.organisation.id,
      });
      await api().apiKeys.revoke(apiKey.id);
      const body = { category: 'incident', title: 'Sneaky' };
      for (const key of [undefined, 'sdk_wrong', `${acmeKey.slice(0, -2)}xx`, revoked]) {
        const opened = await api().call('POST', '/api/tickets', {
          ...(key ? { key } : {}),
          person: acme.contact.id,
          body,
          lang: 'en',
        });
        expect(opened.status).toBe(401);
        expect(opened.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(opened.body.error).toEqual({
          code: 'unauthorized',
          message: 'a valid API key is needed: Authorization: Bearer <key>',
        });
        const alert = await api().call('POST', '/api/alerts', {
          ...(key ? { key } : {}),
          body: { alertKey: 'k', title: 't' },
        });
        expect(alert.status).toBe(401);
      }
      const basic = await api().call('GET', '/api/tickets', {
        headers: { authorization: `Basic ${acmeKey}` },
        person: acme.contact.id,
      });
      expect(basic.status).toBe(401);
      expect(await ticketCount()).toBe(before);
    });

    it('keeps admin routes for admin keys', async () => {
      const answer = await api().call('POST', '/api/agents', {
        key: acmeKey,
        body: { name: 'Mallory' },
        lang: 'en',
      });
      expect(answer.status).toBe(403);
      expect(answer.body.error).toEqual({ code: 'adminOnly', message: 'only an admin API key may do this' });
      expect((await api().call('GET', '/metrics', { key: acmeKey })).status).toBe(403);
    });

    it('needs the acting person on ticket routes', async () => {
      const answer = await api().call('GET', '/api/tickets', { key: acmeKey, lang: 'en' });
      expect(answer.status).toBe(400);
      expect(answer.body.error.issues).toEqual([
        { in: 'header', field: 'x-sladesk-person', code: 'invalid_type', message: 'is required' },
      ]);
      const unknown = await api().call('GET', '/api/tickets', { key: api().adminKey, person: 'nobody' });
      expect(unknown.status).toBe(403);
      expect(unknown.body.error.code).toBe('personNotAllowed');
      const agentOnOrganisationKey = await api().call('GET', '/api/tickets', {
        key: acmeKey,
        person: acme.agent.id,
      });
      expect(agentOnOrganisationKey.status).toBe(403);
    });
  });

  describe('validation', () => {
    const bad = { category: 'gripe', title: '', extra: 1 };

    it('reports every problem, in Swedish by default', async () => {
      // The colleague has no language of their own, and Acme's is Swedish like the desk's.
      const asColleague = { key: acmeKey, person: acme.colleague.id };
      const answer = await api().call('POST', '/api/tickets', { ...asColleague, body: bad });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('invalidRequest');
      expect(answer.body.error.message).toMatch(/^förfrågan är inte giltig: /);
      expect(answer.body.error.issues).toEqual(
        expect.arrayContaining([
          {
            in: 'body',
            field: 'category',
            code: 'invalid_value',
            message: 'måste vara något av incident, user_support, order, development_request, problem',
          },
          { in: 'body', field: 'title', code: 'too_small', message: 'får inte vara tomt' },
          { in: 'body', field: '', code: 'unrecognized_keys', message: 'okända fält: extra' },
        ]),
      );
    });

    it('speaks English when asked to', async () => {
      const answer = await api().call('POST', '/api/tickets', {
        ...asContact(),
        body: bad,
        lang: 'en-GB,en;q=0.9,sv;q=0.1',
      });
      expect(answer.body.error.message).toMatch(/^the request is not valid: /);
      expect(answer.body.error.issues).toContainEqual({
        in: 'body',
        field: 'title',
        code: 'too_small',
        message: 'must not be empty',
      });
    });

    it('checks query strings and types, in both languages', async () => {
      const sv = await api().call('GET', '/api/tickets?status=new,lost&limit=lots&colour=red', {
        ...asContact(),
        lang: 'sv',
      });
      expect(sv.status).toBe(400);
      expect(sv.body.error.issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            in: 'query',
            field: 'status.1',
            message: expect.stringMatching(/^måste vara något av new, /),
          }),
          expect.objectContaining({ in: 'query', field: 'limit', message: 'måste vara ett tal' }),
          expect.objectContaining({ in: 'query', field: '', message: 'okända fält: colour' }),
        ]),
      );
      const en = await api().call('POST', '/api/tickets/SD-1/actions/effort', {
        ...asContact(),
        body: { minutes: 1.5 },
        lang: 'en',
      });
      expect(en.body.error.issues).toEqual([
        { in: 'body', field: 'minutes', code: 'invalid_type', message: 'must be a whole number' },
      ]);
    });

    it('answers malformed JSON, other media types and oversized bodies', async () => {
      const malformed = await api().call('POST', '/api/tickets', {
        ...asContact(),
        raw: '{"title": ',
        headers: { 'content-type': 'application/json' },
        lang: 'en',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toEqual({ code: 'invalidJson', message: 'the body is not valid JSON' });

      const text = await api().call('POST', '/api/tickets', {
        ...asContact(),
        raw: 'title=x',
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.status).toBe(415);
      expect(text.body.error.message).toBe('innehållet måste vara JSON (Content-Type: application/json)');

      const huge = await api().call('POST', '/api/tickets', {
        ...asContact(),
        body: { category: 'incident', title: 'x', description: 'x'.repeat(70 * 1024) },
      });
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe('payloadTooLarge');
    });

    it('answers unknown addresses with 404 and wrong methods with 405', async () => {
      const missing = await api().call('GET', '/api/nothing-here', { lang: 'en' });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('notFound');
      const wrong = await api().call('DELETE', '/api/tickets', { key: acmeKey, lang: 'en' });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('POST, GET');
      expect(wrong.body.error.message).toBe('DELETE is not possible here; use POST, GET');
    });
  });

  describe('alerts', () => {
    it('opens one incident per alert key while it is open, and counts the repeats', async () => {
      const report = {
        alertKey: 'disk-full:db1',
        title: 'Disk 95% full on db1',
        description: 'threshold 90%',
      };
      const first = await api().call('POST', '/api/alerts', { key: acmeKey, body: report });
      expect(first.status, first.text).toBe(201);
      expect(first.body).toMatchObject({
        created: true,
        ticket: { category: 'incident', alertKey: 'disk-full:db1', status: 'new' },
      });
      const repeat = await api().call('POST', '/api/alerts', { key: acmeKey, body: report });
      expect(repeat.status).toBe(200);
      expect(repeat.body.created).toBe(false);
      expect(repeat.body.ticket.id).toBe(first.body.ticket.id);
      const other = await api().call('POST', '/api/alerts', {
        key: acmeKey,
        body: { ...report, alertKey: 'cpu:db1' },
      });
      expect(other.status).toBe(201);
      expect(other.body.ticket.id).not.toBe(first.body.ticket.id);

      const byAdmin = await api().call('POST', '/api/alerts', {
        key: api().adminKey,
        body: { ...report, organisationId: acme.organisation.id },
      });
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body.ticket.id).toBe(first.body.ticket.id);
      const nowhere = await api().call('POST', '/api/alerts', {
        key: api().adminKey,
        body: report,
        lang: 'en',
      });
      expect(nowhere.status).toBe(422);
      expect(nowhere.body.error.code).toBe('organisationRequired');
    });
  });
});

describe('the HTTP edge, at the socket', () => {
  const api = useTestApi({ defaultLocale: 'en' });

  function rawRequest(
    path: string,
    options: { method?: string; headers?: Record<string, string>; chunks?: string[] },
  ) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { hostname, port } = new URL(api().url);
      const target = { hostname, port, path, method: options.method ?? 'POST', headers: options.headers };
      const request = httpRequest(target, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject);
      for (const chunk of options.chunks ?? []) request.write(chunk);
      request.end();
    });
  }

  it('stops reading a chunked body past the limit and answers 413', async () => {
    const chunk = 'x'.repeat(16 * 1024);
    const answer = await rawRequest('/api/tickets', {
      headers: {
        authorization: `Bearer ${api().adminKey}`,
        'x-sladesk-person': 'p',
        'content-type': 'application/json',
      },
      chunks: ['{"title":"', ...Array.from({ length: 6 }, () => chunk), '"}'],
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.message).toBe('the body is larger than 64 KiB');
  });

  it('treats a JSON null body as a wrong body, and odd paths as unknown', async () => {
    const nullBody = await api().call('POST', '/api/agents', {
      key: api().adminKey,
      raw: 'null',
      headers: { 'content-type': 'application/json' },
    });
    expect(nullBody.status).toBe(400);
    expect(nullBody.body.error.issues).toEqual([
      { in: 'body', field: '', code: 'invalid_type', message: 'must be an object' },
    ]);
    for (const path of ['/api/tickets/%E0%A4%A', '//api/tickets', '/api/tickets/']) {
      expect((await rawRequest(path, { method: 'GET' })).status, path).toBe(404);
    }
  });
});
