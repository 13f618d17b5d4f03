import net from 'node:net';
import { smtpMailer } from '../../services/mail/mailer';

/**
 * A mail server that accepts the connection and never speaks (frozen, or a
 * firewall that swallows the traffic): a send gives up after the greeting
 * timeout instead of nodemailer's default of minutes. A real TCP server
 * stands in for the silent one; nothing is mocked.
 */
describe('SMTP waits', () => {
  it('give up on a silent server within the greeting timeout', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const started = Date.now();
    try {
      const sending = smtpMailer(`smtp://127.0.0.1:${port}`, 'Song-Nexus <store@example.test>').send({
        to: 'listener@example.test',
        subject: 'Your sign-in link',
        text: 'x',
        html: '<p>x</p>',
      });
      await expect(sending).rejects.toThrow(/Greeting never received/);
      expect(Date.now() - started).toBeLessThan(7_000);
    } finally {
      silent.close();
    }
  }, 15_000);
});
