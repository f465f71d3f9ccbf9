import type { IncomingMessage } from 'node:http';
import { readJsonBody, readRawBody } from '../../http/body.ts';

export const WEB_BODY_LIMIT = 64 * 1024;

const mediaOf = (request: IncomingMessage) =>
  request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * A state-changing request's fields: JSON from the page's script, or a form posted without it
 * (progressive enhancement). A form's field named twice keeps its first value.
 */
export async function readWebBody(request: IncomingMessage): Promise<unknown> {
  const media = mediaOf(request);
  if (media === 'application/x-www-form-urlencoded') {
    const text = (await readRawBody(request, WEB_BODY_LIMIT)).toString('utf8');
    const fields: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(text)) if (!(name in fields)) fields[name] = value;
    return fields;
  }
  return (await readJsonBody(request, WEB_BODY_LIMIT)) ?? {};
}

/** One string field of a body read as it came (a form's, or a JSON object's). */
export function fieldOf(body: unknown, name: string): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
