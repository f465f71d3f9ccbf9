import { describe, expect, it } from 'vitest';
import { addAgent, addContact, removeContact } from '../../../src/app/directory.ts';
import type { Person } from '../../../src/domain/desk/people.ts';
import type { Organisation } from '../../../src/domain/desk/organisation.ts';
import { cookieOf, linkIn, useWebWorld } from './support.ts';

const world = useWebWorld('en');
const MINUTE = 60_000;

interface WebCall {
  cookie?: string;
  csrf?: string;
  body?: unknown;
  lang?: string;
  accept?: string;
}

async function web(method: string, path: string, options: WebCall = {}) {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = `sladesk_session=${options.cookie}`;
  if (options.csrf !== undefined) headers['x-csrf-token'] = options.csrf;
  if (options.lang) headers['accept-language'] = options.lang;
  if (options.accept) headers.accept = options.accept;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${world().api.url}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, headers: response.headers, text, json: json as any };
}

const collection = (name: string) => world().api.desk.connection.collection(name);

let seq = 0;
async function contact(locale: 'sv' | 'en' = 'en'): Promise<{ person: Person; organisation: Organisation }> {
  const { organisation } = await world().api.desk.seedCustomer(`Web customer ${++seq}`);
  const person = await addContact(world().api.desk.deps, organisation.id, {
    name: `Kim Kund ${seq}`,
    email: `kim${seq}@acme.example`,
    locale,
  });
  return { person, organisation };
}

/** Asks for a link for `email` and gives back the token printed to the log. */
async function linkFor(email: string): Promise<string> {
  const before = world().log.length;
  const asked = await web('POST', '/web/sign-in', { body: { email } });
  expect(asked.status).toBe(202);
  await world().web.settled();
  const line = world()
    .log.slice(before)
    .find((entry) => linkIn(entry.message));
  expect(line, `a link for ${email} in the log`).toBeDefined();
  return linkIn(line!.message)!.token;
}

async function signIn(email: string): Promise<{ cookie: string; csrf: string }> {
  const used = await web('GET', `/web/sign-in/${await linkFor(email)}`);
  expect(used.status).toBe(303);
  const cookie = cookieOf(used.headers.get('set-cookie'))!;
  const session = await web('GET', '/web/session', { cookie });
  expect(session.status).toBe(200);
  return { cookie, csrf: session.json.csrfToken as string };
}

