import { FreshRuns } from '../src/index';
import { answersInOneTurn, serviceFixture } from './support/harness';

/** A task whose runs are counted and finish only when told to. */
function gatedTask() {
  const finishers: Array<(value: number) => void> = [];
  let runs = 0;
  return {
    task: () =>
      new Promise<number>((resolve) => {
        const run = ++runs;
        finishers.push(() => resolve(run));
      }),
    get runs() {
      return runs;
    },
    finish(run: number) {
      finishers[run - 1]?.(run);
    },
  };
}

describe('FreshRuns', () => {
  it('runs once for a caller alone, and again for the next caller once that run ended', async () => {
    const runs = new FreshRuns<string, number>();
    const gate = gatedTask();
    const first = runs.run('k', gate.task);
    gate.finish(1);
    expect(await first).toBe(1);
    const second = runs.run('k', gate.task);
    gate.finish(2);
    expect(await second).toBe(2);
    expect(gate.runs).toBe(2);
  });

  it('gives every caller that asked during a run the next run, shared: two runs for a burst', async () => {
    const runs = new FreshRuns<string, number>();
    const gate = gatedTask();
    const first = runs.run('k', gate.task);
    const burst = Array.from({ length: 50 }, () => runs.run('k', gate.task));
    expect(gate.runs).toBe(1);
    gate.finish(1);
    expect(await first).toBe(1);
    // The next run starts once the first ended, never before: its callers asked after run 1 began.
    await new Promise(setImmediate);
    expect(gate.runs).toBe(2);
    gate.finish(2);
    expect(await Promise.all(burst)).toEqual(Array<number>(50).fill(2));
    expect(gate.runs).toBe(2);
  });

  it('runs keys apart', async () => {
    const runs = new FreshRuns<boolean, number>();
    const a = gatedTask();
    const b = gatedTask();
    const fromA = runs.run(true, a.task);
    const fromB = runs.run(false, b.task);
    expect([a.runs, b.runs]).toEqual([1, 1]);
    a.finish(1);
    b.finish(1);
    expect(await Promise.all([fromA, fromB])).toEqual([1, 1]);
  });

  it('rejects the sharers of a failed run, and the next caller runs afresh', async () => {
    const runs = new FreshRuns<string, number>();
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error(`run ${calls} failed`));
    };
    const first = runs.run('k', failing);
    const shared = [runs.run('k', failing), runs.run('k', failing)];
    await expect(first).rejects.toThrow('run 1 failed');
    const results = await Promise.allSettled(shared);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual([
      'Error: run 2 failed',
      'Error: run 2 failed',
    ]);
    await expect(runs.run('k', () => Promise.resolve(7))).resolves.toBe(7);
    expect(calls).toBe(2);
  });

  it('turns a task that throws at once into a rejection, and keeps no run of it', async () => {
    const runs = new FreshRuns<string, number>();
    const throwing = (): Promise<number> => {
      throw new Error('at once');
    };
    await expect(runs.run('k', throwing)).rejects.toThrow('at once');
    await expect(runs.run('k', () => Promise.resolve(1))).resolves.toBe(1);
  });
});

describe('/metrics scrapes of different formats, at once', () => {
  const services = serviceFixture();

  // Scrapes share a rendering only with scrapes of their own format: one shared across formats
  // would answer an OpenMetrics scraper in the classic format (or the reverse), which it cannot
  // parse. The rendering is slow, as a cluster's relay to its primary is, so they overlap.
  it('each get their own format, sharing renderings only within it', async () => {
    const formats: string[] = [];
    const { service } = await services.start({
      metricsProvider: async (accept) => {
        const openMetrics = accept?.includes('openmetrics') === true;
        formats.push(openMetrics ? 'openmetrics' : 'text');
        await new Promise((resolve) => setTimeout(resolve, 50));
        return openMetrics
          ? {
              contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
              body: 'x_total 1\n# EOF\n',
            }
          : { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: 'x_total 1\n' };
      },
    });
    const openMetrics = 'application/openmetrics-text; version=1.0.0';
    const accepts = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? openMetrics : 'text/plain'));
    const answers = await answersInOneTurn(
      service.server,
      accepts.map(
        (accept) =>
          `GET /metrics HTTP/1.1\r\nHost: t\r\nAccept: ${accept}\r\nConnection: close\r\n\r\n`,
      ),
    );
    const got = answers.map((raw) => ({
      status: Number(raw.split(' ')[1]),
      type: /\r\ncontent-type: ([^;\r]*)/i.exec(raw)?.[1],
      eof: raw.trimEnd().endsWith('# EOF'),
    }));
    expect(got).toEqual(
      accepts.map((accept) =>
        accept === openMetrics
          ? { status: 200, type: 'application/openmetrics-text', eof: true }
          : { status: 200, type: 'text/plain', eof: false },
      ),
    );
    // Control: the scrapes did overlap and share: 8 scrapes, two renderings of each format (the
    // first of each, then one for those that arrived while it ran).
    expect(formats.sort()).toEqual(['openmetrics', 'openmetrics', 'text', 'text']);
  });
});
