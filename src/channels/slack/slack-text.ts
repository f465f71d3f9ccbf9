import { formatInTimeZone } from 'date-fns-tz';

/**
 * Text a person or a customer wrote, made safe for Slack's mrkdwn: Slack reads `<…>` as links and
 * mentions (`<!channel>` would ping a whole channel) and `&…;` as entities, so those three
 * characters are escaped as Slack documents, and everything else shows as written.
 */
export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * An instant as Slack's date token, which every reader's client shows in their own time zone and
 * language; the fallback (for notifications and old clients) is in the organisation's time zone.
 */
export function slackDate(at: Date, timeZone: string): string {
  const fallback = formatInTimeZone(at, timeZone, 'yyyy-MM-dd HH:mm zzz');
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${escapeMrkdwn(fallback)}>`;
}

/**
 * What a Slack user wrote, as the desk keeps it: Slack sends `&`, `<` and `>` as entities, and
 * links and mentions in angle brackets (`<https://x|label>`, `<@U123>`); the words come back as
 * they were typed, a link as its label and address.
 */
export function fromSlackText(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/<[@#!]([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<([@#!][^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}
