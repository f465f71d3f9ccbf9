import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A message as the stand-in keeps it: where, what, and how often it was changed in place. */
export interface PostedMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: SlackBlock[];
  updates: number;
}

export interface SlackBlock {
  type: string;
  block_id?: string;
  text?: { type: string; text: string };
  elements?: { type: string; action_id?: string; value?: string; text?: string | { text: string } }[];
}

/** One Web API call as the bot made it. */
export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  /** The bearer token it was made with, when it came in the Authorization header. */
  token?: string;
}

/** What Slack sends down a Socket Mode connection: one event, interaction or slash command. */
export interface SocketEnvelope {
  envelope_id: string;
  type: 'events_api' | 'interactive' | 'slash_commands';
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** The app's answer to an envelope over the socket: its ack. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/**
 * One Socket Mode connection, as Slack's end of it sees it: it said `hello`, sends envelopes, and
 * keeps every ack the app sent back; `acked` and `closed` resolve on the socket's own events.
 */
export class SocketLink {
  readonly acks: SocketAck[] = [];
  /** Resolves when the connection is closed, by either end. */
  readonly closed: Promise<void>;
  private readonly waiting: { envelopeId: string; times: number; resolve: (ack: SocketAck) => void }[] = [];

  constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const ack = JSON.parse(String(data)) as SocketAck;
      this.acks.push(ack);
      for (const waiter of [...this.waiting]) {
        if (this.acksOf(waiter.envelopeId).length < waiter.times) continue;
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        waiter.resolve(ack);
      }
    });
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(envelope: SocketEnvelope): void {
    this.socket.send(JSON.stringify(envelope));
  }

  acksOf(envelopeId: string): SocketAck[] {
    return this.acks.filter((ack) => ack.envelope_id === envelopeId);
  }

  /** Resolves with the `times`-th ack of the envelope: at once if it came already. */
  acked(envelopeId: string, times = 1): Promise<SocketAck> {
    const acks = this.acksOf(envelopeId);
    if (acks.length >= times) return Promise.resolve(acks[times - 1]!);
    return new Promise((resolve) => this.waiting.push({ envelopeId, times, resolve }));
  }
}

export interface StandInUser {
  id: string;
  email?: string;
  locale?: string;
  isBot?: boolean;
}

/**
 * Slack's Web API and its response_url as a local server: what the bot posts, updates, opens and
 * publishes is kept to be read back, as Slack's clients would show it. `failNext` makes the next
 * calls of one method answer 429 or 5xx, as Slack does under load.
 */
