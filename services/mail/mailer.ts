import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends mail. Implementations: SMTP (nodemailer) and the development outbox. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * Every wait on the mail server is bounded (nodemailer's own defaults let a
 * silent server hold a send for minutes): connecting, its greeting, and any
 * pause in the conversation. Override them in the URL's query if need be.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 20_000 };

/** Mail over SMTP_URL (smtp:// or smtps://, credentials in the URL). */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ ...SMTP_TIMEOUTS, url: smtpUrl } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    send: async (message) => {
      await transport.sendMail({ from, ...message });
    },
  };
}
