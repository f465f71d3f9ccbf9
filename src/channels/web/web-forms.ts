import { randomBytes } from 'node:crypto';
import { escapeHtml } from './web-html.ts';
import { csrfField } from './web-layout.ts';
import type { SignedInRequest } from './web-request.ts';

/** A new form's own id: what makes sending it twice one event (web-input.ts SUBMISSION). */
export const newSubmission = (): string => randomBytes(12).toString('base64url');

/** Hidden fields, each value escaped. */
export const hidden = (fields: Record<string, string | undefined>): string =>
  Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value!)}">`)
    .join('');

/**
 * A state-changing form: posted as it is without the script, sent by the script and answered in
 * place with it (desk.js). It carries the CSRF token, its own submission id and the way back.
 */
export function actionForm(
  request: SignedInRequest,
  action: string,
  fields: Record<string, string | undefined>,
  inner: string,
  options: { className?: string; label?: string } = {},
): string {
  const back = `${request.path}${request.query.size > 0 ? `?${request.query.toString()}` : ''}`;
  const label = options.label ? ` aria-label="${escapeHtml(options.label)}"` : '';
  return [
    `<form method="post" action="${action}" data-enhance${options.className ? ` class="${options.className}"` : ''}${label}>`,
    csrfField(request),
    hidden({ submission: newSubmission(), back, ...fields }),
    inner,
    '<p class="form-error" role="alert"></p>',
    '</form>',
  ].join('');
}
