import type { IncomingMessage, ServerResponse } from 'node:http';
import { readRawBody } from './body.ts';
import { HttpError } from './http-error.ts';

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

/**
 * A platform request's raw body (the signature or token is checked against it), or undefined
 * when it was too big or broken off, which is answered here with the body error's status and
 * `refusal(code)` as its body.
 */
export async function platformBody(
  request: IncomingMessage,
  response: ServerResponse,
  limitBytes: number,
  refusal: (code: string) => object,
): Promise<Buffer | undefined> {
  try {
    return await readRawBody(request, limitBytes);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    answerPlatform(response, error.status, refusal(error.code));
    return undefined;
  }
}
