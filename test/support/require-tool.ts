import fs from 'node:fs';

/**
 * Whether an external program a test needs is installed. On a developer's
 * machine without it, the test is skipped with a reason; in CI — any
 * non-empty CI variable (`true`, `1`, `yes`, as CI services set it) — whose
 * script installs it, a missing program is a failure instead.
 */
export function toolAvailable(binary: string, installHint: string): boolean {
  if (fs.existsSync(binary)) return true;
  if (process.env.CI) throw new Error(`${binary} is missing in CI: .ci/run must install it (${installHint})`);
  console.warn(`skipping: ${binary} is not installed (${installHint})`);
  return false;
}
