import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { smtpMailer, type Mailer } from '../../services/mail/mailer';

/**
 * A real SMTP server in the test process: the app sends to it over TCP with
 * nodemailer, and tests read what arrived, parsed by mailparser
 * (quoted-printable, multipart and all).
 */
export class TestSmtpServer {
  readonly messages: ParsedMail[] = [];
  private readonly waiters: { to: string; resolve: (m: ParsedMail) => void }[] = [];
  private server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.messages.push(mail);
            const to = recipients(mail);
            for (const waiter of [...this.waiters]) {
              if (to.includes(waiter.to)) {
                this.waiters.splice(this.waiters.indexOf(waiter), 1);
                waiter.resolve(mail);
              }
            }
            callback();
          })
          .catch(callback);
      },
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
    return `smtp://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The next message to `to` (or one already received and not yet taken). */
  nextMailTo(to: string, timeoutMs = 10_000): Promise<ParsedMail> {
    const index = this.messages.findIndex((m) => recipients(m).includes(to));
    if (index >= 0) return Promise.resolve(this.messages.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no mail to ${to} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        to,
        resolve: (mail) => {
          clearTimeout(timer);
          this.messages.splice(this.messages.indexOf(mail), 1);
          resolve(mail);
        },
      });
    });
  }
}

function recipients(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((t) => t.value.map((v) => v.address ?? ''));
}

/** The sign-in link in a magic-link mail's text part. */
export function linkIn(mail: ParsedMail): URL {
  const match = /https?:\/\/\S+\/auth\/magic\?\S+/.exec(mail.text ?? '');
  if (!match) throw new Error(`no sign-in link in mail: ${mail.text}`);
  return new URL(match[0]);
}

/**
 * A real SMTP server for the calling test file (started in beforeAll,
 * stopped in afterAll) and a mailer that sends to it over TCP, as the app's
 * SMTP mailer does in production.
 */
export function useSmtp(): { smtp: TestSmtpServer; mailer: Mailer } {
  const smtp = new TestSmtpServer();
  let url = '';
  beforeAll(async () => {
    url = await smtp.start();
  });
  afterAll(() => smtp.stop());
  return { smtp, mailer: { send: (message) => smtpMailer(url, 'Song-Nexus <store@example.test>').send(message) } };
}
