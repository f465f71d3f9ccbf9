/**
 * The Slack benchmark: how fast `/slack/events` acks signed requests under load, and that each
 * did what it asked exactly once, Slack's retries included. Three kinds, each its own rows:
 * view_submissions of the new-ticket modal (one ticket each), `/ticket <text>` slash commands (one
 * views.open each) and Claim presses on the triage cards of the tickets those submissions opened
 * (each ticket claimed once, by its presser).
 *
 * The desk is the real one: `openDesk` on an empty temporary data directory starts the embedded
 * FerretDB (that handle seeds the directory and counts what was stored), and for each level of
 * concurrency and each kind `startDesk` serves the HTTP API as a `web` process of `npm start`
 * does, with the Slack channel configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL)
 * and its own connection to the same database. Slack's Web API is the tests' local stand-in, so
 * nothing leaves the machine. Stopping the web process waits for the Slack receiver's
 * `settled()` (the work acked but not yet done) before its database connection goes; what came of
 * the requests is counted then.
 *
 * Each request is distinct (a modal's view id, a command's trigger_id, a press's ticket and
 * action_ts), form-encoded and signed as Slack signs it (HMAC-SHA256 of `v0:<timestamp>:<raw
 * body>`). Every `SLACK_BENCH_RETRY_EVERY`th submission and press is sent a second time a few
 * requests later, with `x-slack-retry-num: 1`, while the first may still be in flight or in its
 * work after the ack. Before them, per level, signed `url_verification` requests (answered by the
 * endpoint itself) give the floor and open every socket of the level.
 *
 * Environment knobs (defaults in brackets): SLACK_BENCH_REQUESTS [600] (distinct requests per
 * level and kind), SLACK_BENCH_SECONDS [10] (a kind stops sending after this long),
 * SLACK_BENCH_LEVELS ["50,200"] (connections), SLACK_BENCH_USERS [50] (contacts linked to Slack
 * users), SLACK_BENCH_AGENTS [10] (agents linked to Slack users, the pressers),
 * SLACK_BENCH_RETRY_EVERY [10], SLACK_BENCH_WARM_UP [50] (requests per level and kind, not timed).
 */
import { createHmac } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAgent, addContact, createOrganisation, linkIdentity } from '../src/app/directory.ts';
import { parseButton } from '../src/channels/slack/listeners/buttons.ts';
import { setTriagePlace } from '../src/app/messaging/messaging-admin.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/log.ts';
import { openDesk } from '../src/runtime/open-desk.ts';
import { startDesk } from '../src/runtime/start-desk.ts';
import { SlackStandIn, type SlackBlock } from '../test/channels/slack/support/slack-stand-in.ts';
import { drive, fmtMs, fmtPerS, httpClient, latency, row, type Latency, type Reply } from './http-load.ts';
import { intFromEnv } from './knobs.ts';
import type { Bench, BenchReport, Check } from './run.ts';
import { tidyUp } from './cleanup.ts';

/**
 * Target. Slack gives an app 3 s to ack, then retries; the listeners ack first and work after,
 * so the ack is a signature check, a parse and the person's language, and should stay far inside
 * that whatever the work queued behind it: p99 < 100 ms at 200 connections.
 */
const TARGET_P99_MS = 100;
const TARGET_AT = 200;
const SLACK_DEADLINE_MS = 3000;

const SIGNING_SECRET = 'bench-signing-secret';
const TEAM = 'T1';
const CONTRACT = 'stratiteq';
const TRIAGE_CHANNEL = 'CTRIAGE';
/** A retry follows its original this many requests later: often still in flight, or in its work. */
const RETRY_LAG = 3;
/** Signed URL checks per level, answered before any listener runs: the endpoint's own cost. */
const FLOOR_REQUESTS = 1000;
/** The English refusals a person is sent when the work after an ack fails (locales/en.json). */
const REFUSAL = /still under way|could not handle/;
/** The stratiteq contract's limit is 10. */
const CONTACTS_PER_ORGANISATION = 10;
const DESCRIPTION =
  'Since this morning the nightly export of invoices to the ERP stops halfway with a timeout. ' +
  'Finance needs them for the month-end close on Friday.';

