import type { DeskDeps } from '../../app/desk-deps.ts';
import { MAX_CONTACTS, type Organisation } from '../../domain/desk/organisation.ts';
import type { Person } from '../../domain/desk/people.ts';
import { LOCALES } from '../../domain/locale.ts';
import { translate } from '../../i18n/translate.ts';
import { liveSection, selectField, table, textField, type Choice } from './web-admin-controls.ts';
import { contractIds, PLACE_CHANNELS } from './web-admin-input.ts';
import { actionForm } from './web-forms.ts';
import { escapeHtml } from './web-html.ts';
import { wordsIn } from './web-layout.ts';
import type { SignedInRequest } from './web-request.ts';

/** What the desk-wide admin page shows. */
export interface AdminDesk {
  organisations: Organisation[];
  agents: Person[];
  ceoId: string | null;
  triage: Record<string, string>;
}

export const localeChoices = (request: SignedInRequest): Choice[] =>
  LOCALES.map((locale) => ({
    value: locale,
    label: translate(request.locale, `web.admin.locales.${locale}`),
  }));

export const channelChoices = (request: SignedInRequest): Choice[] =>
  PLACE_CHANNELS.map((channel) => ({
    value: channel,
    label: translate(request.locale, `platforms.${channel}`),
  }));

export const agentChoices = (agents: readonly Person[]): Choice[] =>
  agents.map((agent) => ({ value: agent.id, label: agent.name }));

/** "7 of 10": how many of the contract's ten contact places are taken. */
export const contactCount = (request: SignedInRequest, organisation: Organisation): string =>
  wordsIn(request.locale)('web.admin.contactCount', {
    count: organisation.contactIds.length,
    max: MAX_CONTACTS,
  });

function organisationsSection(deps: DeskDeps, request: SignedInRequest, desk: AdminDesk): string {
  const say = wordsIn(request.locale);
  const rows = [...desk.organisations]
    .sort((a, b) => a.name.localeCompare(b.name, request.locale))
    .map((organisation) => [
      `<a href="/web/admin/organisations/${encodeURIComponent(organisation.id)}">${escapeHtml(organisation.name)}</a>`,
      escapeHtml(organisation.contractId),
      contactCount(request, organisation),
    ]);
  const list =
    rows.length === 0
      ? `<p>${say('web.admin.noOrganisations')}</p>`
      : table(
          say('web.admin.organisations'),
          [
            say('web.admin.columns.name'),
            say('web.admin.columns.contract'),
            say('web.admin.columns.contacts'),
          ],
          rows,
        );
  const contracts = contractIds(deps.contracts).map((id) => ({
    value: id,
    label: deps.contracts.contract(id).terms.name,
  }));
  const create = actionForm(
    request,
    '/web/admin/organisations',
    {},
    [
      `<h3 id="new-organisation-heading">${say('web.admin.newOrganisation')}</h3>`,
      textField('organisation-name', 'name', say('web.admin.fields.name'), { required: true }),
      selectField('organisation-contract', 'contractId', say('web.admin.fields.contract'), contracts),
      selectField(
        'organisation-locale',
        'locale',
        say('web.admin.fields.locale'),
        localeChoices(request),
        'sv',
      ),
      `<button type="submit">${say('web.admin.create')}</button>`,
    ].join(''),
    { className: 'admin-form', label: translate(request.locale, 'web.admin.newOrganisation') },
  );
  return liveSection('admin-organisations', say('web.admin.organisations'), list + create);
}

function agentsSection(request: SignedInRequest, desk: AdminDesk): string {
  const say = wordsIn(request.locale);
  const rows = desk.agents.map((agent) => [
    escapeHtml(agent.name),
    escapeHtml(agent.email ?? '-'),
    say(agent.role === 'admin' ? 'web.admin.roles.admin' : 'web.admin.roles.agent'),
  ]);
  const add = actionForm(
    request,
    '/web/admin/agents',
    {},
    [
      `<h3>${say('web.admin.newAgent')}</h3>`,
      textField('agent-name', 'name', say('web.admin.fields.name'), { required: true }),
      textField('agent-email', 'email', say('web.admin.fields.email'), { type: 'email', maxLength: 320 }),
      selectField('agent-locale', 'locale', say('web.admin.fields.locale'), localeChoices(request), 'sv'),
      `<label><input type="checkbox" name="admin" value="on"> ${say('web.admin.fields.admin')}</label>`,
      `<button type="submit">${say('web.admin.add')}</button>`,
    ].join(''),
    { className: 'admin-form', label: translate(request.locale, 'web.admin.newAgent') },
  );
  const list = table(
    say('web.admin.agents'),
    [say('web.admin.columns.name'), say('web.admin.columns.email'), say('web.admin.columns.role')],
    rows,
  );
  return liveSection('admin-agents', say('web.admin.agents'), list + add);
}

function ceoSection(request: SignedInRequest, desk: AdminDesk): string {
  const say = wordsIn(request.locale);
  const ceo = desk.agents.find((agent) => agent.id === desk.ceoId);
  const now = `<p>${say('web.admin.ceoNow', { name: ceo?.name ?? translate(request.locale, 'web.admin.nobody') })}</p>`;
  const choose = actionForm(
    request,
    '/web/admin/ceo',
    {},
    [
      selectField(
        'ceo-person',
        'personId',
        say('web.admin.fields.ceo'),
        agentChoices(desk.agents),
        desk.ceoId ?? undefined,
      ),
      `<button type="submit">${say('web.admin.save')}</button>`,
    ].join(''),
    { className: 'admin-form', label: translate(request.locale, 'web.admin.ceo') },
  );
  return liveSection('admin-ceo', say('web.admin.ceo'), now + choose);
}

function triageSection(request: SignedInRequest, desk: AdminDesk): string {
  const say = wordsIn(request.locale);
  const rows = Object.entries(desk.triage)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([channel, target]) => [
      escapeHtml(translate(request.locale, `platforms.${channel}`)),
      escapeHtml(target),
    ]);
  const list =
    rows.length === 0
      ? `<p>${say('web.admin.noTriage')}</p>`
      : table(
          say('web.admin.triage'),
          [say('web.admin.columns.channel'), say('web.admin.columns.target')],
          rows,
        );
  const set = actionForm(
    request,
    '/web/admin/triage',
    {},
    [
      selectField('triage-channel', 'channel', say('web.admin.fields.channel'), channelChoices(request)),
      textField('triage-target', 'target', say('web.admin.fields.target'), {
        required: true,
        maxLength: 256,
      }),
      `<button type="submit">${say('web.admin.save')}</button>`,
    ].join(''),
    { className: 'admin-form', label: translate(request.locale, 'web.admin.triage') },
  );
  return liveSection('admin-triage', say('web.admin.triage'), list + set);
}

/** The desk-wide admin page's sections. */
export function adminMain(deps: DeskDeps, request: SignedInRequest, desk: AdminDesk): string {
  return [
    organisationsSection(deps, request, desk),
    agentsSection(request, desk),
    ceoSection(request, desk),
    triageSection(request, desk),
  ].join('');
}
