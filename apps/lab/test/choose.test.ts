import { chooseLines } from '../src/report/choose';
import type { ModelResult } from '../src/report/report-schema';
import { result, scenario } from './support/results';

const context = { sharedCores: true, cpus: 2, loadAverage: 3.2, workload: null };

describe('what to choose: the first screen', () => {
  const scenarios = [
    scenario(
      'io',
      [
        result('async', 2000, 760, 80, { memoryPerConnectionBytes: 10 * 1024 }),
        result('cluster', 2000, 770, 300, { memoryPerConnectionBytes: 30 * 1024 }),
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
      'CPU-bound work: cluster — cpu 60.0 req/s vs 35.0 req/s (async); image 19.0 req/s vs 11.0 req/s (async).',
      'Many waiting connections: async — io 10.0 KiB/connection vs 30.0 KiB/connection (cluster).',
      'CPU work beside I/O: cluster — fairness p99 15 ms vs p99 1900 ms (async).',
      'Caveat: the load generator ran on the same 2 cores as the services (load average 3.2 at the start), so the models that use several cores are under-measured on CPU-bound work.',
    ]);
  });

  it('has no caveat when the load came from another machine, and never passes five lines', () => {
    const lines = chooseLines(
      [...scenarios, scenario('workload', [result('async', 5, 1, 1), result('cluster', 9, 1, 1)])],
      { ...context, sharedCores: false, workload: 'a JSON transform' },
    );
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe(
      'Your workload (a JSON transform): cluster — workload 9.0 req/s vs 5.0 req/s (async).',
    );
  });

  it('names a model that does not lead a scenario of its question, and who does', () => {
    const split = [
      scenario('cpu', [result('async', 35, 1, 1), result('cluster', 60, 1, 1)]),
      scenario('image', [result('async', 19, 1, 1), result('cluster', 11, 1, 1)]),
    ];
    // One lead each: cluster's better cpu figure (the question's first scenario) decides, and the
    // line says async ties with it.
    expect(chooseLines(split, { ...context, sharedCores: false })).toEqual([
      'CPU-bound work: cluster (≈ async) — cpu 60.0 req/s vs 35.0 req/s (async); image 11.0 req/s (async lead).',
    ]);
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
      'CPU-bound work: procpool (≈ hybrid) — cpu 295 req/s vs 162 req/s (async); image 163 req/s vs 91.4 req/s (async).';
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
                ? result(m, 1000, 700, 80, { memoryPerConnectionBytes: kib(5), sustained: 0.5 })
                : result(m, 2000, 760, 90, { memoryPerConnectionBytes: kib(12), sustained: 1 }),
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
      'Many waiting connections: threads (≈ async) — io 12.0 KiB/connection; io-saturation 600 req/s (async lead).';
    expect(waiting(['async', 'threads'])).toEqual([line]);
    expect(waiting(['threads', 'async'])).toEqual([line]);
  });

  it('breaks a tie against a model that was not comparable in one of the question’s scenarios', () => {
    // mixed: async leads on throughput; fairness: async answered 29% of the fixed rate (its p99
    // is of what it did not send), threads leads. One lead each: async was chosen on mixed.
    const beside = (asyncSustained: number) =>
      chooseLines(
        [
          scenario('mixed', [result('async', 1234, 50, 1), result('threads', 1000, 40, 1)]),
          scenario(
            'fairness',
            [
              result('async', 100, 430, 1, { sustained: asyncSustained }),
              result('threads', 100, 15, 1, { sustained: 1 }),
            ],
            'p99',
          ),
        ],
        { ...context, sharedCores: false },
      );
    expect(beside(0.29)).toEqual([
      'CPU work beside I/O: threads (≈ async) — mixed 1000 req/s (async lead); fairness p99 15 ms.',
    ]);
    // The control: async kept up in fairness, so both are comparable everywhere and the first
    // scenario's figures decide, as before.
    expect(beside(1)).toEqual([
      'CPU work beside I/O: async (≈ threads) — mixed 1234 req/s vs 1000 req/s (threads); fairness p99 430 ms (threads lead).',
    ]);
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
            result('async', 1000, 700, 80, { memoryPerConnectionBytes: 5 * 1024, sustained: 0.5 }),
            result('threads', 2000, 760, 90, { memoryPerConnectionBytes: 12 * 1024, sustained: 1 }),
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
      'Many waiting connections: async — io: async below the fixed rate, not comparable (threads lead); io-saturation 1000 req/s vs 600 req/s (threads); scrape 800 req/s vs 500 req/s (threads).',
      'CPU work beside I/O: async (≈ cluster) — mixed 900 req/s (cluster lead); fairness p99 20 ms.',
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
      'CPU-bound work: cluster — cpu 60.0 req/s vs 35.0 req/s (async).',
    ]);
    // No model answered: nobody to choose, and it says so.
    const silent = [scenario('cpu', [result('async', 0, 0, 1), result('cluster', 0, 0, 1)])];
    expect(chooseLines(silent, { ...context, sharedCores: false })).toEqual([
      'CPU-bound work: no model to choose — cpu: no leader (see its verdict).',
    ]);
  });
});
