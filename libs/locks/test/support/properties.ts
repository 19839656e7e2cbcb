import fc from 'fast-check';

/**
 * fast-check's scheduler decides the order in which every `s.schedule(...)` point resumes, so
 * each run explores one interleaving; 100 runs per property.
 */
export const RUNS = { numRuns: 100 };

/** The property holds in every interleaving explored. */
export async function holds<T>(property: fc.IAsyncPropertyWithHooks<T>): Promise<void> {
  await fc.assert(property, RUNS);
}

/** A negative control: some interleaving explored breaks the property. */
export async function breaks<T>(property: fc.IAsyncPropertyWithHooks<T>): Promise<void> {
  await expect(fc.assert(property, RUNS)).rejects.toThrow();
}
