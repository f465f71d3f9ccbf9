import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { PlatformEndpoint } from '../../src/http/server.ts';
import { useTestApi } from './support/api.ts';

async function rawBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const seen: { method: string; body: string; signature: unknown }[] = [];
const echo: PlatformEndpoint = async (request, response) => {
  seen.push({
    method: request.method ?? '',
    body: await rawBody(request),
    signature: request.headers['x-slack-signature'],
  });
  response.writeHead(200, { 'content-type': 'text/plain' }).end('pong');
};
const broken: PlatformEndpoint = async () => {
  throw new Error('signing secret s3cret leaked?');
};

describe('platform endpoints', () => {
  const api = useTestApi({
    platformEndpoints: new Map([
      ['/slack/events', echo],
      ['/broken', broken],
    ]),
  });

  it('hands the raw request, bytes and headers as sent, to the endpoint and lets it answer its own way', async () => {
    const body = 'token=abc&text=%3C%21channel%3E&payload=%7B%7D';
    const answer = await api().call('POST', '/slack/events?x=1', {
      raw: body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': 'v0=feed' },
    });
    expect(answer).toMatchObject({ status: 200, text: 'pong' });
    expect(seen.at(-1)).toEqual({ method: 'POST', body, signature: 'v0=feed' });
    // No API key is asked for: the platform's own check is the endpoint's to make.
    expect(api().log.at(-1)).toMatchObject({ details: { route: '/slack/events', status: 200 } });
  });

  it('an endpoint that throws is a generic 500 with a request id, logged, and the API goes on', async () => {
    const answer = await api().call('POST', '/broken', { raw: 'x', lang: 'en' });
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe('internal');
    expect(answer.text).not.toContain('s3cret');
    expect(api().log.some((line) => line.level === 'error' && line.details.route === '/broken')).toBe(true);
    expect((await api().call('GET', '/healthz')).status).toBe(200);
  });

  it('other paths are the API as before', async () => {
    expect((await api().call('GET', '/slack/events/other')).status).toBe(404);
  });
});
