import { BufferPool } from '../../lib/buffer-pool';

describe('the buffer pool', () => {
  it('hands back a buffer given back, rather than a new one', () => {
    const pool = new BufferPool(1024, 2);
    const first = pool.take();
    expect(first.length).toBe(1024);
    pool.give(first);
    expect(pool.take()).toBe(first);
    expect(pool.take()).not.toBe(first);
  });

  it('keeps at most maxIdle, each once, and only of its size', () => {
    const pool = new BufferPool(16, 2);
    const [a, b, c] = [pool.take(), pool.take(), pool.take()];
    pool.give(a);
    pool.give(a); // given back twice: still one entry, or two takers would share it
    expect(pool.idleCount).toBe(1);
    pool.give(b);
    pool.give(c);
    expect(pool.idleCount).toBe(2);
    pool.give(Buffer.alloc(8)); // a stranger
    expect(pool.idleCount).toBe(2);
    const taken = new Set([pool.take(), pool.take(), pool.take()]);
    expect(taken.size).toBe(3);
    expect(taken.has(a) && taken.has(b)).toBe(true);
    expect(taken.has(c)).toBe(false);
  });

  it('drops its idle buffers when trimmed, and fills again', () => {
    const pool = new BufferPool(16, 4);
    const a = pool.take();
    pool.give(a);
    pool.trim();
    expect(pool.idleCount).toBe(0);
    expect(pool.take()).not.toBe(a);
    const b = pool.take();
    pool.give(b);
    expect(pool.take()).toBe(b);
  });
});
