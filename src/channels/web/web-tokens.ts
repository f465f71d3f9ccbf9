import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TokenSource } from '../../app/ports.ts';

/** 32 random bytes: 43 base64url characters. */
export const TOKEN_BYTES = 32;
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Tokens from the system's CSPRNG, stored as their SHA-256 (hex). */
export const cryptoTokens: TokenSource = {
  token: () => randomBytes(TOKEN_BYTES).toString('base64url'),
  digest: (token) => createHash('sha256').update(token, 'utf8').digest('hex'),
};

/** The two strings are equal, compared in time that does not depend on where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}
