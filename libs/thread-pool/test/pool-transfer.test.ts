import {
  applyFilter,
  decodePng,
  encodePng,
  generateTestImage,
  imageChecksum,
} from '@concurrency-lab/workloads';
import { createPool, never } from './pool-helpers';

describe('image buffers and the thread boundary', () => {
  it('moves an upload that owns its buffer to the thread without copying it', async () => {
    const { pool } = createPool();
    try {
      const encoded = encodePng(generateTestImage(32));
      const png = new Uint8Array(encoded.byteLength);
      png.set(encoded);
      const out = await pool.run({ kind: 'filter', filter: 'sharpen', png }, { signal: never() });
      // Transferred, not cloned: our side of the buffer is detached.
      expect(png.buffer.byteLength).toBe(0);
      expect(imageChecksum(decodePng(out.result))).toBe(
        imageChecksum(applyFilter(generateTestImage(32), 'sharpen')),
      );
      expect(out.threadId).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it('copies a view into a shared Buffer pool slab instead of detaching memory others use', async () => {
    const { pool } = createPool();
    try {
      const encoded = encodePng(generateTestImage(16));
      const slab = Buffer.allocUnsafe(encoded.length + 64); // a view with an offset
      const view = slab.subarray(32, 32 + encoded.length);
      encoded.copy(view);
      const out = await pool.run(
        { kind: 'filter', filter: 'blur', png: view },
        { signal: never() },
      );
      expect(slab.buffer.byteLength).toBeGreaterThan(0);
      expect(view.equals(encoded)).toBe(true);
      expect(decodePng(out.result).width).toBe(16);
    } finally {
      await pool.close();
    }
  });
});
