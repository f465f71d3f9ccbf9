import { beforeAll, describe, expect, it } from 'vitest';
import type { SeededCustomer } from '../support/test-desk.ts';
import { useTestApi } from './support/api.ts';

describe('refusals over HTTP say what and which, in words', () => {
  const api = useTestApi();
  let acme: SeededCustomer;
  let acmeKey: string;

  beforeAll(async () => {
    acme = await api().desk.seedCustomer('Acme');
    acmeKey = await api().organisationKey(acme.organisation.id);
  });

  const asAgent = (lang: string) => ({ key: api().adminKey, person: acme.agent.id, lang });
  const asAdmin = (lang: string, body?: unknown) => ({ key: api().adminKey, lang, body });

  async function openTicket(): Promise<string> {
    const opened = await api().call('POST', '/api/tickets', {
      key: acmeKey,
      person: acme.contact.id,
      body: { category: 'incident', title: 'Broken' },
    });
    expect(opened.status, opened.text).toBe(201);
    return opened.body.id as string;
  }

  it('names the ticket, person, organisation or key that was not found', async () => {
    const cases = [
      ['GET', '/api/tickets/SD-999999', asAgent('en'), 'ticket SD-999999 not found'],
      ['GET', '/api/tickets/SD-999999', asAgent('sv'), 'ärende SD-999999 hittades inte'],
      ['GET', '/api/tickets/SD-999999/history', asAgent('en'), 'ticket SD-999999 not found'],
      [
        'POST',
        '/api/organisations/no-such-org/contacts',
        asAdmin('en', { name: 'Kim' }),
        'organisation no-such-org not found',
      ],
      [
        'PUT',
        '/api/settings/ceo',
        asAdmin('sv', { personId: 'nobody-here' }),
        'person nobody-here hittades inte',
      ],
      ['DELETE', '/api/api-keys/sdk_nothing', asAdmin('en'), 'there is no live API key sdk_nothing'],
    ] as const;
    for (const [method, path, options, message] of cases) {
      const answer = await api().call(method, path, options);
      expect([answer.status, answer.body.error], `${method} ${path}`).toEqual([
        404,
        { code: 'notFound', message },
      ]);
    }
    const ticket = await openTicket();
    const assign = await api().call('POST', `/api/tickets/${ticket}/actions/assign`, {
      ...asAgent('en'),
      body: { assigneeId: 'ghost' },
    });
    expect([assign.status, assign.body.error.message]).toEqual([404, 'person ghost not found']);
  });

  it('names the action and the status in words on a 409', async () => {
    const ticket = await openTicket();
    const act = (action: string, lang: string) =>
      api().call('POST', `/api/tickets/${ticket}/actions/${action}`, asAgent(lang));
    expect((await act('resolve', 'en')).status).toBe(200);
    const english = await act('start', 'en');
    expect([english.status, english.body.error]).toEqual([
      409,
      {
        code: 'illegalTransition',
        message: `ticket ${ticket} is resolved: “start work” is not possible now`,
      },
    ]);
    const swedish = await act('wait', 'sv');
    expect(swedish.body.error.message).toBe(
      `ärende ${ticket} har status löst: ”vänta på kunden” går inte nu`,
    );
  });

  it('names the desk-only action a customer tried', async () => {
    const ticket = await openTicket();
    const answer = await api().call('POST', `/api/tickets/${ticket}/actions/start`, {
      key: acmeKey,
      person: acme.contact.id,
      lang: 'sv',
    });
    expect([answer.status, answer.body.error]).toEqual([
      403,
      { code: 'agentsOnly', message: 'bara servicedesken får göra detta (påbörja arbete)' },
    ]);
  });
});
