import { chooseLines } from '../src/report/choose';
import type { ModelResult } from '../src/report/report-schema';
import { result, scenario } from './support/results';

const context = {
  sharedCores: true,
  cpus: 2,
  loadAverage: { start: 3.2, end: 3.4 },
  workload: null,
};

describe('what to choose: the first screen', () => {
  const scenarios = [
    scenario(
      'io',
      [
        result('async', 2000, 760, 80, { liveHeapPerConnectionBytes: 10 * 1024 }),
        result('cluster', 2000, 770, 300, { liveHeapPerConnectionBytes: 30 * 1024 }),
      ],
      'memory-per-connection',
      ['async'],
    ),
    scenario('cpu', [result('async', 35, 1, 1), result('cluster', 60, 1, 1)]),
    scenario('image', [result('async', 11, 1, 1), result('cluster', 19, 1, 1)]),
    scenario('fairness', [result('async', 100, 1900, 1), result('cluster', 100, 15, 1)], 'p99'),
  ];

  it('answers each question with the model that leads its scenarios, its figures beside the worst', () => {
    expect(chooseLines(scenarios, context)).toEqual([
      'CPU-bound work: cluster — cpu 60.0 req/s vs the lowest, async 35.0 req/s; image 19.0 req/s vs the lowest, async 11.0 req/s.',
      'Many waiting connections: async — io 10.0 KiB/connection vs the heaviest that kept up, cluster 30.0 KiB/connection.',
      'CPU work beside I/O: cluster — fairness p99 15 ms vs the slowest that kept up, async p99 1900 ms.',
      'Caveat: the load generator ran on the same 2 cores as the services (load average 3.2 at the start, 3.4 at the end), so the models that use several cores are under-measured on CPU-bound work.',
    ]);
  });

  it('adds to the caveat when the load at the end says other work shared the cores', () => {
    const busy = { ...context, loadAverage: { start: 1.7, end: 8.97 } };
    expect(chooseLines(scenarios, busy).at(-1)).toBe(
      'Caveat: the load generator ran on the same 2 cores as the services (load average 1.7 at ' +
        'the start, 9.0 at the end), so the models that use several cores are under-measured on ' +
        'CPU-bound work; and other work competed for the cores too, so every figure is low and ' +
        'the ratios between models less sure.',
    );
    // Its load generator elsewhere (--targets), the busy machine alone is the caveat.
    expect(chooseLines(scenarios, { ...busy, sharedCores: false }).at(-1)).toBe(
      'Caveat: the machine was busy (load average 1.7 at the start, 9.0 at the end on 2 cores): ' +
        'other work competed for the cores too, so every figure is low and the ratios between ' +
        'models less sure.',
    );
    // The control: a load the run itself makes (a few runnable threads a core) is no caveat.
    const own = { ...context, sharedCores: false, loadAverage: { start: 0.5, end: 5.9 } };
    expect(chooseLines(scenarios, own).some((line) => line.startsWith('Caveat'))).toBe(false);
  });

  it('has no caveat when the load came from another machine, and never passes five lines', () => {
    const lines = chooseLines(
      [...scenarios, scenario('workload', [result('async', 5, 1, 1), result('cluster', 9, 1, 1)])],
      { ...context, sharedCores: false, workload: 'a JSON transform' },
    );
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe(
      'Your workload (a JSON transform): cluster — workload 9.0 req/s vs the lowest, async 5.0 req/s.',
    );
  });

  it('names a model that does not lead a scenario of its question, and who does', () => {
    const split = [
      scenario('cpu', [result('async', 35, 1, 1), result('cluster', 60, 1, 1)]),
      scenario('image', [result('async', 19, 1, 1), result('cluster', 15, 1, 1)]),
    ];
    // One lead each: cluster comes closer to the best over both (1 and 0.79 against 0.58 and 1),
    // and the line says async ties with it on votes.
    expect(chooseLines(split, { ...context, sharedCores: false })).toEqual([
      'CPU-bound work: cluster (as many scenarios led as async) — cpu 60.0 req/s vs the lowest, async 35.0 req/s; image 15.0 req/s (async leads).',
    ]);
  });

  it('breaks a tie in leads by how close each comes to the best over all the scenarios', () => {
    // A real run (17:40, 2 cores): cluster and procpool within 5% on cpu, threads ahead on image,
    // one vote each. The cpu figure alone chose procpool, 0.54× on image.
    const rps: Record<string, [cpu: number, image: number]> = {
      async: [87.4, 74.1],
      threads: [164.8, 154.3],
      cluster: [199.9, 107.6],
      hybrid: [191.5, 125.2],
      procpool: [206.5, 82.8],
    };
    const of = (i: 0 | 1) => Object.entries(rps).map(([m, f]) => result(m, f[i], 1, 1));
    const [line] = chooseLines([scenario('cpu', of(0)), scenario('image', of(1))], {
      ...context,
      sharedCores: false,
    });
    // threads: 0.80 and 1 (0.89); cluster 0.97 and 0.70 (0.82); procpool 1 and 0.54 (0.73).
    expect(line).toMatch(
      /^CPU-bound work: threads \(as many scenarios led as cluster and procpool\) — /,
    );
  });

  it('breaks a tie in leads by the figures, never by the order of --models', () => {
    // A run's cpu and image: hybrid and procpool within 5% in both, so two leads each; procpool's
    // figures are the higher in both. Once the first-listed model won: hybrid by default.
    const run = (models: ModelResult['model'][]) => {
      const figures: Record<string, [cpu: number, image: number]> = {
        async: [162, 91.4],
        hybrid: [293, 158],
        procpool: [295, 163],
      };
      const of = (i: 0 | 1) => models.map((m) => result(m, figures[m]?.[i] ?? 0, 1, 1));
      return chooseLines([scenario('cpu', of(0)), scenario('image', of(1))], {
        ...context,
        sharedCores: false,
      });
    };
    const line =
      'CPU-bound work: procpool (as many scenarios led as hybrid) — cpu 295 req/s vs the lowest, async 162 req/s; image 163 req/s vs the lowest, async 91.4 req/s.';
    expect(run(['async', 'hybrid', 'procpool'])).toEqual([line]);
    expect(run(['procpool', 'hybrid', 'async'])).toEqual([line]);
    expect(run(['hybrid', 'async', 'procpool'])).toEqual([line]);
  });

  it('breaks a tie only on figures that are comparable: an overloaded model’s memory is not', () => {
    const kib = (n: number) => n * 1024;
    // io: async answered half the rate — the least memory, for the requests it did not hold —
    // so threads leads there; async leads io-saturation. One lead each.
    const waiting = (models: ModelResult['model'][]) =>
      chooseLines(
        [
          scenario(
            'io',
            models.map((m) =>
              m === 'async'
                ? result(m, 1000, 700, 80, { liveHeapPerConnectionBytes: kib(5), sustained: 0.5 })
                : result(m, 2000, 760, 90, { liveHeapPerConnectionBytes: kib(12), sustained: 1 }),
            ),
            'memory-per-connection',
            ['async'],
          ),
          scenario(
            'io-saturation',
            models.map((m) => result(m, m === 'async' ? 1000 : 600, 10, 1)),
          ),
        ],
        { ...context, sharedCores: false },
      );
    const line =
      'Many waiting connections: threads (as many scenarios led as async) — io 12.0 KiB/connection; io-saturation 600 req/s (async leads).';
    expect(waiting(['async', 'threads'])).toEqual([line]);
    expect(waiting(['threads', 'async'])).toEqual([line]);
  });

  it('breaks a tie against a model that was not comparable in one of the question’s scenarios', () => {
    // mixed: async leads on throughput; fairness: async answered 29% of the fixed rate (its p99
    // is of what it did not send), threads leads. One lead each: async was chosen on mixed.
    const beside = (asyncSustained: number, [mixedRps, fairnessP99] = [1234, 430]) =>
      chooseLines(
        [
          scenario('mixed', [result('async', mixedRps, 50, 1), result('threads', 1000, 40, 1)]),
          scenario(
            'fairness',
            [
              result('async', 100, fairnessP99, 1, { sustained: asyncSustained }),
              result('threads', 100, 15, 1, { sustained: 1 }),
            ],
            'p99',
          ),
        ],
        { ...context, sharedCores: false },
      );
    expect(beside(0.29)).toEqual([
      'CPU work beside I/O: threads (as many scenarios led as async) — mixed 1000 req/s (async leads); fairness p99 15 ms.',
    ]);
    // The control: async kept up in fairness, so both are comparable everywhere and how close
    // each comes to the best decides: threads (0.81 and 1) over async (1 and 0.03).
    expect(beside(1)).toEqual([
      'CPU work beside I/O: threads (as many scenarios led as async) — mixed 1000 req/s (async leads); fairness p99 15 ms vs the slowest that kept up, async p99 430 ms.',
    ]);
    // With a clear mixed lead and a fairness p99 near threads', async comes closer (1 and 0.75).
    expect(beside(1, [1500, 20])[0]).toMatch(
      /^CPU work beside I\/O: async \(as many scenarios led as threads\)/,
    );
  });

  it('never shows a figure that is not comparable, as the one to beat or as evidence', () => {
    // async leads io-saturation and scrape (two votes of three) but answered half of io's fixed
    // rate: its memory per connection there is of what it did not hold. cluster kept up in io
    // but answered half of fairness's rate, beside a mixed run that it leads.
    const lines = chooseLines(
      [
        scenario(
          'io',
          [
            result('async', 1000, 700, 80, {
              liveHeapPerConnectionBytes: 5 * 1024,
              sustained: 0.5,
            }),
            result('threads', 2000, 760, 90, {
              liveHeapPerConnectionBytes: 12 * 1024,
              sustained: 1,
            }),
          ],
          'memory-per-connection',
        ),
        scenario('io-saturation', [result('async', 1000, 10, 1), result('threads', 600, 10, 1)]),
        scenario('scrape', [result('async', 800, 10, 1), result('threads', 500, 10, 1)]),
        scenario('mixed', [result('async', 900, 50, 1), result('cluster', 1000, 40, 1)]),
        scenario(
          'fairness',
          [
            result('async', 100, 20, 1, { sustained: 1 }),
            result('cluster', 100, 430, 1, { sustained: 0.5 }),
          ],
          'p99',
        ),
      ],
      { ...context, sharedCores: false },
    );
    expect(lines).toEqual([
      'Many waiting connections: async — io: async below the fixed rate, not comparable (threads leads); io-saturation 1000 req/s vs the lowest, threads 600 req/s; scrape 800 req/s vs the lowest, threads 500 req/s.',
      'CPU work beside I/O: async (as many scenarios led as cluster) — mixed 900 req/s (cluster leads); fairness p99 20 ms.',
    ]);
  });

  it('never takes a model with no answers as evidence', () => {
    // threads-service died during cpu: 0 req/s is not the figure to beat.
    const dead = [
      scenario('cpu', [
        result('async', 35, 1, 1),
        result('threads', 0, 0, 1),
        result('cluster', 60, 1, 1),
      ]),
    ];
    expect(chooseLines(dead, { ...context, sharedCores: false })).toEqual([
      'CPU-bound work: cluster — cpu 60.0 req/s vs the lowest, async 35.0 req/s.',
    ]);
    // No model answered: nobody to choose, and it says so.
    const silent = [scenario('cpu', [result('async', 0, 0, 1), result('cluster', 0, 0, 1)])];
    expect(chooseLines(silent, { ...context, sharedCores: false })).toEqual([
      'CPU-bound work: no model to choose — cpu: no leader (see its verdict).',
    ]);
  });
});
