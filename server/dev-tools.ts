import type { Logger } from '../lib/logger';
import { recordStandinAddress } from '../lib/standin-address';
import type { Config } from './config';
import type { ShutdownStep } from './lifecycle';

/**
 * The development tools under dev/, loaded only when the configuration asks
 * for them: this is the one place outside dev/ and the tests that names
 * dev/, and it loads it on call, so a production start never loads a file
 * of it. (A `require` rather than `import()`: the server is CommonJS, and
 * tsx's CommonJS hook resolves TypeScript only through require.)
 */
export async function startDevPaypalStandin(config: Readonly<Config>, steps: ShutdownStep[], logger: Logger): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startPaypalStandin } = require('../dev/paypal/standin') as typeof import('../dev/paypal/standin');
  const standin = await startPaypalStandin({ ...config.paypal, webhookUrl: `${config.appOrigin}/api/webhooks/paypal` });
  const forget = recordStandinAddress(config.dataDir, standin.url);
  steps.push({
    name: 'PayPal stand-in',
    run: async () => {
      forget();
      await standin.close();
    },
  });
  logger.info(`PayPal stand-in (offline checkout) listening on ${standin.url}`);
  return standin.url;
}
