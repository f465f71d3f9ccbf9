import { describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { useDeskCli } from './support/desk-cli.ts';

/** `sladesk web link` in-process against its own database, as an operator would run it. */
const { sladesk, uri } = useDeskCli('cli_web');

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
