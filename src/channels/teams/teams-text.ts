import type { Activity } from 'botbuilder';

const ENTITIES: Record<string, string> = {
  '&nbsp;': ' ',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&apos;': "'",
  '&amp;': '&',
};

/**
 * The words of a message as someone wrote them: without its mentions (`<at>sladesk</at>`,
 * `<at id="0">…</at>`) or the other tags Teams adds, its paragraphs and line breaks kept as lines.
 * Teams gives a message's text with these tags, and a message action's payload as HTML.
 */
export function withoutTags(text: string): string {
  return text
    .replace(/<at\b[^>]*>[\s\S]*?<\/at>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|blockquote|pre)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(nbsp|lt|gt|quot|#39|apos|amp);/g, (entity) => ENTITIES[entity] ?? entity)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The blockquote a Teams client puts at the top of a reply that quotes an earlier message. */
const QUOTE = /<blockquote[^>]*itemtype="http:\/\/schema\.skype\.com\/Reply"[^>]*>[\s\S]*?<\/blockquote>/i;
const QUOTED_ID = /itemid="([^"]+)"/i;

interface QuotedReplyEntity {
  type?: string;
  quotedReply?: { messageId?: unknown };
}

/**
 * The messages a chat message quotes ("Reply" on a message in a chat), newest way first: the
 * quoted-reply entities of current clients, then the quote in the message's HTML that older ones
 * send, then the activity's replyToId.
 */
export function quotedMessageIds(activity: Partial<Activity>): string[] {
  const ids: string[] = [];
  for (const entity of (activity.entities ?? []) as QuotedReplyEntity[]) {
    const id = entity.type === 'quotedReply' ? entity.quotedReply?.messageId : undefined;
    if (typeof id === 'string' && id) ids.push(id);
  }
  for (const attachment of activity.attachments ?? []) {
    if (attachment.contentType !== 'text/html' || typeof attachment.content !== 'string') continue;
    const quoted = QUOTED_ID.exec(QUOTE.exec(attachment.content)?.[0] ?? '')?.[1];
    if (quoted) ids.push(quoted);
  }
  if (activity.replyToId) ids.push(activity.replyToId);
  return [...new Set(ids)];
}

/** What the person wrote in a message, without the earlier message it quotes. */
export function ownWords(activity: Partial<Activity>): string {
  const html = (activity.attachments ?? []).find(
    (a) => a.contentType === 'text/html' && typeof a.content === 'string' && QUOTE.test(a.content),
  );
  if (html) return withoutTags((html.content as string).replace(QUOTE, ''));
  return withoutTags(activity.text ?? '');
}
