import type { ServerResponse } from 'node:http';

/**
 * A platform endpoint's answer (Slack's ack, a Bot Framework invoke response): JSON when there is
 * a body, nothing else otherwise, and never a second answer to one request.
 */
export function answerPlatform(response: ServerResponse, status: number, body?: unknown): void {
  if (response.headersSent) return;
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(text);
}
