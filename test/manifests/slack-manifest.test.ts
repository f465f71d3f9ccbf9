import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const MANIFEST_PATH = new URL('../../manifests/slack/manifest.yml', import.meta.url);

interface SlackManifest {
  _metadata: { major_version: number; minor_version: number };
  display_information: { name: string };
  features: {
    slash_commands: { command: string; url: string; description: string }[];
    shortcuts: { callback_id: string; type: 'message' | 'global'; name: string; description: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
}

/**
 * The bot scope each event needs, from the "Required Scopes" of Slack's event reference
 * (docs.slack.dev/reference/events/<event>), written down here rather than read off the manifest,
 * so that a scope dropped from the manifest fails this test. app_home_opened needs none.
 */
const SCOPES_BY_EVENT: Record<string, readonly string[]> = {
  app_home_opened: [],
  app_mention: ['app_mentions:read'],
  'message.channels': ['channels:history'],
  'message.groups': ['groups:history'],
  'message.im': ['im:history'],
  'message.mpim': ['mpim:history'],
  reaction_added: ['reactions:read'],
  reaction_removed: ['reactions:read'],
};

const manifest = parseYaml(readFileSync(MANIFEST_PATH, 'utf8')) as SlackManifest;

describe('the Slack app manifest', () => {
  it('targets manifest schema 2.1 for the app sladesk', () => {
    expect(manifest._metadata).toEqual({ major_version: 2, minor_version: 1 });
    expect(manifest.display_information.name).toBe('sladesk');
  });

  it('sends commands, events and interactivity to /slack/events on one host', () => {
    const urls = [
      ...manifest.features.slash_commands.map((command) => command.url),
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ];
    expect(urls).toHaveLength(manifest.features.slash_commands.length + 2);
    const parsed = urls.map((url) => new URL(url));
    for (const url of parsed) {
      expect(url.protocol).toBe('https:');
      expect(url.pathname).toBe('/slack/events');
      expect(url.search).toBe('');
    }
    expect(new Set(parsed.map((url) => url.host)).size).toBe(1);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('asks for every bot scope its events need', () => {
    const events = manifest.settings.event_subscriptions.bot_events;
    expect(events.length).toBeGreaterThan(0);
    const scopes = new Set(manifest.oauth_config.scopes.bot);
    for (const event of events) {
      const needed = SCOPES_BY_EVENT[event];
      expect(needed, `no known scopes for event ${event}`).toBeDefined();
      for (const scope of needed!) expect(scopes, `${event} needs ${scope}`).toContain(scope);
    }
  });

  it('has the slash commands /ticket and /desk', () => {
    expect(manifest.features.slash_commands.map((command) => command.command).sort()).toEqual([
      '/desk',
      '/ticket',
    ]);
  });

  it('has the three shortcuts by callback id', () => {
    const shortcuts = manifest.features.shortcuts.map(({ callback_id, type }) => ({ callback_id, type }));
    expect(shortcuts).toEqual(
      expect.arrayContaining([
        { callback_id: 'sladesk_create_ticket', type: 'message' },
        { callback_id: 'sladesk_send_to_customer', type: 'message' },
        { callback_id: 'sladesk_new_ticket', type: 'global' },
      ]),
    );
    expect(shortcuts).toHaveLength(3);
  });
});
