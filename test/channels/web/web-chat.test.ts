import { describe, expect, it } from 'vitest';
import { performAction } from '../../../src/app/perform-action.ts';
import { signInAs, useWebWorld, webCall, type Browser } from './support.ts';

const world = useWebWorld('en');
const call = (method: string, path: string, options: Parameters<typeof webCall>[3] = {}) =>
  webCall(world().api.url, method, path, options);
const page = (path: string, browser: Browser) => call('GET', path, { browser, accept: 'text/html' });

/** The hidden `name` field of the first form posting to `action` on a page. */
function fieldIn(html: string, action: string, name: string): string {
  const form = html.split('<form').find((part) => part.includes(`action="${action}"`));
  const value = form && new RegExp(`name="${name}" value="([^"]*)"`).exec(form)?.[1];
  if (!value) throw new Error(`no ${name} in a form to ${action}`);
  return value;
}

let n = 0;
async function customer() {
  const seeded = await world().api.desk.seedCustomer(`Web chat ${++n} AB`);
  return { ...seeded, browser: await signInAs(world(), seeded.contact.id) };
}

describe('the chat intake, without the script', () => {
  it('asks what is wrong, what kind, who is affected, then opens one ticket however often it is sent', async () => {
    const { browser, organisation } = await customer();
    const first = await page('/web/chat/new', browser);
    expect(first.status).toBe(200);
    expect(first.text).toContain('What is wrong?');
    const submission = fieldIn(first.text, '/web/chat/new', 'submission');

    const form = { submission, title: 'The printer is on fire', description: 'Smoke everywhere' };
    const category = await call('POST', '/web/chat/new', { browser, form, accept: 'text/html' });
    expect(category.status).toBe(200);
    expect(category.text).toContain('Kind of request');
    expect(category.text).toContain('The printer is on fire');
    const impact = await call('POST', '/web/chat/new', {
      browser,
      form: { ...form, category: 'incident' },
      accept: 'text/html',
    });
    expect(impact.text).toContain('Who is affected?');
    const confirm = await call('POST', '/web/chat/new', {
      browser,
      form: { ...form, category: 'incident', impact: 'all' },
      accept: 'text/html',
    });
    expect(confirm.text).toContain('action="/web/chat/open"');
    expect(confirm.text).toContain('Requested priority');

    const final = { ...form, category: 'incident', impact: 'all', priority: '' };
    const opened = await call('POST', '/web/chat/open', { browser, form: final, accept: 'text/html' });
    expect(opened.status).toBe(303);
    const id = /ticket=([A-Z]+-\d+)/.exec(opened.headers.get('location')!)![1]!;
    const again = await call('POST', '/web/chat/open', { browser, form: final, accept: 'text/html' });
    expect(again.headers.get('location')).toBe(opened.headers.get('location'));
    const listed = await world().desk.tickets.list({ organisationId: organisation.id });
    expect(listed.tickets.filter((t) => t.title === 'The printer is on fire')).toHaveLength(1);
    expect((await world().desk.tickets.get(id))!.description).toContain('Impact: Everyone');

    const chat = await page(`/web/chat?ticket=${id}`, browser);
    expect(chat.text).toContain(`Your ticket ${id}`);
    expect(chat.text).toContain('<html lang="en">');
  });

  it('comes back to the question with what was wrong, and opens nothing', async () => {
    const { browser, organisation } = await customer();
    const empty = await call('POST', '/web/chat/new', {
      browser,
      form: { submission: 'submission-empty-1', title: '   ' },
      accept: 'text/html',
    });
    expect(empty.text).toContain('Say in a few words what is wrong.');
    expect(empty.text).toContain('aria-invalid="true"');
    const unknown = await call('POST', '/web/chat/open', {
      browser,
      form: { submission: 'submission-bad-cat', title: 'x', category: 'gossip', impact: 'one' },
      accept: 'text/html',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Choose one.');
    const json = await call('POST', '/web/chat/open', {
      browser,
      body: { submission: 'submission-bad-json', title: 'x', category: 'incident', impact: 'many' },
    });
    expect(json.status).toBe(400);
    expect(json.json.error.message).toMatch(/impact/);
    expect((await world().desk.tickets.list({ organisationId: organisation.id })).tickets).toEqual([]);
  });

  it('says out of hours when the desk opens and when the response is due', async () => {
    world().api.desk.clock.set('2026-11-21T10:00:00+01:00'); // a Saturday
    const { browser } = await customer();
    const opened = await call('POST', '/web/chat/open', {
      browser,
      body: {
        submission: 'weekend-open-1',
        title: 'Saturday trouble',
        description: '',
        category: 'incident',
        impact: 'one',
      },
    });
    expect(opened.status).toBe(201);
    const chat = await page(`/web/chat?ticket=${opened.json.ticket.id}`, browser);
    expect(chat.text).toContain('Support opens 2026-11-23 08:00');
  });
});

describe('the conversation', () => {
  it('carries the desk’s public reply to the customer and the customer’s reply back, through forms', async () => {
    const { browser, agent } = await customer();
    const opened = await call('POST', '/web/chat/open', {
      browser,
      body: {
        submission: 'conversation-1',
        title: 'Mail bounces',
        description: 'All of it',
        category: 'incident',
        impact: 'several',
      },
    });
    const id = opened.json.ticket.id as string;
    await performAction(world().desk, agent.id, id, { name: 'claim' });
    await performAction(world().desk, agent.id, id, {
      name: 'comment',
      body: 'Which address bounces?',
      visibility: 'public',
    });
    const chat = await page(`/web/chat?ticket=${id}`, browser);
    expect(chat.text).toContain('Which address bounces?');
    const thread = fieldIn(chat.text, '/web/reply', 'thread');
    const submission = fieldIn(chat.text, '/web/reply', 'submission');
    const form = { thread, submission, text: 'ceo@acme.example', back: `/web/chat?ticket=${id}` };
    const replied = await call('POST', '/web/reply', { browser, form, accept: 'text/html' });
    expect(replied.status).toBe(303);
    expect(replied.headers.get('location')).toBe(`/web/chat?ticket=${id}`);
    await call('POST', '/web/reply', { browser, form, accept: 'text/html' });
    // The way back stays a page of the web desk, as the browser resolves it.
    for (const back of ['/web/../../x', '/web//evil.example', 'https://evil.example/web/']) {
      const escaped = await call('POST', '/web/reply', {
        browser,
        form: { ...form, text: `escape ${back}`, submission: `escape-${back.length}-abcdef`, back },
        accept: 'text/html',
      });
      expect(escaped.headers.get('location')).toBe('/web/chat');
    }
    const ticket = (await world().desk.tickets.get(id))!;
    expect(ticket.comments.filter((c) => c.body === 'ceo@acme.example')).toHaveLength(1);
    // Their own words stay in the conversation, once.
    const after = await page(`/web/chat?ticket=${id}`, browser);
    expect(after.text.split('<li class="message own"><p>ceo@acme.example</p>')).toHaveLength(2);
  });

  it('refuses what is not the reader’s own: another’s message, the queue, a forged form', async () => {
    const acme = await customer();
    const other = await customer();
    const opened = await call('POST', '/web/chat/open', {
      browser: acme.browser,
      body: {
        submission: 'own-only-1',
        title: 'Private',
        description: '',
        category: 'incident',
        impact: 'one',
      },
    });
    const id = opened.json.ticket.id as string;
    const mine = await call('GET', '/web/messages', { browser: acme.browser });
    const ref = mine.json.messages.find((m: { ticketId: string }) => m.ticketId === id).ref as string;

    const press = await call('POST', '/web/press', {
      browser: other.browser,
      body: { ref, action: 'claim', submission: 'foreign-press-1' },
    });
    expect(press.status).toBe(404);
    const reply = await call('POST', '/web/reply', {
      browser: other.browser,
      body: { thread: ref, text: 'hello', submission: 'foreign-reply-1' },
    });
    expect(reply.status).toBe(404);
    expect((await call('GET', '/web/messages?place=triage', { browser: acme.browser })).status).toBe(403);
    const bad = await call('POST', '/web/press', {
      browser: acme.browser,
      body: { ref: 'nope', action: 'claim' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('“ref”');
    const forged = await webCall(world().api.url, 'POST', '/web/reply', {
      browser: { cookie: acme.browser.cookie, csrf: 'forged' },
      form: { thread: ref, text: 'forged', submission: 'forged-reply-1' },
    });
    expect(forged.status).toBe(403);
    const ticket = (await world().desk.tickets.get(id))!;
    expect(ticket.comments).toEqual([]);
    expect(ticket.status).toBe('new');
  });

  it('sends a signed-out browser to the front door, and a script a 401', async () => {
    expect((await call('GET', '/web/chat', { accept: 'text/html' })).headers.get('location')).toBe('/web/');
    expect((await call('GET', '/web/messages')).status).toBe(401);
    expect((await call('GET', '/web/nowhere')).status).toBe(404);
  });
});

describe('the live stream', () => {
  it('tells the customer’s open page at once when the desk acts on their ticket', async () => {
    const { browser, agent } = await customer();
    const opened = await call('POST', '/web/chat/open', {
      browser,
      body: {
        submission: 'live-open-1',
        title: 'Live',
        description: '',
        category: 'incident',
        impact: 'one',
      },
    });
    const controller = new AbortController();
    const stream = await fetch(`${world().api.url}/web/live`, {
      headers: { cookie: `sladesk_session=${browser.cookie}` },
      signal: controller.signal,
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    expect(text).toContain('retry:');
    expect(world().live.listening).toBeGreaterThan(0);
    await performAction(world().desk, agent.id, opened.json.ticket.id, { name: 'claim' });
    while (!text.includes('event: change')) text += decoder.decode((await reader.read()).value);
    controller.abort();
  });
});
