import type { ServerResponse } from 'node:http';
import { notAllowed } from '../web-answers.ts';
import type { SignedInRoute } from '../web-routes.ts';
import type { WebDeskContext } from '../web-request.ts';
import { readersOf } from './inbox-routes.ts';

/**
 * GET /web/live: a server-sent event stream telling an open page that something of its reader's
 * changed (a message kept for them or for the queue), so that it draws itself again. Changes made
 * by this process arrive at once; those of another (a separate worker) by polling the inbox.
 */
export function liveRoutes(context: WebDeskContext, streams: Set<ServerResponse>): SignedInRoute {
  return async (request) => {
    if (request.path !== '/web/live') return undefined;
    if (request.method !== 'GET') return notAllowed('GET', request.locale);
    const readers = readersOf(request.current.person);
    let seen = (await context.inbox.lastChange(readers))?.getTime() ?? 0;
    return {
      status: 200,
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
      },
      stream(response) {
        let changes = 0;
        const tell = () => {
          changes += 1;
          seen = Math.max(seen, context.clock.now().getTime());
          response.write(`event: change\ndata: ${changes}\n\n`);
        };
        // A reconnecting browser waits this long before it tries again.
        response.write('retry: 3000\n\n');
        const unsubscribe = context.live.subscribe(readers, tell);
        const poll = setInterval(() => {
          context.inbox
            .lastChange(readers)
            .then((last) => {
              const at = last?.getTime() ?? 0;
              if (at > seen) {
                seen = at;
                tell();
              } else {
                // A comment line keeps proxies from closing a quiet stream.
                response.write(': still here\n\n');
              }
            })
            .catch(() => undefined);
        }, context.livePollMs);
        poll.unref();
        response.on('close', () => {
          clearInterval(poll);
          unsubscribe();
          streams.delete(response);
        });
      },
    };
  };
}
