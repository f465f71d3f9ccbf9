import nodemailer from 'nodemailer';
import type { SignedInPerson } from '../../app/web-sign-in.ts';
import type { Locale } from '../../i18n/translate.ts';
import { translate } from '../../i18n/translate.ts';
import { SIGN_IN_LIMITS } from '../../app/web-sign-in.ts';

/** A sign-in link on its way to its person. */
export interface LinkToDeliver {
  to: SignedInPerson;
  url: string;
}

/** How a sign-in link reaches its person: e-mail, or (local mode) the console log. */
export interface LinkDelivery {
  deliver(link: LinkToDeliver): Promise<void>;
  close?(): void;
}

export interface InfoLogger {
  info(details: object, message: string): void;
}

/** Local mode, no SMTP: the link is printed to the log for whoever runs the desk. Nowhere else. */
export function logDelivery(logger: InfoLogger): LinkDelivery {
  return {
    async deliver({ to, url }) {
      logger.info({ personId: to.person.id }, `sign-in link for ${to.person.name}: ${url}`);
    },
  };
}

/** The person's language, else their organisation's, else the desk's. */
export const localeOf = (to: SignedInPerson, fallback: Locale): Locale =>
  to.person.locale ?? to.organisation?.locale ?? fallback;

/** The mail's subject and text, in the person's language. */
export function linkMail(link: LinkToDeliver, fallback: Locale): { subject: string; text: string } {
  const locale = localeOf(link.to, fallback);
  const params = { name: link.to.person.name, url: link.url, minutes: SIGN_IN_LIMITS.linkMs / 60_000 };
  return {
    subject: translate(locale, 'web.mail.subject', params),
    text: translate(locale, 'web.mail.text', params),
  };
}

export interface MailSettings {
  /** smtp://user:pass@host:587 or smtps://…:465 */
  smtpUrl: string;
  from: string;
}

/**
 * The link by e-mail through the configured SMTP server (nodemailer: STARTTLS when the server
 * offers it on smtp://, TLS from the start on smtps://). A failure is thrown without the URL.
 */
export function mailDelivery(settings: MailSettings, fallback: Locale): LinkDelivery {
  const transport = nodemailer.createTransport(settings.smtpUrl);
  return {
    async deliver(link) {
      const to = link.to.person.email;
      if (!to) return;
      const { subject, text } = linkMail(link, fallback);
      try {
        await transport.sendMail({ from: settings.from, to, subject, text });
      } catch (error) {
        // nodemailer's errors can quote the server's answer, never our credentials; say only what failed.
        const { code, responseCode } = error as { code?: string; responseCode?: number };
        throw new Error(`sending the sign-in mail failed (${code ?? 'error'} ${responseCode ?? ''})`.trim());
      }
    },
    close: () => transport.close(),
  };
}
