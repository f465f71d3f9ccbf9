import { expect } from 'vitest';
import { openTicket } from '../../../src/app/open-ticket.ts';
import type { Person } from '../../../src/domain/desk/people.ts';
import type { Ticket } from '../../../src/domain/tickets/ticket.ts';
import { webCall, type Browser, type WebReply, type WebWorld } from './support.ts';

/** A ticket opened by a contact, as the desk the web routes use opens it. */
export const openAs = (world: WebWorld, contact: Person, title: string): Promise<Ticket> =>
  openTicket(world.desk, contact.id, {
    requesterId: contact.id,
    source: 'api',
    category: 'user_support',
    title,
    description: `About ${title}`,
  });

export const stored = async (world: WebWorld, id: string): Promise<Ticket> =>
  (await world.desk.tickets.get(id))!;

export const pageOf = (world: WebWorld, browser: Browser, path: string): Promise<WebReply> =>
  webCall(world.api.url, 'GET', path, { browser, accept: 'text/html' });

const unescape = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The hidden fields of the page's form posting to `action`, as a browser would send them; undefined without one. */
export function formOn(html: string, action: string): Record<string, string> | undefined {
  const start = html.indexOf(`<form method="post" action="${action}"`);
  if (start < 0) return undefined;
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  for (const [, name, value] of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[name!] = unescape(value!);
  return fields;
}

/** The hidden fields of the page's form posting to `action`, which the page must have. */
export function formOf(html: string, action: string): Record<string, string> {
  const fields = formOn(html, action);
  expect(fields, `a form posting to ${action}`).toBeDefined();
  return fields!;
}

/** A table's text without its caption, cells separated by " | " and rows by newlines, tags left out. */
export function tableText(html: string, className: string): string {
  const match = new RegExp(`<table class="${className}">([\\s\\S]*?)</table>`).exec(html);
  if (!match) return '';
  return match[1]!
    .replace(/<caption[\s\S]*?<\/caption>/, '')
    .split(/<\/tr>/)
    .map((row) =>
      row
        .split(/<\/t[hd]>/)
        .map((cell) => unescape(cell.replace(/<[^>]+>/g, '')).trim())
        .filter(Boolean)
        .join(' | '),
    )
    .filter(Boolean)
    .join('\n');
}
