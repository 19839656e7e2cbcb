import { flushSpans } from '../src/index';

describe('flushSpans before an exit', () => {
  it('says flushed when the export finished, or when there is no tracing', async () => {
    await expect(
      flushSpans({ shutdown: () => Promise.resolve() }, { timeoutMs: 1000 }),
    ).resolves.toBe('flushed');
    await expect(flushSpans(undefined, { timeoutMs: 1000 })).resolves.toBe('flushed');
  });

  it('says failed when the export failed, without throwing', async () => {
    const failing = { shutdown: () => Promise.reject(new Error('collector refused')) };
    await expect(flushSpans(failing, { timeoutMs: 1000 })).resolves.toBe('failed');
  });

  it('gives up on an export that does not finish, after its timeout', async () => {
    // A collector that accepts and never answers: the exporter would wait out its own timeout.
    const hung = { shutdown: () => new Promise<void>(() => undefined) };
    await expect(flushSpans(hung, { timeoutMs: 20 })).resolves.toBe('timed out');
  });

  it('tells the logger when the spans did not all go out, and only then', async () => {
    const warnings: unknown[] = [];
    const logger = {
      warn: (fields: unknown, message?: string) => warnings.push([fields, message]),
    };
    const hung = { shutdown: () => new Promise<void>(() => undefined) };
    await flushSpans({ shutdown: () => Promise.resolve() }, { logger, timeoutMs: 1000 });
    await flushSpans(hung, { logger, timeoutMs: 20 });
    expect(warnings).toEqual([[{ spans: 'timed out' }, 'the last spans were not exported']]);
  });
});
