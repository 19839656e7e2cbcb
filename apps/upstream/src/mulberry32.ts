/**
 * mulberry32: a tiny, fast 32-bit seeded PRNG. Not cryptographic — it only has to make
 * "random" latency and failures reproducible, so two runs with the same seed see the same
 * sequence and a load-lab comparison between models is fair.
 *
 * @returns a function yielding floats in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