interface Knobs {
  requests: number;
  seconds: number;
  levels: number[];
  users: number;
  agents: number;
  retryEvery: number;
  warmUp: number;
}

function levelsFromEnv(): number[] {
  const raw = process.env.SLACK_BENCH_LEVELS?.trim() || '50,200';
  const levels = raw.split(',').map((s) => Number(s.trim()));
  if (levels.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`SLACK_BENCH_LEVELS must be whole numbers ≥ 1, comma-separated (got "${raw}")`);
  return levels;
}

/** The kinds of request measured, each its own rows. */
type Kind = 'view_submission' | 'command' | 'press';
const KIND_NAMES: Record<Kind, string> = {
  view_submission: 'view_submission',
  command: '`/ticket` command',
  press: 'Claim press',
};

/**
 * One request as Slack makes it: the raw form body, sent again as it was for a retry; `key` is
 * what its outcome is found by (a submission's title, a command's trigger_id, a press's ticket).
 */
interface SlackRequest {
  raw: string;
  key: string;
  retry: boolean;
  /** A press: who pressed (the agent's person id) and where its refusal would be said. */
  presserId?: string;
  answerPath?: string;
}

const slackUser = (i: number): string => `UBENCH${String(i).padStart(4, '0')}`;
const slackAgent = (i: number): string => `UAGENT${String(i).padStart(4, '0')}`;
const interaction = (payload: Record<string, unknown>): string =>
  `payload=${encodeURIComponent(JSON.stringify({ team: { id: TEAM }, api_app_id: 'A1', token: 'legacy', ...payload }))}`;

function submission(level: string, n: number, user: string): SlackRequest {
  const title = `Slack bench ${level} #${n}: invoice export stops halfway`;
  const raw = interaction({
    type: 'view_submission',
    user: { id: user, team_id: TEAM },
    trigger_id: `trigger-${level}-${n}`,
    view: {
      id: `VBENCH${level.replace(/[^A-Za-z0-9]/g, '')}N${n}`,
      type: 'modal',
      callback_id: 'sladesk_ticket',
      private_metadata: '{}',
      state: {
        values: {
          title: { value: { type: 'plain_text_input', value: title } },
          description: { value: { type: 'plain_text_input', value: DESCRIPTION } },
          category: { value: { type: 'static_select', selected_option: { value: 'incident' } } },
          impact: { value: { type: 'static_select', selected_option: { value: 'several' } } },
        },
      },
    },
  });
  return { raw, key: title, retry: false };
}

/** `/ticket <text>`, form-encoded as Slack posts a slash command; its trigger_id is its own. */
function command(slack: SlackStandIn, level: string, n: number, user: string): SlackRequest {
  const trigger = `trigger-cmd-${level}-${n}`;
  const raw = new URLSearchParams({
    token: 'legacy',
    team_id: TEAM,
    team_domain: 'bench',
    api_app_id: 'A1',
    channel_id: 'CBENCHGENERAL',
    channel_name: 'general',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/ticket',
    text: `VPN &lt;down&gt; since this morning (${level} #${n})`,
    is_enterprise_install: 'false',
    response_url: slack.responseUrl(`ticket-${level}-${n}`),
    trigger_id: trigger,
  }).toString();
  return { raw, key: trigger, retry: false };
}

/** A triage card's Claim button and the ticket it is for. */
interface Card {
  ticketId: string;
  channel: string;
  ts: string;
  text: string;
  claim: NonNullable<SlackBlock['elements']>[number];
}

