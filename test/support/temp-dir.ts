import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The folders this test file made; removed after its tests (the hook is registered when a file imports this). */
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh folder under the system's temporary one, removed after the
 * calling file's tests (callable anywhere, inside a test too). Readable by
 * others, as the embedded PostgreSQL may run as another user when the tests
 * run as root.
 */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  made.push(dir);
  return dir;
}
