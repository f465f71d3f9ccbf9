import type { IncomingMessage, ServerResponse } from 'node:http';
import { beforeAll } from 'vitest';
import { webDesk, webSignInDeps, type WebDesk } from '../../../src/channels/web/web-channel.ts';
import type { MailSettings } from '../../../src/channels/web/link-delivery.ts';
import type { PlatformEndpoint } from '../../../src/http/server.ts';
import { useTestApi, type TestApi } from '../../http/support/api.ts';

export interface WebWorld {
  api: TestApi;
  web: WebDesk;
  /** What the web desk logged. */
  log: { level: string; details: Record<string, unknown>; message: string }[];
  /** The public URL links and cookies follow; the server's own unless a test sets another. */
  publicUrl?: string;
  /** A web desk like the served one, delivering by mail instead; served until `serveWith(undefined)`. */
  serveWith(mail: MailSettings | undefined): void;
}

/** The HTTP server over the test desk with the web routes under /web/, as start-desk wires them. */
export function useWebWorld(defaultLocale: 'sv' | 'en' = 'en'): () => WebWorld {
  let served: WebDesk | undefined;
  const endpoint: PlatformEndpoint = (request: IncomingMessage, response: ServerResponse) =>
    served!.endpoint(request, response);
  const api = useTestApi({ defaultLocale, platformEndpoints: new Map([['/web/', endpoint]]) });
  let world: WebWorld | undefined;
  beforeAll(() => {
    const log: WebWorld['log'] = [];
    const make = (mail: MailSettings | undefined) =>
      webDesk({
        deps: webSignInDeps(api().desk.store, api().desk.deps),
        ...(mail ? { mail } : {}),
        publicUrl: () => world!.publicUrl ?? api().url,
        defaultLocale,
        logger: {
          info: (details, message) => log.push({ level: 'info', details: details as never, message }),
          error: (details, message) => log.push({ level: 'error', details: details as never, message }),
        },
      });
    served = make(undefined);
    world = {
      api: api(),
      get web() {
        return served!;
      },
      log,
      serveWith(mail) {
        served = make(mail);
      },
    };
  });
  return () => world!;
}

/** The token in a link `<url>/web/sign-in/<token>` found in `text`. */
export function linkIn(text: string): { url: string; token: string } | undefined {
  const match = /(https?:\/\/[^\s]+\/web\/sign-in\/([A-Za-z0-9_-]{43}))/.exec(text);
  return match ? { url: match[1]!, token: match[2]! } : undefined;
}

/** The session cookie's value in a Set-Cookie header. */
export const cookieOf = (setCookie: string | null): string | undefined =>
  /sladesk_session=([^;]*)/.exec(setCookie ?? '')?.[1];
