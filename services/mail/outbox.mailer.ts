import type { Logger } from '../../lib/logger';
import type { MailMessage, Mailer } from './mailer';

export interface OutboxEntry extends MailMessage {
  sentAt: Date;
}

const KEEP = 50;

/**
 * Development mail without an SMTP server: the latest messages are kept in
 * memory for the /dev/outbox page and announced in the log. The config
 * refuses production without SMTP, so this never runs there. Only in
 * development does the log line carry the message text (with its sign-in
 * link); under test it names the recipient and subject only.
 */
export class OutboxMailer implements Mailer {
  private readonly entries: OutboxEntry[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly logBodies: boolean,
  ) {}

  async send(message: MailMessage): Promise<void> {
    this.entries.unshift({ ...message, sentAt: new Date() });
    this.entries.length = Math.min(this.entries.length, KEEP);
    const line = `mail to ${message.to}: ${message.subject} (see /dev/outbox)`;
    if (this.logBodies) this.logger.info({ mailText: message.text }, line);
    else this.logger.info(line);
  }

  /** Newest first. */
  list(): readonly OutboxEntry[] {
    return this.entries;
  }
}
