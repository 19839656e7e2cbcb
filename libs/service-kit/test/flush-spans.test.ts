import { flushSpans } from '../src/index';

describe('flushSpans before an exit', () => {
  it('says flushed when the export finished, or when there is no tracing', async () => {
    await expect(flushSpans({ shutdown: () => Promise.resolve() }, 1000)).resolves.toBe('flushed');
    await expect(flushSpans(undefined, 1000)).resolves.toBe('flushed');
  });

  it('says failed when the export failed, without throwing', async () => {
    const failing = { shutdown: () => Promise.reject(new Error('collector refused')) };
    await expect(flushSpans(failing, 1000)).resolves.toBe('failed');
  });

  it('gives up on an export that does not finish, after its timeout', async () => {
    // A collector that accepts and never answers: the exporter would wait out its own timeout.
    const hung = { shutdown: () => new Promise<void>(() => undefined) };
    await expect(flushSpans(hung, 20)).resolves.toBe('timed out');
  });
});
