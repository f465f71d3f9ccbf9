import type { IncomingMessage } from 'node:http';
import { TOKEN_PATTERN } from './web-tokens.ts';

export const SESSION_COOKIE = 'sladesk_session';

/** The session id the request's cookie carries, when it is shaped like one. */
export function sessionIdOf(request: IncomingMessage): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === SESSION_COOKIE) {
      const id = value.join('=');
      return TOKEN_PATTERN.test(id) ? id : undefined;
    }
  }
  return undefined;
}

interface CookieOptions {
  /** Secure when the desk is reached over https. */
  secure: boolean;
}

const attributes = ({ secure }: CookieOptions) => `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;

/** The cookie that holds the session until it ends at the latest (idle expiry is the server's). */
export function sessionCookie(sessionId: string, maxAgeSeconds: number, options: CookieOptions): string {
  return `${SESSION_COOKIE}=${sessionId}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; ${attributes(options)}`;
}

/** The cookie's end: the browser forgets the session. */
export function clearedSessionCookie(options: CookieOptions): string {
  return `${SESSION_COOKIE}=; Max-Age=0; ${attributes(options)}`;
}