/** A Claim press on a card, as Slack sends block_actions; action_ts its own. */
function press(
  slack: SlackStandIn,
  level: string,
  n: number,
  actionTs: string,
  card: Card,
  agent: { slackId: string; personId: string },
): SlackRequest {
  const answerPath = `press-${level}-${n}`;
  const raw = interaction({
    type: 'block_actions',
    user: { id: agent.slackId, team_id: TEAM },
    trigger_id: `trigger-press-${level}-${n}`,
    response_url: slack.responseUrl(answerPath),
    container: { type: 'message', channel_id: card.channel, message_ts: card.ts, is_ephemeral: false },
    channel: { id: card.channel },
    message: { ts: card.ts, text: card.text },
    actions: [{ ...card.claim, block_id: 'sladesk-actions', action_ts: actionTs }],
  });
  return { raw, key: card.ticketId, retry: false, presserId: agent.personId, answerPath };
}

/** The originals in order, each `retryEvery`th retried `RETRY_LAG` places after it (or at the end). */
function withRetries(originals: SlackRequest[], retryEvery: number): SlackRequest[] {
  const out: SlackRequest[] = [];
  const pending: { at: number; s: SlackRequest }[] = [];
  for (const [i, s] of originals.entries()) {
    out.push(s);
    if (retryEvery > 0 && i % retryEvery === retryEvery - 1)
      pending.push({ at: i + RETRY_LAG, s: { ...s, retry: true } });
    while (pending.length > 0 && pending[0]!.at <= i) out.push(pending.shift()!.s);
  }
  out.push(...pending.map((p) => p.s));
  return out;
}

const challenge = (i: number) =>
  JSON.stringify({ token: 'legacy', type: 'url_verification', challenge: `c${i}` });

function signedHeaders(raw: string, contentType: string, retry: boolean): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${raw}`).digest('hex')}`;
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signature,
    ...(retry ? { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } : {}),
  };
}

/** One kind of request at one level: its load, and what came of it once the work settled. */
interface Measured {
  connections: number;
  kind: Kind;
  sent: number;
  originals: number;
  retries: number;
  lat: Latency;
  retryLat: Latency;
  perS: number;
  wallMs: number;
  /** Answers other than the ack (or failures below HTTP). */
  bad: Reply[];
  /** From the last answer to the receiver settled (web process stopped). */
  settleMs: number;
  /** Distinct requests (warm-up included), and how many of them came out right. */
  expected: number;
  right: number;
  /** What the outcome column says, e.g. "1 050/1 050 tickets". */
  outcome: string;
  /** The correctness check's detail, and whether it holds. */
  correct: boolean;
  detail: string;
  load: [number, number];
}

interface Floor {
  connections: number;
  lat: Latency;
  perS: number;
  bad: number;
}