describe('asking for a sign-in link', () => {
  it('answers a known and an unknown address alike, and prints only the known one a link (local mode)', async () => {
    const { person } = await contact();
    const before = world().log.length;
    const known = await web('POST', '/web/sign-in', { body: { email: person.email!.toUpperCase() } });
    const unknown = await web('POST', '/web/sign-in', { body: { email: 'nobody@nowhere.example' } });
    await world().web.settled();
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.text).toBe(known.text);
    expect(known.json.message).toMatch(/sign-in link is on its way/);
    const lines = world().log.slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', details: { personId: person.id } });
    const link = linkIn(lines[0]!.message)!;
    expect(link.url).toBe(`${world().api.url}/web/sign-in/${link.token}`);
    // Stored only as its hash.
    const stored = await collection('sign_in_links').find({ personId: person.id }).toArray();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(link.token);
    expect(stored[0]!._id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('limits an address to five links in fifteen minutes, known or not, in the caller’s language', async () => {
    const { person } = await contact();
    for (const email of [person.email!, 'stranger@nowhere.example']) {
      for (let i = 0; i < 5; i++) {
        expect((await web('POST', '/web/sign-in', { body: { email } })).status).toBe(202);
      }
      const sixth = await web('POST', '/web/sign-in', { body: { email }, lang: 'sv' });
      expect(sixth.status).toBe(429);
      expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(sixth.json.error).toMatchObject({ code: 'tooManySignInRequests' });
      expect(sixth.json.error.message).toMatch(/för många inloggningslänkar/);
    }
    await world().web.settled();
    expect(await collection('sign_in_links').countDocuments({ personId: person.id })).toBe(5);
    world().api.desk.clock.advance(15 * MINUTE);
    expect((await web('POST', '/web/sign-in', { body: { email: person.email! } })).status).toBe(202);
    await world().web.settled();
  });

  it('refuses a bad body with a message naming the e-mail address, and writes nothing', async () => {
    const attempts = await collection('sign_in_attempts').countDocuments();
    for (const body of [{ email: 'not an address' }, { mail: 'kim@acme.example' }, {}, 'kim']) {
      const answer = await web('POST', '/web/sign-in', { body });
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatchObject({ code: 'invalidEmail' });
      expect(answer.json.error.message).toMatch(/e-mail address/);
    }
    expect((await web('GET', '/web/sign-in')).status).toBe(405);
    expect(await collection('sign_in_attempts').countDocuments()).toBe(attempts);
  });

  it('gives no link to a removed contact', async () => {
    const { person, organisation } = await contact();
    await removeContact(world().api.desk.deps, organisation.id, person.id);
    const before = world().log.length;
    expect((await web('POST', '/web/sign-in', { body: { email: person.email! } })).status).toBe(202);
    await world().web.settled();
    expect(world().log.slice(before)).toEqual([]);
  });
});

describe('using a sign-in link', () => {
  it('starts a session once: an httpOnly, SameSite=Lax cookie, then a redirect to /web/', async () => {
    const { person } = await contact();
    const token = await linkFor(person.email!);
    const used = await web('GET', `/web/sign-in/${token}`);
    expect(used.status).toBe(303);
    expect(used.headers.get('location')).toBe('/web/');
    const setCookie = used.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^sladesk_session=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toContain(`Max-Age=${7 * 24 * 3600}`);
    expect(setCookie).not.toContain('Secure');
    const sessions = await collection('web_sessions').find({ personId: person.id }).toArray();
    expect(sessions).toHaveLength(1);
    expect(JSON.stringify(sessions)).not.toContain(cookieOf(setCookie)!);

    const again = await web('GET', `/web/sign-in/${token}`);
    expect(again.status).toBe(410);
    expect(again.headers.get('content-type')).toMatch(/^text\/html/);
    expect(again.text).toContain('This sign-in link has been used');
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await collection('web_sessions').countDocuments({ personId: person.id })).toBe(1);

    const home = await web('GET', '/web/', { cookie: cookieOf(setCookie)! });
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/web/chat');
    const chat = await web('GET', '/web/chat', { cookie: cookieOf(setCookie)!, accept: 'text/html' });
    expect(chat.status).toBe(200);
    expect(chat.text).toContain(person.name);
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const { person } = await contact();
    const token = await linkFor(person.email!);
    world().publicUrl = 'https://desk.example.com';
    try {
      const used = await web('GET', `/web/sign-in/${token}`);
      expect(used.headers.get('set-cookie')).toMatch(/; Secure$/);
    } finally {
      delete world().publicUrl;
    }
  });

  it('refuses an expired link, in Swedish for a Swedish browser, and creates nothing', async () => {
    const { person } = await contact();
    const token = await linkFor(person.email!);
    world().api.desk.clock.advance(15 * MINUTE + 1000);
    const late = await web('GET', `/web/sign-in/${token}`, { lang: 'sv-SE,sv;q=0.9' });
    expect(late.status).toBe(410);
    expect(late.text).toContain('Inloggningslänken har gått ut');
    expect(late.text).toContain('<html lang="sv">');
    expect(await collection('web_sessions').countDocuments({ personId: person.id })).toBe(0);
  });

  it('answers 404 for an unknown or malformed link, and never logs a link’s token', async () => {
    const sessions = await collection('web_sessions').countDocuments();
    const unknown = await web('GET', `/web/sign-in/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('This sign-in link is not valid');
    expect((await web('GET', '/web/sign-in/short')).status).toBe(404);
    expect((await web('GET', `/web/sign-in/${'A'.repeat(43)}/more`)).status).toBe(404);
    expect(await collection('web_sessions').countDocuments()).toBe(sessions);
    const { person } = await contact();
    const token = await linkFor(person.email!);
    await web('GET', `/web/sign-in/${token}`);
    const requestLines = world().api.log.filter((line) => line.message === 'request');
    expect(requestLines.some((line) => line.details.route === '/web/*')).toBe(true);
    expect(JSON.stringify(world().api.log)).not.toContain(token);
  });

  it('gives one session when the same link is used twice at once', async () => {
    const { person } = await contact();
    const token = await linkFor(person.email!);
    const answers = await Promise.all(Array.from({ length: 4 }, () => web('GET', `/web/sign-in/${token}`)));
    expect(answers.map((a) => a.status).sort()).toEqual([303, 410, 410, 410]);
    expect(await collection('web_sessions').countDocuments({ personId: person.id })).toBe(1);
  });

  it('does not sign in a contact removed after the link was sent', async () => {
    const { person, organisation } = await contact();
    const token = await linkFor(person.email!);
    await removeContact(world().api.desk.deps, organisation.id, person.id);
    expect((await web('GET', `/web/sign-in/${token}`)).status).toBe(404);
    expect(await collection('web_sessions').countDocuments({ personId: person.id })).toBe(0);
  });
});

describe('the session', () => {
  it('says who is signed in, with the CSRF token; 401 without a session', async () => {
    const { person, organisation } = await contact('sv');
    const { cookie, csrf } = await signIn(person.email!);
    const session = await web('GET', '/web/session', { cookie });
    expect(session.json).toEqual({
      person: {
        id: person.id,
        name: person.name,
        role: 'contact',
        locale: 'sv',
        organisation: { id: organisation.id, name: organisation.name },
      },
      csrfToken: csrf,
    });
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const none = await web('GET', '/web/session');
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('notSignedIn');
    const forged = await web('GET', '/web/session', { cookie: 'B'.repeat(43) });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('set-cookie')).toMatch(/^sladesk_session=; Max-Age=0/);
  });

  it('signs an agent in too, with no organisation', async () => {
    const agent = await addAgent(world().api.desk.deps, { name: 'Ida Agent', email: 'ida@desk.example' });
    const { cookie } = await signIn('ida@desk.example');
    const session = await web('GET', '/web/session', { cookie });
    expect(session.json.person).toMatchObject({ id: agent.id, role: 'agent', organisation: null });
  });

  it('refuses a state-changing request without the right CSRF token (403, localised), changing nothing', async () => {
    const { person } = await contact('sv');
    const { cookie, csrf } = await signIn(person.email!);
    for (const token of [undefined, '', 'wrong', `${csrf.slice(0, -1)}x`]) {
      const refused = await web('POST', '/web/sign-out', {
        cookie,
        ...(token === undefined ? {} : { csrf: token }),
      });
      expect(refused.status).toBe(403);
      expect(refused.json.error.code).toBe('csrfTokenMissing');
      // The signed-in person's language.
      expect(refused.json.error.message).toMatch(/CSRF-token.*inget ändrades/);
    }
    expect((await web('GET', '/web/session', { cookie })).status).toBe(200);
    expect(await collection('web_sessions').countDocuments({ personId: person.id })).toBe(1);
    expect((await web('POST', '/web/anything', { cookie })).status).toBe(403);
    expect((await web('DELETE', '/web/session', { cookie })).status).toBe(403);
  });

  it('signs out: the session is deleted and the cookie cleared', async () => {
    const { person } = await contact();
    const { cookie, csrf } = await signIn(person.email!);
    const out = await web('POST', '/web/sign-out', { cookie, csrf });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toBe('sladesk_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');
    expect(await collection('web_sessions').countDocuments({ personId: person.id })).toBe(0);
    expect((await web('GET', '/web/session', { cookie })).status).toBe(401);
    expect((await web('POST', '/web/sign-out', { cookie, csrf })).status).toBe(401);
  });

  it('ends when the contact is removed from their organisation', async () => {
    const { person, organisation } = await contact();
    const { cookie } = await signIn(person.email!);
    await removeContact(world().api.desk.deps, organisation.id, person.id);
    expect((await web('GET', '/web/session', { cookie })).status).toBe(401);
    expect(await collection('web_sessions').countDocuments({ personId: person.id })).toBe(0);
  });

  it('ends after twelve hours unused, and after seven days however used', async () => {
    const { person } = await contact();
    const clock = world().api.desk.clock;
    const idle = await signIn(person.email!);
    clock.advance(11 * 60 * MINUTE);
    expect((await web('GET', '/web/session', { cookie: idle.cookie })).status).toBe(200);
    clock.advance(11 * 60 * MINUTE);
    expect((await web('GET', '/web/session', { cookie: idle.cookie })).status).toBe(200);
    clock.advance(12 * 60 * MINUTE + 1000);
    expect((await web('GET', '/web/session', { cookie: idle.cookie })).status).toBe(401);

    const busy = await signIn(person.email!);
    for (let hours = 0; hours < 7 * 24; hours += 10) {
      clock.advance(10 * 60 * MINUTE);
      const seen = await web('GET', '/web/session', { cookie: busy.cookie });
      expect(seen.status, `after ${hours + 10} h`).toBe(hours + 10 < 7 * 24 ? 200 : 401);
    }
  });
});
