import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskDeps } from '../../../src/app/desk-deps.ts';
import { linkIdentity } from '../../../src/app/directory.ts';
import {
  slackReceiving,
  slackSender,
  type SlackReceiving,
} from '../../../src/channels/slack/slack-channel.ts';
import { DEFAULT_STATUS_EMOJI } from '../../../src/channels/slack/slack-emoji.ts';
import type { SlackCredentials } from '../../../src/config/config.ts';
import { useTestDesk } from '../../support/test-desk.ts';
import { SlackStandIn, type SocketEnvelope, type SocketLink } from './support/slack-stand-in.ts';
import { NEVER } from './support/slack-harness.ts';

const TEAM = 'T1';
const APP_TOKEN = 'xapp-1-A1-socket-mode';
const USER = 'U0SOCKET01';

/**
 * The desk's Slack channel as `npm start` composes it with an app-level token: no `/slack/events`,
 * the app connects out instead. Slack is the stand-in: its Web API answers apps.connections.open
 * with a `ws://` URL on itself and Slack's end of the socket is served there, so what goes down
 * the socket is an envelope as Slack sends it, and what comes back is the app's ack.
 */
describe('Slack in Socket Mode', () => {
  const desk = useTestDesk();
  const slack = new SlackStandIn();
  let deps: DeskDeps;
  let receiving: SlackReceiving;
  let link: SocketLink;
  let connectedLog: Promise<string>;

  beforeAll(async () => {
    await slack.start();
    const credentials: SlackCredentials = {
      botToken: 'xoxb-socket-mode',
      signingSecret: 'not-used-in-socket-mode',
      appToken: APP_TOKEN,
      apiUrl: slack.apiUrl,
      replyPrefix: '!reply',
      statusEmoji: DEFAULT_STATUS_EMOJI,
    };
    deps = desk().deliveringOn([slackSender(credentials)]);
    let connected: (message: string) => void = () => undefined;
    connectedLog = new Promise((resolve) => (connected = resolve));
    const logger = {
      error: () => undefined,
      warn: () => undefined,
      info: (_details: object, message: string) => connected(message),
    };
    receiving = slackReceiving({
      credentials,
      deps,
      clock: desk().clock,
      waiter: NEVER,
      locale: 'en',
      logger,
    });
  });

  afterAll(async () => {
    await receiving?.stop();
    await slack.stop();
  });

  it('connects out without holding up start-up: apps.connections.open with the app token, then the URL it gave', async () => {
    expect(receiving.endpoint).toBeUndefined();
    await receiving.start();
    // start() is back before Slack was even asked: an unreachable Slack keeps no desk from starting.
    expect(slack.links).toHaveLength(0);

    link = await slack.connection();
    expect(await connectedLog).toBe('Slack connected in Socket Mode');
    const opened = slack.callsOf('apps.connections.open');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.token).toBe(APP_TOKEN);
    expect(link.open).toBe(true);
  });

  it('acks a modal submitted over the socket with its envelope id and opens one ticket, however often Slack sends it', async () => {
    const { contact } = await desk().seedCustomer('Socket Mode AB');
    slack.addUser({ id: USER, locale: 'en-GB' });
    await linkIdentity(deps, contact.id, { channel: 'slack', externalId: USER, teamId: TEAM });
    const envelope: SocketEnvelope = {
      envelope_id: 'b5e1c0de-socket-0001',
      type: 'interactive',
      accepts_response_payload: true,
      payload: {
        type: 'view_submission',
        team: { id: TEAM },
        api_app_id: 'A1',
        token: 'legacy',
        user: { id: USER, team_id: TEAM },
        trigger_id: 'trigger',
        view: {
          id: 'VSOCKET1',
          type: 'modal',
          callback_id: 'sladesk_ticket',
          private_metadata: '{}',
          state: {
            values: {
              title: { value: { type: 'plain_text_input', value: 'VPN drops over the socket' } },
              description: { value: { type: 'plain_text_input', value: 'Every ten minutes since Monday.' } },
              category: { value: { type: 'static_select', selected_option: { value: 'incident' } } },
              impact: { value: { type: 'static_select', selected_option: { value: 'several' } } },
            },
          },
        },
      },
    };
    const ticketsOfContact = async () =>
      (await deps.tickets.list({ organisationId: contact.organisationId! })).tickets.filter(
        (t) => t.requesterId === contact.id,
      );

    link.send(envelope);
    // The ack is the envelope's id back over the socket; an empty payload closes the modal.
    expect(await link.acked(envelope.envelope_id)).toEqual({
      envelope_id: envelope.envelope_id,
      payload: {},
    });
    await receiving.settled();
    const opened = await ticketsOfContact();
    expect(opened.map((t) => t.title)).toEqual(['VPN drops over the socket']);
    expect(opened[0]!.category).toBe('incident');
    expect(slack.callsOf('users.info').some((call) => call.args.user === USER)).toBe(true);

    // Slack's redelivery: the same envelope again is acked again, and opens nothing more.
    link.send(envelope);
    expect(await link.acked(envelope.envelope_id, 2)).toEqual({
      envelope_id: envelope.envelope_id,
      payload: {},
    });
    await receiving.settled();
    expect((await ticketsOfContact()).map((t) => t.id)).toEqual([opened[0]!.id]);
  });

  it('stop() closes the socket, and the app does not open another', async () => {
    expect(link.open).toBe(true);
    await receiving.stop();
    await link.closed;
    expect(link.open).toBe(false);
    expect(slack.links).toHaveLength(1);
    expect(slack.callsOf('apps.connections.open')).toHaveLength(1);
  });
});
