import fs from 'node:fs';
import path from 'node:path';
import { buildInfo } from '../../lib/version';
import { tempDir } from '../support/temp-dir';

/** A project folder with package.json and whatever `files` say (paths relative to it). */
function project(files: Record<string, string>): string {
  const root = tempDir('sn-version-');
  for (const [name, content] of Object.entries({ 'package.json': '{"version":"1.2.3"}', ...files })) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
  return root;
}

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('build info', () => {
  it('reads the commit of a checked-out branch, loose or packed, and of a detached HEAD', () => {
    expect(buildInfo(project({ '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': `${A}\n` }))).toEqual({
      version: '1.2.3',
      commit: A,
    });
    const packed = project({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/packed-refs': `# pack-refs\n${B} refs/heads/other\n${A} refs/heads/main\n`,
    });
    expect(buildInfo(packed).commit).toBe(A);
    expect(buildInfo(project({ '.git/HEAD': `${B}\n` })).commit).toBe(B);
  });

  it('prefers what the build recorded, and says null rather than guess', () => {
    expect(buildInfo(project({ 'dist/build-info.json': `{"commit":"${B}"}`, '.git/HEAD': `${A}\n` })).commit).toBe(B);
    expect(buildInfo(project({ 'dist/build-info.json': '{"commit":null}', '.git/HEAD': `${A}\n` })).commit).toBe(A);
    expect(buildInfo(project({})).commit).toBeNull();
    expect(buildInfo(project({ '.git/HEAD': 'ref: refs/heads/gone\n' })).commit).toBeNull();
    expect(buildInfo(project({ '.git/HEAD': 'garbage' })).commit).toBeNull();
  });
});
