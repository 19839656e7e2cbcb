/**
 * An example workload for `lab --workload`: hashing — SHA-256 over 64 KiB, chained 64 times
 * (a content-addressed store, an integrity check). node:crypto's synchronous hash runs on the
 * calling thread: CPU that one event loop cannot share.
 *
 *   npm start -- --quick --workload apps/lab/workloads/hash.mjs
 */
import { createHash } from 'node:crypto';

export const describe = 'SHA-256 of 64 KiB, chained 64 times';

/** Three deterministic 64 KiB buffers (Uint8Arrays cross to threads and processes as they are). */
export function inputs() {
  return [1, 2, 3].map((seed) => {
    const bytes = new Uint8Array(64 * 1024);
    let state = seed;
    for (let i = 0; i < bytes.length; i++) bytes[i] = state = (state * 31 + 7) & 0xff;
    return bytes;
  });
}

export function run(bytes) {
  let digest = createHash('sha256').update(bytes).digest();
  for (let round = 1; round < 64; round++) {
    digest = createHash('sha256').update(digest).update(bytes).digest();
  }
  return digest.toString('hex');
}
