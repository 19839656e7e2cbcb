import { chooseLines } from '../src/report/choose';
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
    expect(chooseLines(split, { ...context, sharedCores: false })).toEqual([
      'CPU-bound work: cluster — cpu 60.0 req/s vs 35.0 req/s (async); image 11.0 req/s (async lead).',
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
