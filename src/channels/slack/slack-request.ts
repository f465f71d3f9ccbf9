import { verifySlackRequest } from '@slack/bolt';

export type SlackRequestResult =
  | { ok: true; body: unknown; retry?: { num: number; reason: string } }
  | { ok: false; reason: 'signature' | 'stale' | 'malformed' };

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  // Node lowercases header names, but other hosts (tests, serverless shims) may not.
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function parseBody(rawBody: string, contentType: string): unknown {
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/json') return JSON.parse(rawBody);
  if (mediaType === 'application/x-www-form-urlencoded') {
    const fields = new URLSearchParams(rawBody);
    // Interactive payloads come as one form field holding JSON; slash commands are plain fields.
    const payload = fields.get('payload');
    return payload === null ? Object.fromEntries(fields) : JSON.parse(payload);
  }
  throw new SyntaxError(`unexpected content type ${mediaType}`);
}

/**
 * Authenticates a raw Slack HTTP request and parses its body. The signature covers the exact bytes
 * Slack sent, so this must see the body before any framework parses it. A refusal says only which
 * check failed: Bolt's messages are kept out of the result so nothing about the request or secret
 * leaks into logs or responses.
 */
export function readSlackRequest(input: {
  signingSecret: string;
  rawBody: string;
  headers: Headers;
  nowMs: number;
}): SlackRequestResult {
  // A missing secret is a deployment mistake, not a bad request: refusing every request as
  // forged would hide it.
  if (!input.signingSecret) throw new Error('Slack signing secret is not configured');

  const signature = header(input.headers, 'x-slack-signature');
  const timestamp = header(input.headers, 'x-slack-request-timestamp');
  // Bolt would throw a TypeError on a missing signature and call an empty timestamp (0) stale.
  if (!signature || !timestamp || !/^\d+$/.test(timestamp)) return { ok: false, reason: 'signature' };

  try {
    verifySlackRequest({
      signingSecret: input.signingSecret,
      body: input.rawBody,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
      nowMilliseconds: input.nowMs,
    });
  } catch (error) {
    // Bolt reports every failure as a plain Error; only its message tells a replay from a forgery.
    const stale = error instanceof Error && error.message.includes('stale');
    return { ok: false, reason: stale ? 'stale' : 'signature' };
  }

  let body: unknown;
  try {
    body = parseBody(input.rawBody, header(input.headers, 'content-type') ?? '');
  } catch {
    return { ok: false, reason: 'malformed' };
  }

  // Slack retries when we were slow or failed; the caller should answer fast and not redo work.
  const retryNum = header(input.headers, 'x-slack-retry-num');
  if (!retryNum || !/^\d+$/.test(retryNum)) return { ok: true, body };
  return {
    ok: true,
    body,
    retry: { num: Number(retryNum), reason: header(input.headers, 'x-slack-retry-reason') ?? '' },
  };
}
