import type { Activity } from 'botbuilder';

/** The words of a message: without its mentions (`<at>sladesk</at>`) or the other tags Teams adds. */
export const withoutTags = (text: string): string =>
  text
    .replace(/<at>[^<]*<\/at>/g, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();

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
