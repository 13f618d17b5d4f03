import fs from 'node:fs';
import path from 'node:path';

/**
 * Where a development server records the address of the PayPal stand-in it
 * runs in its own process, so that the command-line tools started beside it
 * (`npm run payments:reconcile`, `npm run payouts:run`) talk to the same
 * stand-in — it alone knows the orders the server made.
 */
export const standinAddressFile = (dataDir: string) => path.join(dataDir, 'paypal-standin.url');

/** Records the address (readable by the owner only); returns how to forget it. */
export function recordStandinAddress(dataDir: string, url: string): () => void {
  const file = standinAddressFile(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${url}\n`, { mode: 0o600 });
  return () => fs.rmSync(file, { force: true });
}

/** The recorded address, if a development server is running (it removes the file when it stops). */
export function recordedStandinAddress(dataDir: string): string | undefined {
  try {
    const url = fs.readFileSync(standinAddressFile(dataDir), 'utf8').trim();
    return URL.canParse(url) ? url : undefined;
  } catch {
    return undefined;
  }
}
