import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent, addContact } from '../../../src/app/directory.ts';
import { linkIn, useWebWorld } from './support.ts';

const world = useWebWorld('en');

interface Received {
  from: string;
  to: string[];
  user?: string;
  raw: string;
}

const received: Received[] = [];
let smtp: SMTPServer;
let port = 0;

beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'desk' && auth.password === 'p@ss word') callback(null, { user: 'desk' });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;
});

afterAll(async () => {
  world().serveWith(undefined);
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** A header's value with its RFC 2047 encoded words decoded. */
function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const value = new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1] ?? '';
  return value.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_w, kind: string, text: string) =>
    kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : qp(text.replace(/_/g, ' ')),
  );
}

/** Quoted-printable text decoded (as UTF-8). */
const qp = (text: string): string =>
  Buffer.from(
    text
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_w, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');

function body(raw: string): string {
  const text = raw
    .split(/\r?\n\r?\n/)
    .slice(1)
    .join('\n\n');
  const encoding = header(raw, 'Content-Transfer-Encoding').toLowerCase();
  if (encoding === 'base64') return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return qp(text);
  return text;
}

describe('sign-in links by e-mail', () => {
  it('mails the link through the configured SMTP server, in the person’s language, and logs no link', async () => {
    world().serveWith({
      smtpUrl: `smtp://desk:${encodeURIComponent('p@ss word')}@127.0.0.1:${port}`,
      from: 'Sladesk <desk@desk.example>',
    });
    const { organisation } = await world().api.desk.seedCustomer('Mail customer');
    const person = await addContact(world().api.desk.deps, organisation.id, {
      name: 'Åsa Öberg',
      email: 'asa@kund.example',
      locale: 'sv',
    });
    const before = world().log.length;
    const asked = await fetch(`${world().api.url}/web/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'asa@kund.example' }),
    });
    expect(asked.status).toBe(202);
    await world().web.settled();
    expect(world().log.slice(before)).toEqual([]);
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail).toMatchObject({ from: 'desk@desk.example', to: ['asa@kund.example'], user: 'desk' });
    expect(header(mail.raw, 'Subject')).toBe('Din inloggningslänk till servicedesken');
    const text = body(mail.raw);
    expect(text).toContain('Hej Åsa Öberg!');
    expect(text).toContain('Länken fungerar en gång, i 15 minuter.');
    const link = linkIn(text)!;
    expect(link.url).toBe(`${world().api.url}/web/sign-in/${link.token}`);
    const used = await fetch(link.url, { redirect: 'manual' });
    expect(used.status).toBe(303);
    expect(person.id).toBeDefined();
  });

  it('logs a failed delivery without the SMTP password, and answers the same', async () => {
    world().serveWith({
      smtpUrl: `smtp://desk:wrong-secret-pw@127.0.0.1:${port}`,
      from: 'desk@desk.example',
    });
    await addAgent(world().api.desk.deps, {
      name: 'Mail Agent',
      email: 'agent-mail@desk.example',
      locale: 'en',
    });
    const before = world().log.length;
    const asked = await fetch(`${world().api.url}/web/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'agent-mail@desk.example' }),
    });
    expect(asked.status).toBe(202);
    await world().web.settled();
    const lines = world().log.slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', message: 'sign-in link not delivered' });
    expect(JSON.stringify(lines, Object.getOwnPropertyNames(lines[0]!.details.err ?? {}))).not.toContain(
      'wrong-secret-pw',
    );
    expect(String((lines[0]!.details.err as Error).message)).not.toContain('wrong-secret-pw');
  });
});
