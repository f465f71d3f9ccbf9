import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.ts';

export const BODY_LIMIT_BYTES = 64 * 1024;

// The rest of an oversized body is not worth reading: the connection ends with the answer.
const tooLarge = (limit: number) =>
  new HttpError(
    413,
    'payloadTooLarge',
    'api.errors.payloadTooLarge',
    { limit: Math.floor(limit / 1024) },
    undefined,
    {
      Connection: 'close',
    },
  );

function isJson(contentType: string | undefined): boolean {
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  return (
    media === 'application/json' || (media?.startsWith('application/') === true && media.endsWith('+json'))
  );
}

// The raw bytes, for checks over them (a platform's signature). Listeners rather than async iteration: leaving an iterator early destroys the socket, and with
// it the chance to answer 413. Past the limit the rest is read and dropped.
export function readRawBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: HttpError) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      reject(error);
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) fail(tooLarge(limit));
      else chunks.push(chunk);
    });
    request.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
    request.on('error', () => fail(new HttpError(400, 'requestAborted', 'api.errors.requestAborted')));
  });
}

/**
 * The request's JSON body, or undefined when it has none. Only JSON is accepted (415 otherwise),
 * at most `limit` bytes (413); malformed JSON is a 400.
 */
export async function readJsonBody(request: IncomingMessage, limit = BODY_LIMIT_BYTES): Promise<unknown> {
  const hasBody =
    request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return undefined;
  if (!isJson(request.headers['content-type'])) {
    throw new HttpError(415, 'unsupportedMediaType', 'api.errors.unsupportedMediaType');
  }
  const raw = await readRawBody(request, limit);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'invalidJson', 'api.errors.invalidJson');
  }
}
