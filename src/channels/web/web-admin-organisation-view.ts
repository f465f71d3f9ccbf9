import type { CustomerPlace } from '../../app/ports.ts';
import type { Organisation } from '../../domain/desk/organisation.ts';
import type { Person } from '../../domain/desk/people.ts';
import { translate } from '../../i18n/translate.ts';
import { liveSection, selectField, table, textField } from './web-admin-controls.ts';
import { agentChoices, channelChoices, contactCount, localeChoices } from './web-admin-view.ts';
import { actionForm } from './web-forms.ts';
import { escapeHtml } from './web-html.ts';
import { wordsIn } from './web-layout.ts';
import type { SignedInRequest } from './web-request.ts';

/** What one organisation's admin page shows. */
export interface AdminOrganisation {
  organisation: Organisation;
  contacts: Person[];
  agents: Person[];
  places: CustomerPlace[];
}

const base = (organisation: Organisation) =>
  `/web/admin/organisations/${encodeURIComponent(organisation.id)}`;

function contactsSection(request: SignedInRequest, shown: AdminOrganisation): string {
  const say = wordsIn(request.locale);
  const { organisation } = shown;
  const rows = shown.contacts.map((contact) => [
    escapeHtml(contact.name),
    escapeHtml(contact.email ?? '-'),
    actionForm(
      request,
      `${base(organisation)}/contacts/${encodeURIComponent(contact.id)}/remove`,
      {},
      `<button type="submit">${say('web.admin.remove')}</button>`,
      { label: translate(request.locale, 'web.admin.removeContact', { name: contact.name }) },
    ),
  ]);
  const count = `<p class="contact-count"><strong>${contactCount(request, organisation)}</strong> ${say('web.admin.contactLimit')}</p>`;
  const list =
    rows.length === 0
      ? `<p>${say('web.admin.noContacts')}</p>`
      : table(
          say('web.admin.contacts'),
          [say('web.admin.columns.name'), say('web.admin.columns.email'), say('web.admin.columns.actions')],
          rows,
        );
  const add = actionForm(
    request,
    `${base(organisation)}/contacts`,
    {},
    [
      `<h3>${say('web.admin.newContact')}</h3>`,
      textField('contact-name', 'name', say('web.admin.fields.name'), { required: true }),
      textField('contact-email', 'email', say('web.admin.fields.email'), { type: 'email', maxLength: 320 }),
      selectField(
        'contact-locale',
        'locale',
        say('web.admin.fields.locale'),
        localeChoices(request),
        organisation.locale,
      ),
      `<button type="submit">${say('web.admin.add')}</button>`,
    ].join(''),
    { className: 'admin-form', label: translate(request.locale, 'web.admin.newContact') },
  );
  return liveSection('admin-contacts', say('web.admin.contacts'), count + list + add);
}

function ladderSection(request: SignedInRequest, shown: AdminOrganisation): string {
  const say = wordsIn(request.locale);
  const { organisation } = shown;
  // The ladder is changed, never emptied (as the API has it): "nobody" is offered only while so.
  const nobody = { value: '', label: translate(request.locale, 'web.admin.nobody') };
  const choices = (current: string | undefined) =>
    current ? agentChoices(shown.agents) : [nobody, ...agentChoices(shown.agents)];
  const form = actionForm(
    request,
    `${base(organisation)}/ladder`,
    {},
    [
      selectField(
        'ladder-incident-manager',
        'incidentManagerId',
        say('web.admin.fields.incidentManager'),
        choices(organisation.incidentManagerId),
        organisation.incidentManagerId ?? '',
      ),
      selectField(
        'ladder-account-owner',
        'accountOwnerId',
        say('web.admin.fields.accountOwner'),
        choices(organisation.accountOwnerId),
        organisation.accountOwnerId ?? '',
      ),
      `<p class="hint">${say('web.admin.ladderHint')}</p>`,
      `<button type="submit">${say('web.admin.save')}</button>`,
    ].join(''),
    { className: 'admin-form', label: translate(request.locale, 'web.admin.ladder') },
  );
  return liveSection('admin-ladder', say('web.admin.ladder'), form);
}

function placesSection(request: SignedInRequest, shown: AdminOrganisation): string {
  const say = wordsIn(request.locale);
  const { organisation } = shown;
  const own = shown.places.filter((place) => place.organisationId === organisation.id);
  const rows = own.map((place) => [
    escapeHtml(place.place),
    escapeHtml(translate(request.locale, `platforms.${place.channel}`)),
    actionForm(
      request,
      `${base(organisation)}/places/unmap`,
      { channel: place.channel, place: place.place },
      `<button type="submit">${say('web.admin.unmap')}</button>`,
      { label: translate(request.locale, 'web.admin.unmapPlace', { place: place.place }) },
    ),
  ]);
  const list =
    rows.length === 0
      ? `<p>${say('web.admin.noPlaces')}</p>`
      : table(
          say('web.admin.places'),
          [
            say('web.admin.columns.place'),
            say('web.admin.columns.channel'),
            say('web.admin.columns.actions'),
          ],
          rows,
        );
  const map = actionForm(
    request,
    `${base(organisation)}/places`,
    {},
    [
      selectField('place-channel', 'channel', say('web.admin.fields.channel'), channelChoices(request)),
      textField('place-id', 'place', say('web.admin.fields.place'), { required: true }),
      `<button type="submit">${say('web.admin.map')}</button>`,
    ].join(''),
    { className: 'admin-form', label: translate(request.locale, 'web.admin.mapPlace') },
  );
  return liveSection('admin-places', say('web.admin.places'), list + map);
}

/** One organisation's admin page: its contacts, its escalation ladder, its chat places. */
export function organisationMain(request: SignedInRequest, shown: AdminOrganisation): string {
  const say = wordsIn(request.locale);
  return [
    `<p><a href="/web/admin">${say('web.admin.backToAdmin')}</a></p>`,
    contactsSection(request, shown),
    ladderSection(request, shown),
    placesSection(request, shown),
  ].join('');
}
