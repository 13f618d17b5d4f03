import fs from 'node:fs';
import path from 'node:path';
import { OpenFiles } from '../../services/storage/open-files';
import { tempDir } from '../support/temp-dir';

describe('the open-file cache', () => {
  it('closes every handle on closeAll: idle ones at once, one in use when its read ends; later reads open again', async () => {
    const dir = tempDir('sn-open-files-');
    const files = ['a', 'b'].map((name) => path.join(dir, name));
    for (const file of files) fs.writeFileSync(file, `content of ${path.basename(file)}`);
    const cache = new OpenFiles(8);
    const handles: fs.promises.FileHandle[] = [];
    await cache.use(files[0]!, async (handle) => void handles.push(handle));
    let release!: () => void;
    const busy = cache.use(files[1]!, (handle) => {
      handles.push(handle);
      return new Promise<void>((resolve) => (release = resolve));
    });
    await new Promise((r) => setImmediate(r));
    await cache.closeAll();
    expect(handles[0]!.fd).toBe(-1); // closed
    expect(handles[1]!.fd).toBeGreaterThan(-1); // still being read
    release();
    await busy;
    await new Promise((r) => setImmediate(r));
    expect(handles[1]!.fd).toBe(-1);
    const again = await cache.use(files[0]!, async (handle) => (await handle.read(Buffer.alloc(7), 0, 7, 0)).buffer.toString());
    expect(again).toBe('content');
    await cache.closeAll();
  });
});