export class SlackStandIn {
  readonly calls: ApiCall[] = [];
  readonly messages: PostedMessage[] = [];
  /** What was said through a response_url, by its path. */
  readonly responses: { path: string; body: Record<string, unknown> }[] = [];
  private readonly users = new Map<string, StandInUser>();
  /** What people wrote in channels, for conversations.history. */
  private readonly written: { channel: string; ts: string; user: string; text: string }[] = [];
  private readonly failures: { method: string; status: number; retryAfter?: number }[] = [];
  private server: Server | undefined;
  private sockets: WebSocketServer | undefined;
  /** Every Socket Mode connection the app opened, in order. */
  readonly links: SocketLink[] = [];
  private readonly linkWaiters: { index: number; resolve: (link: SocketLink) => void }[] = [];
  private sequence = 0;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.serve(req).then(
        ({ status, body, headers }) =>
          res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body)),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
    // Socket Mode: apps.connections.open hands out `/link` on this server, a WebSocket.
    this.sockets = new WebSocketServer({ server: this.server, path: '/link' });
    this.sockets.on('connection', (socket) => {
      const link = new SocketLink(socket);
      this.links.push(link);
      // Slack's first word on a new connection; the client counts itself connected on it.
      socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A1' } }));
      for (const waiter of this.linkWaiters.filter((w) => w.index < this.links.length)) {
        this.linkWaiters.splice(this.linkWaiters.indexOf(waiter), 1);
        waiter.resolve(this.links[waiter.index]!);
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const client of this.sockets?.clients ?? []) client.terminate();
    await new Promise((resolve) => this.sockets?.close(resolve) ?? resolve(undefined));
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The WebSocket URL apps.connections.open answers with. */
  get socketUrl(): string {
    return `${this.url.replace(/^http/, 'ws')}/link`;
  }

  /** Resolves with the `n`-th Socket Mode connection (from 1), once `hello` was sent on it. */
  connection(n = 1): Promise<SocketLink> {
    const link = this.links[n - 1];
    if (link) return Promise.resolve(link);
    return new Promise((resolve) => this.linkWaiters.push({ index: n - 1, resolve }));
  }

  /** The Web API base URL, as SLACK_API_URL takes it. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A response_url Slack would put in an interaction. */
  responseUrl(name: string): string {
    return `${this.url}/respond/${name}`;
  }

  /** A person's message in a channel, as conversations.history gives it back. */
  say(channel: string, ts: string, user: string, text: string): void {
    this.written.push({ channel, ts, user, text });
  }

  addUser(user: StandInUser): void {
    this.users.set(user.id, user);
  }

  failNext(method: string, status: number, times = 1, retryAfter?: number): void {
    for (let i = 0; i < times; i++)
      this.failures.push({ method, status, ...(retryAfter ? { retryAfter } : {}) });
  }

  /** The channel a user's DM with the bot has, as Slack names it. */
  static dmOf(userId: string): string {
    return `D${userId}`;
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  private async serve(
    req: IncomingMessage,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const raw = await new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => resolve(body));
    });
    const path = req.url ?? '/';
    if (path.startsWith('/respond/')) {
      this.responses.push({
        path: path.slice('/respond/'.length),
        body: JSON.parse(raw) as Record<string, unknown>,
      });
      return { status: 200, body: { ok: true } };
    }
    const method = path.replace(/^\/api\//, '').split('?')[0]!;
    const args = parseArgs(raw, req.headers['content-type']);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    this.calls.push({ method, args, ...(token ? { token } : {}) });
    const failure = this.failures.findIndex((f) => f.method === method);
    if (failure >= 0) {
      const { status, retryAfter } = this.failures.splice(failure, 1)[0]!;
      return {
        status,
        body: { ok: false, error: status === 429 ? 'ratelimited' : 'internal_error' },
        ...(retryAfter ? { headers: { 'retry-after': String(retryAfter) } } : {}),
      };
    }
    return { status: 200, body: this.answer(method, args) };
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        return { ok: true, url: this.socketUrl };
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' };
      case 'users.info': {
        const user = this.users.get(String(args.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: user.id,
            is_bot: user.isBot ?? false,
            ...(user.locale ? { locale: user.locale } : {}),
            profile: user.email ? { email: user.email } : {},
          },
        };
      }
      case 'chat.postMessage': {
        const target = String(args.channel);
        const channel = /^[UW]/.test(target) ? SlackStandIn.dmOf(target) : target;
        const ts = `1700000000.${String(++this.sequence).padStart(6, '0')}`;
        this.messages.push({
          channel,
          ts,
          ...(args.thread_ts ? { threadTs: String(args.thread_ts) } : {}),
          text: String(args.text ?? ''),
          blocks: blocksOf(args.blocks),
          updates: 0,
        });
        return { ok: true, channel, ts };
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text = String(args.text ?? '');
        message.blocks = blocksOf(args.blocks);
        message.updates += 1;
        return { ok: true, channel: message.channel, ts: message.ts };
      }
      case 'conversations.history': {
        const latest = String(args.latest);
        const found = this.written.filter((m) => m.channel === args.channel && m.ts === latest);
        return {
          ok: true,
          messages: found.map(({ ts, user, text }) => ({ type: 'message', ts, user, text })),
        };
      }
      case 'chat.getPermalink':
        return {
          ok: true,
          permalink: `https://example.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}`,
        };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: `V${++this.sequence}` } };
      default:
        return { ok: true };
    }
  }
}

function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(raw));
}

function blocksOf(value: unknown): SlackBlock[] {
  if (value === undefined) return [];
  return (typeof value === 'string' ? JSON.parse(value) : value) as SlackBlock[];
}

/** A message's words as a reader sees them: every section's and context's text. */
export function wordsOf(message: Pick<PostedMessage, 'blocks' | 'text'>): string {
  const words = message.blocks.flatMap((block) => [
    ...(block.text ? [block.text.text] : []),
    ...(block.type === 'context'
      ? (block.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : (e.text?.text ?? '')))
      : []),
  ]);
  return words.length > 0 ? words.join('\n') : message.text;
}
