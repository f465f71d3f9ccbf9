import { escapeHtml } from './web-html.ts';

/** One choice of a select: its value and the words shown for it (not yet escaped). */
export interface Choice {
  value: string;
  label: string;
}

/** A labelled input; `label` is already escaped (it comes from wordsIn). */
export const textField = (
  id: string,
  name: string,
  label: string,
  options: { type?: string; required?: boolean; maxLength?: number } = {},
): string =>
  [
    `<label for="${id}">${label}</label>`,
    `<input id="${id}" name="${name}" type="${options.type ?? 'text'}"`,
    options.required ? ' required' : '',
    ` maxlength="${options.maxLength ?? 200}">`,
  ].join('');

/** A labelled select; `label` is already escaped, the choices are escaped here. */
export const selectField = (
  id: string,
  name: string,
  label: string,
  choices: readonly Choice[],
  selected?: string,
): string =>
  [
    `<label for="${id}">${label}</label>`,
    `<select id="${id}" name="${name}">`,
    ...choices.map(
      (choice) =>
        `<option value="${escapeHtml(choice.value)}"${choice.value === selected ? ' selected' : ''}>${escapeHtml(choice.label)}</option>`,
    ),
    '</select>',
  ].join('');

/** A table with column headings; the cells are HTML already escaped where they carry data. */
export const table = (caption: string, columns: readonly string[], rows: readonly string[][]): string =>
  [
    '<table>',
    `<caption class="visually-hidden">${caption}</caption>`,
    `<thead><tr>${columns.map((column) => `<th scope="col">${column}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map(
      ([first, ...rest]) =>
        `<tr><th scope="row">${first ?? ''}</th>${rest.map((cell) => `<td>${cell}</td>`).join('')}</tr>`,
    ),
    '</tbody></table>',
  ].join('');

/** A section that the page's script redraws in place after a form in it was sent. */
export const liveSection = (id: string, heading: string, body: string): string =>
  [
    `<section id="${id}" data-live aria-labelledby="${id}-heading">`,
    `<h2 id="${id}-heading">${heading}</h2>`,
    body,
    '</section>',
  ].join('');
