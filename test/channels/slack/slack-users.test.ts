import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackClient } from '../../../src/channels/slack/slack-client.ts';
import { SlackUsers } from '../../../src/channels/slack/slack-users.ts';

const HOUR = 3_600_000;

/** users.info as Slack answers it, counting the calls. */
function usersInfo(
  profiles: Record<
    string,
    {
      email?: string;
      locale?: string;
      is_bot?: boolean;
      team_id?: string;
      is_stranger?: boolean;
      is_email_confirmed?: boolean;
    }
  >,
) {
  const asked: string[] = [];
  nock('http://slack.test')
    .persist()
    .post('/api/users.info')
    .reply((_uri, body) => {
      const args = new URLSearchParams(String(body));
      const user = args.get('user')!;
      asked.push(user);
      const profile = profiles[user];
      if (!profile) return [200, { ok: false, error: 'user_not_found' }];
      return [
        200,
        {
          ok: true,
          user: {
            id: user,
            is_bot: profile.is_bot ?? false,
            locale: profile.locale,
            team_id: profile.team_id,
            is_stranger: profile.is_stranger,
            is_email_confirmed: profile.is_email_confirmed,
            profile: { email: profile.email },
          },
        },
      ];
    });
  return asked;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('SlackUsers', () => {
  let now = Date.parse('2026-12-02T09:00:00Z');
  const clock = { now: () => new Date(now) };
  const users = (options = {}) =>
    new SlackUsers(
      createSlackClient({ botToken: 'xoxb-t', apiUrl: 'http://slack.test/api/' }),
      clock,
      options,
    );

  it('gives the identity with the profile’s e-mail and language, and asks Slack once within the hour', async () => {
    const asked = usersInfo({ U1: { email: 'anna@acme.se', locale: 'sv-SE' } });
    const directory = users();
    const first = await directory.get('T1', 'U1');
    expect(first).toEqual({
      identity: { channel: 'slack', externalId: 'U1', teamId: 'T1' },
      email: 'anna@acme.se',
      locale: 'sv',
    });
    expect(await directory.get('T1', 'U1')).toEqual(first);
    expect(asked).toEqual(['U1']);
    now += HOUR + 1;
    await directory.get('T1', 'U1');
    expect(asked).toEqual(['U1', 'U1']);
  });

  it('a bot’s address is never used to match a contact; an unknown language is left out', async () => {
    usersInfo({ B1: { email: 'bot@acme.se', is_bot: true, locale: 'fi-FI' } });
    expect(await users().get(undefined, 'B1')).toEqual({
      identity: { channel: 'slack', externalId: 'B1' },
      isBot: true,
    });
  });

  it('forgets the user seen longest ago when full', async () => {
    const asked = usersInfo({ U1: {}, U2: {}, U3: {} });
    const directory = users({ max: 2 });
    for (const id of ['U1', 'U2', 'U3', 'U1']) await directory.get('T1', id);
    expect(asked).toEqual(['U1', 'U2', 'U3', 'U1']);
    await directory.get('T1', 'U3');
    expect(asked).toHaveLength(4);
  });

  it('a user Slack does not know is an error, not a stranger with no address', async () => {
    usersInfo({});
    await expect(users().get('T1', 'U404')).rejects.toThrow(/user_not_found/);
  });

  it('marks a user of another workspace external, and takes no address Slack did not confirm or hides', async () => {
    usersInfo({
      U0GUEST: { email: 'kim@customer.example', team_id: 'T0THEIRS' },
      U0HOME: { email: 'ida@desk.example', team_id: 'T1' },
      U0UNCONFIRMED: { email: 'eve@desk.example', team_id: 'T1', is_email_confirmed: false },
      U0STRANGER: { email: 'x@elsewhere.example', is_stranger: true },
    });
    const get = (user: string) => users().get('T1', user);
    expect(await get('U0GUEST')).toMatchObject({ email: 'kim@customer.example', external: true });
    expect(await get('U0HOME')).toEqual({
      identity: { channel: 'slack', externalId: 'U0HOME', teamId: 'T1' },
      email: 'ida@desk.example',
    });
    expect((await get('U0UNCONFIRMED')).email).toBeUndefined();
    expect(await get('U0STRANGER')).toMatchObject({ external: true });
    expect((await get('U0STRANGER')).email).toBeUndefined();
  });
});
