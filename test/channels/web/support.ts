import type { IncomingMessage, ServerResponse } from 'node:http';
import { beforeAll } from 'vitest';
import { signInLinkFor } from '../../../src/app/web-sign-in.ts';
import type { DeskDeps } from '../../../src/app/desk-deps.ts';
import { setTriagePlace } from '../../../src/app/messaging/messaging-admin.ts';
import {
  WEB_QUEUE_PLACE,
  webDesk,
  webSignInDeps,
  type WebDesk,
} from '../../../src/channels/web/web-channel.ts';
import { webSender } from '../../../src/channels/web/web-sender.ts';
import { WebLive } from '../../../src/channels/web/web-live.ts';
import type { MailSettings } from '../../../src/channels/web/link-delivery.ts';
import type { PlatformEndpoint } from '../../../src/http/server.ts';
import { useTestApi, type TestApi } from '../../http/support/api.ts';

export interface WebWorld {
  api: TestApi;
  /** The desk the web routes use: the test desk delivering on the web channel. */
  desk: DeskDeps;
  live: WebLive;
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
  beforeAll(async () => {
    const live = new WebLive();
    const { desk: test } = api();
    // The desk as start-desk wires it: delivering on the web channel, its queue the triage place.
    const desk = test.deliveringOn([webSender(test.store.webInbox, live, test.clock)]);
    await setTriagePlace(desk, 'web', WEB_QUEUE_PLACE);
    const log: WebWorld['log'] = [];
    const make = (mail: MailSettings | undefined) =>
      webDesk({
        desk,
        signIn: webSignInDeps(test.store, desk),
        inbox: test.store.webInbox,
        live,
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
      desk,
      live,
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

/** A browser signed in as one person: its cookie and the session's CSRF token. */
export interface Browser {
  cookie: string;
  csrf: string;
}

export interface WebCallOptions {
  browser?: Browser;
  body?: unknown;
  /** A form, as a page without the script posts it. */
  form?: Record<string, string>;
  accept?: string;
  lang?: string;
}

export interface WebReply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** One request to the web desk as a browser (or its script) makes it. */
export async function webCall(
  baseUrl: string,
  method: string,
  path: string,
  options: WebCallOptions = {},
): Promise<WebReply> {
  const headers: Record<string, string> = {};
  if (options.browser) {
    headers.cookie = `sladesk_session=${options.browser.cookie}`;
    if (!options.form) headers['x-csrf-token'] = options.browser.csrf;
  }
  if (options.accept) headers.accept = options.accept;
  if (options.lang) headers['accept-language'] = options.lang;
  let body: string | undefined;
  if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams({
      ...(options.browser ? { csrf: options.browser.csrf } : {}),
      ...options.form,
    }).toString();
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(body ? { body } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Signs `personId` in the way a person does, with a link, and gives back their browser. */
export async function signInAs(world: WebWorld, personId: string): Promise<Browser> {
  const link = await signInLinkFor(webSignInDeps(world.api.desk.store, world.desk), personId);
  const used = await webCall(world.api.url, 'GET', `/web/sign-in/${link.token}`);
  if (used.status !== 303) throw new Error(`signing in ${personId} gave ${used.status}`);
  const cookie = cookieOf(used.headers.get('set-cookie'))!;
  const session = await webCall(world.api.url, 'GET', '/web/session', { browser: { cookie, csrf: '' } });
  return { cookie, csrf: session.json.csrfToken as string };
}
