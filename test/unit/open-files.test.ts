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

  it('closes a handle nobody has used for idleMs, and never one being read', async () => {
    const dir = tempDir('sn-open-files-');
    const [a, b] = ['a', 'b'].map((name) => path.join(dir, name));
    fs.writeFileSync(a!, 'aaaa');
    fs.writeFileSync(b!, 'bbbb');
    const cache = new OpenFiles(8, 60);
    const handles: fs.promises.FileHandle[] = [];
    await cache.use(a!, async (handle) => void handles.push(handle));
    let release!: () => void;
    const busy = cache.use(b!, (handle) => {
      handles.push(handle);
      return new Promise<void>((resolve) => (release = resolve));
    });
    await new Promise((r) => setTimeout(r, 200)); // three idle periods
    expect(handles[0]!.fd).toBe(-1); // idle: closed by the sweep
    expect(handles[1]!.fd).toBeGreaterThan(-1); // in use: kept
    release();
    await busy;
    await new Promise((r) => setTimeout(r, 200));
    expect(handles[1]!.fd).toBe(-1);
    // Used again: opened again, and served.
    expect(await cache.use(a!, async (handle) => (await handle.read(Buffer.alloc(4), 0, 4, 0)).buffer.toString())).toBe('aaaa');
    await cache.closeAll();
  });
});