async function run(): Promise<BenchReport> {
  const knobs: Knobs = {
    requests: intFromEnv('SLACK_BENCH_REQUESTS', 600),
    seconds: intFromEnv('SLACK_BENCH_SECONDS', 10),
    levels: levelsFromEnv(),
    users: intFromEnv('SLACK_BENCH_USERS', 50),
    agents: intFromEnv('SLACK_BENCH_AGENTS', 10),
    retryEvery: intFromEnv('SLACK_BENCH_RETRY_EVERY', 10, 0),
    warmUp: intFromEnv('SLACK_BENCH_WARM_UP', 50, 0),
  };
  const lines: string[] = [];
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'sladesk-bench-slack-'));
  const benchBegan = performance.now();
  try {
    const slack = new SlackStandIn();
    await slack.start();
    cleanups.push(() => slack.stop());
    const env: NodeJS.ProcessEnv = {
      PORT: '0',
      HOST: '127.0.0.1',
      SLADESK_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
    };
    const config = loadConfig(env);
    const logger = createLogger(config, process.stderr);
    const began = performance.now();
    const desk = await openDesk(config, logger);
    cleanups.push(() => desk.close());
    const db = desk.database.connection.db;
    if (!db) throw new Error('the desk has no open database');
    const deskOpenMs = performance.now() - began;

    // The triage channel, where each new ticket's card is posted, as on a desk that is set up.
    await setTriagePlace(desk.deps, 'slack', TRIAGE_CHANNEL);
    // The directory: customers (a contract allows so many contacts each), their contacts each
    // linked to a Slack user the stand-in knows; and the desk's agents, linked the same way.
    const organisationIds: string[] = [];
    for (let i = 0; i < knobs.users; i++) {
      if (i % CONTACTS_PER_ORGANISATION === 0) {
        const organisation = await createOrganisation(desk.deps, {
          name: `Bench Slack ${organisationIds.length + 1} AB`,
          contractId: CONTRACT,
          locale: 'en',
        });
        organisationIds.push(organisation.id);
      }
      const id = slackUser(i);
      const email = `${id.toLowerCase()}@bench.example`;
      const contact = await addContact(desk.deps, organisationIds.at(-1)!, { name: `Bench ${i}`, email });
      await linkIdentity(desk.deps, contact.id, { channel: 'slack', externalId: id, teamId: TEAM });
      slack.addUser({ id, email, locale: 'en-GB' });
    }
    const agents: { slackId: string; personId: string }[] = [];
    for (let i = 0; i < knobs.agents; i++) {
      const slackId = slackAgent(i);
      const email = `${slackId.toLowerCase()}@desk.example`;
      const agent = await addAgent(desk.deps, { name: `Bench agent ${i}`, email, locale: 'en' });
      await linkIdentity(desk.deps, agent.id, { channel: 'slack', externalId: slackId, teamId: TEAM });
      slack.addUser({ id: slackId, email, locale: 'en-GB' });
      agents.push({ slackId, personId: agent.id });
    }
    // A generation above 0 is an open claim taken over from a holder that looked abandoned.
    const claims = db.collection<{ _id: string; generation: number }>('open_claims');
    const takeovers = () => claims.countDocuments({ generation: { $gte: 1 } });
    const tickets = db.collection<{
      _id: string;
      title: string;
      organisationId: string;
      status: string;
      assigneeId?: string;
      version: number;
    }>('tickets');
    const webEnv = { ...env, MONGODB_URI: desk.database.uri };
    const ackedOk = (kind: Kind) => (r: Reply) =>
      kind === 'command' ? r.status === 200 : r.status === 200 && r.text === '';

    /**
     * One kind at one level on a web process of its own: the warm-up (not timed), the load (up to
     * `knobs.seconds`), then the process stopped, which waits for the receiver's settled().
     */
    const measure = async (
      connections: number,
      kind: Kind,
      warm: SlackRequest[],
      planned: SlackRequest[],
      contentType: string,
      withFloor: (
        send: (raw: string, contentType: string) => Promise<Reply>,
      ) => Promise<void> = async () => {},
    ) => {
      const web = await startDesk(loadConfig(webEnv), logger, new Set(['web']));
      let stopped = false;
      cleanups.push(() => (stopped ? undefined : web.stop()));
      if (!web.url) throw new Error('startDesk gave no URL');
      const client = httpClient(web.url, connections);
      const sendRaw = (raw: string, type: string, retry = false): Promise<Reply> =>
        client.call('POST', '/slack/events', signedHeaders(raw, type, retry), Buffer.from(raw, 'utf8'));
      const send = (s: SlackRequest) => sendRaw(s.raw, contentType, s.retry);
      // Every socket of the level opened before anything is timed (a new process, a new client):
      // signed URL checks, answered by the endpoint itself.
      await drive(FLOOR_REQUESTS / 5, connections, (i) => sendRaw(challenge(i), 'application/json'));
      await withFloor(sendRaw);
      await drive(warm.length, connections, (i) => send(warm[i]!));

      const load0 = loadavg()[0]!;
      const deadline = performance.now() + knobs.seconds * 1000;
      const sentOnes: SlackRequest[] = [];
      const done = await drive(planned.length, connections, async (i) => {
        if (performance.now() > deadline) return undefined;
        const s = planned[i]!;
        sentOnes.push(s);
        return { s, reply: await send(s) };
      });
      const lastAnswer = performance.now();
      const results = done.results.filter((r): r is { s: SlackRequest; reply: Reply } => r !== undefined);
      client.close();
      await web.stop(); // closes the server, then waits for the Slack receiver's settled()
      stopped = true;
      const settleMs = performance.now() - lastAnswer;
      const ok = ackedOk(kind);
      return {
        sentOnes,
        measured: {
          connections,
          kind,
          sent: results.length,
          originals: results.filter((r) => !r.s.retry).length,
          retries: results.filter((r) => r.s.retry).length,
          lat: latency(results.filter((r) => ok(r.reply)).map((r) => r.reply.ms)),
          retryLat: latency(results.filter((r) => r.s.retry && ok(r.reply)).map((r) => r.reply.ms)),
          perS: results.length / (done.wallMs / 1000),
          wallMs: done.wallMs,
          bad: results.map((r) => r.reply).filter((r) => !ok(r)),
          settleMs,
          load: [load0, loadavg()[0]!] as [number, number],
        },
      };
    };

    const floors: Floor[] = [];
    const measured: Measured[] = [];
    let posted = 0;
    let refusalPosts = 0;
    let takenOver = 0;
    for (const [levelIndex, connections] of knobs.levels.entries()) {
      const label = `c${connections}`;
      const form = 'application/x-www-form-urlencoded';

      // 1. view_submissions of the new-ticket modal, after the floor: Slack's URL check, signed,
      // answered by the endpoint itself (no bolt, no database), on an idle desk: what the HTTP
      // server and the signature check cost at this level. Its tickets are the ones pressed in 3.
      const warmViews = Array.from({ length: knobs.warmUp }, (_, i) =>
        submission(`${label}w`, i, slackUser(i % knobs.users)),
      );
      const views = withRetries(
        Array.from({ length: knobs.requests }, (_, i) => submission(label, i, slackUser(i % knobs.users))),
        knobs.retryEvery,
      );
      const postedBefore = slack.callsOf('chat.postMessage').length;
      const takeoversBefore = await takeovers();
      const v = await measure(connections, 'view_submission', warmViews, views, form, async (sendRaw) => {
        const floorRun = await drive(FLOOR_REQUESTS, connections, (i) =>
          sendRaw(challenge(i), 'application/json'),
        );
        const floorOk = floorRun.results.filter((r) => r.status === 200 && r.text.includes('"challenge"'));
        floors.push({
          connections,
          lat: latency(floorOk.map((r) => r.ms)),
          perS: FLOOR_REQUESTS / (floorRun.wallMs / 1000),
          bad: FLOOR_REQUESTS - floorOk.length,
        });
      });
      const expectedTitles = new Set([...warmViews, ...v.sentOnes].map((s) => s.key));
      const stored = await tickets
        .find({ organisationId: { $in: organisationIds }, title: { $regex: `^Slack bench ${label}[w ]` } })
        .project<{ _id: string; title: string; version: number; status: string }>({
          title: 1,
          version: 1,
          status: 1,
        })
        .toArray();
      const byTitle = new Map<string, number>();
      for (const t of stored) byTitle.set(t.title, (byTitle.get(t.title) ?? 0) + 1);
      const missing = [...expectedTitles].filter((t) => !byTitle.has(t)).length;
      const doubled = [...byTitle.values()].filter((n) => n > 1).length;
      const levelTakeovers = (await takeovers()) - takeoversBefore;
      const levelPosts = slack.callsOf('chat.postMessage').slice(postedBefore);
      posted += levelPosts.length;
      const levelRefusals = levelPosts.filter((c) => REFUSAL.test(String(c.args.text ?? ''))).length;
      refusalPosts += levelRefusals;
      takenOver += levelTakeovers;
      measured.push({
        ...v.measured,
        expected: expectedTitles.size,
        right: expectedTitles.size - missing,
        outcome: `${fmtCount(stored.length)}/${fmtCount(expectedTitles.size)} tickets`,
        correct:
          missing === 0 && doubled === 0 && stored.length === expectedTitles.size && levelRefusals === 0,
        detail:
          `${stored.length} tickets for ${expectedTitles.size} distinct submissions (${v.measured.retries} retried): ` +
          `${missing} missing, ${doubled} doubled; ${levelTakeovers} open claims taken over as abandoned; ` +
          `${levelRefusals} failures told`,
      });

      // 2. `/ticket <text>`: acked, then views.open with the modal, once per command.
      const warmCommands = Array.from({ length: knobs.warmUp }, (_, i) =>
        command(slack, `${label}w`, i, slackUser(i % knobs.users)),
      );
      const commands = Array.from({ length: knobs.requests }, (_, i) =>
        command(slack, label, i, slackUser(i % knobs.users)),
      );
      const opensBefore = slack.callsOf('views.open').length;
      const c = await measure(connections, 'command', warmCommands, commands, form);
      const expectedTriggers = new Set([...warmCommands, ...c.sentOnes].map((s) => s.key));
      const opens = new Map<string, number>();
      for (const call of slack.callsOf('views.open').slice(opensBefore)) {
        const trigger = String(call.args.trigger_id);
        opens.set(trigger, (opens.get(trigger) ?? 0) + 1);
      }
      const opened = [...expectedTriggers].filter((t) => opens.get(t) === 1).length;
      const lostOpens = [...expectedTriggers].filter((t) => !opens.has(t)).length;
      const doubledOpens = [...opens.values()].filter((n) => n > 1).length;
      const strangerOpens = [...opens.keys()].filter((t) => !expectedTriggers.has(t)).length;
      const doubledTriggers = [...opens].filter(([, n]) => n > 1).map(([t]) => t);
      const commandRefusals = slack.responses.filter((r) => r.path.startsWith(`ticket-${label}`)).length;
      measured.push({
        ...c.measured,
        expected: expectedTriggers.size,
        right: opened,
        outcome: `${fmtCount(opened)}/${fmtCount(expectedTriggers.size)} modals`,
        correct:
          opened === expectedTriggers.size &&
          doubledOpens === 0 &&
          strangerOpens === 0 &&
          commandRefusals === 0,
        detail:
          `${opened} of ${expectedTriggers.size} commands opened exactly one modal: ${lostOpens} lost, ` +
          `${doubledOpens} doubled${doubledTriggers.length > 0 ? ` (${doubledTriggers.slice(0, 3).join(', ')})` : ''}, ` +
          `${strangerOpens} for no command; ${commandRefusals} answered with a refusal`,
      });

      // 3. Claim on the triage cards of this level's tickets (opened and settled in 1): each press
      // a distinct ticket, by an agent linked to a Slack user; every retryEvery'th sent again.
      const cards = new Map<string, Card>();
      for (const m of slack.messages) {
        if (m.channel !== TRIAGE_CHANNEL || m.threadTs) continue;
        const claim = m.blocks
          .find((b) => b.type === 'actions')
          ?.elements?.find((e) => e.action_id === 'sladesk:claim');
        const ticketId = (parseButton(claim?.value) as { ticketId?: string } | null)?.ticketId;
        if (claim && ticketId)
          cards.set(ticketId, { ticketId, channel: m.channel, ts: m.ts, text: m.text, claim });
      }
      const pressable = stored.filter((t) => t.status === 'new' && cards.has(t._id));
      const versionsBefore = new Map(pressable.map((t) => [t._id, t.version]));
      const pressWarm = Math.min(knobs.warmUp, Math.floor(pressable.length / 10));
      const presses = pressable.map((t, i) =>
        press(
          slack,
          label,
          i,
          `${1_800_000_000 + levelIndex * 100_000 + i}.000100`,
          cards.get(t._id)!,
          agents[i % agents.length]!,
        ),
      );
      const warmPresses = presses.slice(0, pressWarm);
      const plannedPresses = withRetries(
        presses.slice(pressWarm, pressWarm + knobs.requests),
        knobs.retryEvery,
      );
      const p = await measure(connections, 'press', warmPresses, plannedPresses, form);
      const pressed = [...warmPresses, ...p.sentOnes.filter((s) => !s.retry)];
      const after = new Map(
        (
          await tickets
            .find({ _id: { $in: pressed.map((s) => s.key) } })
            .project<{ _id: string; status: string; assigneeId?: string; version: number }>({
              status: 1,
              assigneeId: 1,
              version: 1,
            })
            .toArray()
        ).map((t) => [t._id, t]),
      );
      let claimedRight = 0;
      let wrongStatus = 0;
      let wrongAssignee = 0;
      let wrongVersion = 0;
      for (const s of pressed) {
        const t = after.get(s.key);
        const statusOk = t?.status === 'claimed';
        const assigneeOk = t?.assigneeId === s.presserId;
        const versionOk = t !== undefined && t.version === versionsBefore.get(s.key)! + 1;
        if (!statusOk) wrongStatus++;
        if (!assigneeOk) wrongAssignee++;
        if (!versionOk) wrongVersion++;
        if (statusOk && assigneeOk && versionOk) claimedRight++;
      }
      const pressPaths = new Set(pressed.map((s) => s.answerPath));
      const pressRefusals = slack.responses.filter((r) => pressPaths.has(r.path)).length;
      measured.push({
        ...p.measured,
        expected: pressed.length,
        right: claimedRight,
        outcome: `${fmtCount(claimedRight)}/${fmtCount(pressed.length)} claimed`,
        correct: claimedRight === pressed.length && pressed.length > 0 && pressRefusals === 0,
        detail:
          `${claimedRight} of ${pressed.length} pressed tickets claimed once by their presser ` +
          `(${p.measured.retries} presses retried): ${wrongStatus} not claimed, ${wrongAssignee} another ` +
          `assignee, ${wrongVersion} version not bumped exactly once; ${pressRefusals} presses refused`,
      });
    }

    // --- Report -------------------------------------------------------------------------------
    const w = [30, 6, 7, 10, 9, 9, 9, 9, 5, 9, 20];
    const byKind = (kind: Kind) => measured.filter((m) => m.kind === kind);
    const ordered = (['view_submission', 'command', 'press'] as const).flatMap(byKind);
    lines.push(
      `  per level and kind up to ${knobs.requests} distinct requests (or ${knobs.seconds} s) after ${knobs.warmUp} ` +
        `warm-up ones; of the view_submissions and the presses every ${knobs.retryEvery || '-'}th sent again ` +
        `${RETRY_LAG} requests later with x-slack-retry-num: 1;`,
      `  ${knobs.users} contacts and ${knobs.agents} agents linked to Slack users; embedded FerretDB (SQLite) in a new ` +
        `temporary data directory (desk opened in ${fmtMs(deskOpenMs)}); a web process per level and kind ` +
        `(startDesk, Slack in HTTP mode, Web API: the local stand-in)`,
      '',
      row(
        [
          'conns, requests',
          'sent',
          'retries',
          'acks/s',
          'p50',
          'p90',
          'p99',
          'max',
          'bad',
          'settle',
          'outcome',
        ],
        w,
      ),
      ...floors.map((f) =>
        row(
          [
            `${f.connections} url_verification (floor)`,
            String(FLOOR_REQUESTS),
            '-',
            fmtPerS(f.perS),
            fmtMs(f.lat.p50),
            fmtMs(f.lat.p90),
            fmtMs(f.lat.p99),
            fmtMs(f.lat.max),
            String(f.bad),
            '-',
            '-',
          ],
          w,
        ),
      ),
      ...ordered.map((m) =>
        row(
          [
            `${m.connections} ${KIND_NAMES[m.kind]}`,
            String(m.sent),
            String(m.retries),
            fmtPerS(m.perS),
            fmtMs(m.lat.p50),
            fmtMs(m.lat.p90),
            fmtMs(m.lat.p99),
            fmtMs(m.lat.max),
            String(m.bad.length),
            fmtMs(m.settleMs),
            m.outcome,
          ],
          w,
        ),
      ),
      '',
      ...ordered.map(
        (m) =>
          `  ${m.connections} conns, ${KIND_NAMES[m.kind]}: sent for ${fmtMs(m.wallMs)}` +
          (m.retries > 0
            ? `; retries' acks p50 ${fmtMs(m.retryLat.p50)}, p99 ${fmtMs(m.retryLat.p99)}`
            : '') +
          `; the work after the acks took ${fmtMs(m.settleMs)} more ` +
          `(${fmtPerS(m.expected / ((m.wallMs + m.settleMs) / 1000))} end to end); load average ` +
          `${m.load[0].toFixed(1)}→${m.load[1].toFixed(1)}`,
      ),
      `  view_submissions: ${posted} chat.postMessage to the stand-in, ${refusalPosts} of them telling the person ` +
        `it failed; ${takenOver} open claims taken over as abandoned. Whole bench: ${fmtMs(performance.now() - benchBegan)}.`,
      `  (settle: from the last answer to the web process stopped, which waits for the receiver's settled(); ` +
        `outcome: right / distinct requests, warm-up included: tickets stored, modals opened once (views.open), ` +
        `tickets claimed once by the presser. The HTTP client runs in the server's process.)`,
    );
    for (const f of floors)
      check(
        `${f.connections} conns: signed URL checks answered with their challenge`,
        f.bad === 0,
        `${FLOOR_REQUESTS - f.bad}/${FLOOR_REQUESTS}`,
      );
    for (const m of ordered) {
      const first = m.bad[0];
      const name = `${m.connections} conns, ${KIND_NAMES[m.kind]}`;
      check(
        `${name}: every request acked with ${m.kind === 'command' ? 'a 200' : 'an empty 200'}`,
        m.bad.length === 0 && m.sent > 0,
        `${m.sent - m.bad.length}/${m.sent}` +
          (first ? `; first: ${first.status} ${first.failure ?? first.text.slice(0, 200)}` : ''),
      );
      check(
        `${name}: ${
          m.kind === 'view_submission'
            ? 'one ticket per distinct submission, none lost or doubled'
            : m.kind === 'command'
              ? 'one views.open per command, none lost or doubled, none refused'
              : 'every pressed ticket claimed exactly once by its presser, none refused'
        }`,
        m.correct,
        m.detail,
      );
      check(
        `${name}: ack max inside Slack's deadline`,
        m.lat.max < SLACK_DEADLINE_MS,
        `${fmtMs(m.lat.max)} (< ${fmtMs(SLACK_DEADLINE_MS)})`,
      );
    }
    for (const m of ordered.filter((x) => x.connections === TARGET_AT))
      check(
        `ack p99 at ${TARGET_AT} connections, ${KIND_NAMES[m.kind]}`,
        m.lat.p99 < TARGET_P99_MS,
        `${fmtMs(m.lat.p99)} (target < ${fmtMs(TARGET_P99_MS)})`,
      );
    return { lines, checks };
  } finally {
    await tidyUp('slack', cleanups, dataDir);
  }
}

/** 1050 as "1 050", as the tables write counts. */
const fmtCount = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

const bench: Bench = {
  name: 'slack',
  description:
    'how fast /slack/events acks signed modal submissions, /ticket commands and Claim presses under load, and each done once',
  run,
};
export default bench;
