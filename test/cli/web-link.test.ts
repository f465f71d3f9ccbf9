import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import mongoose from 'mongoose';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';

/** `sladesk web link` in-process against its own database, as an operator would run it. */
const database = `cli_web_${randomBytes(4).toString('hex')}`;
const uri = (() => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/${database}`;
  return url.toString();
})();

async function sladesk(env: Record<string, string>, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdin: Readable.from([]),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { MONGODB_URI: uri, SLADESK_LOCALE: 'en', LOG_LEVEL: 'silent', ...env },
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as Record<string, unknown> };
}

afterAll(async () => {
  const connection = await mongoose.createConnection(uri).asPromise();
  await connection.dropDatabase();
  await connection.close();
});

describe('sladesk web link', () => {
  it('prints a one-time link for a person, at the public URL, stored only as its hash', async () => {
    const agent = (await sladesk({}, 'agent', 'add', '--name', 'Ida Incident')).json();
    const made = await sladesk(
      { SLADESK_PUBLIC_URL: 'https://desk.example.com/' },
      'web',
      'link',
      '--person',
      String(agent.id),
    );
    expect(made.code).toBe(0);
    const answer = made.json();
    expect(answer.personId).toBe(agent.id);
    expect(String(answer.url)).toMatch(/^https:\/\/desk\.example\.com\/web\/sign-in\/[A-Za-z0-9_-]{43}$/);
    const token = String(answer.url).split('/').pop()!;
    const connection = await mongoose.createConnection(uri).asPromise();
    try {
      const links = await connection.collection('sign_in_links').find({ personId: agent.id }).toArray();
      expect(links).toHaveLength(1);
      expect(JSON.stringify(links)).not.toContain(token);
    } finally {
      await connection.close();
    }
    const local = (await sladesk({ PORT: '3456' }, 'web', 'link', '--person', String(agent.id))).json();
    expect(String(local.url)).toMatch(/^http:\/\/127\.0\.0\.1:3456\/web\/sign-in\//);
  });

  it('names what is wrong: an unknown person, a missing option, in Swedish when asked', async () => {
    const unknown = await sladesk({}, 'web', 'link', '--person', 'nobody');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/nobody/);
    const missing = await sladesk({ SLADESK_LOCALE: 'sv' }, 'web', 'link');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--person måste anges');
    const help = await sladesk({}, 'web', 'link', '--help');
    expect(help.stdout).toContain('web link --person ID');
  });
});
