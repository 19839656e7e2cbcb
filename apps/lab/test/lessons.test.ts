import { lessonsFor } from '../src/report/lessons';
import { result, scenario } from './support/results';

/** The fairness lesson from async's and hybrid's I/O p99 there, each with its share of the rate. */
const fairness = (
  async: [p99Ms: number, sustained: number | null],
  hybrid: [p99Ms: number, sustained: number | null],
) =>
  lessonsFor([
    scenario(
      'fairness',
      [
        result('async', 50, async[0], 1, { sustained: async[1] }),
        result('hybrid', 100, hybrid[0], 1, { sustained: hybrid[1] }),
      ],
      'p99',
    ),
  ])[0];

describe('a lesson’s printed ratio', () => {
  it('never reads as meeting the threshold it misses', () => {
    // A real run: 338.897 / 114.081 = 2.97, which toFixed(1) printed as 3.0× beside "≥ 3".
    const lesson = fairness([338.897, null], [114.081, null]);
    expect(lesson?.holds).toBe(false);
    expect(lesson?.figures).toContain('hybrid 114.1 ms (2.97×)');
    // The control: far from the threshold, the ratio keeps its one digit.
    expect(fairness([350, null], [100, null])?.figures).toContain('hybrid 100.0 ms (3.5×)');
  });

  it('rounds toward the verdict where more digits still read wrong', () => {
    expect(fairness([2.9999, null], [1, null])?.figures).toContain('(2.999×)');
    expect(fairness([3, null], [1, null])?.figures).toContain('(3.0×)');
    expect(fairness([3, null], [1, null])?.holds).toBe(true);
  });

  it('never reads as meeting the cpu lesson’s 1.6× it misses, nor missing it when met', () => {
    const cpu = (threads: number) =>
      lessonsFor([
        scenario('cpu', [result('async', 100, 1, 1), result('threads', threads, 1, 1)]),
      ])[0];
    expect(cpu(159.96)).toMatchObject({ holds: false, figures: 'threads 1.599× async' });
    expect(cpu(170)).toMatchObject({ holds: true, figures: 'threads 1.70× async' });
  });
});

describe('the fairness lesson where a model fell below the fixed rate (its p99 a floor)', () => {
  const three = (asyncRun: [number, number], threads: [number, number], hybrid: [number, number]) =>
    lessonsFor([
      scenario(
        'fairness',
        [
          result('async', 50, asyncRun[0], 1, { sustained: asyncRun[1] }),
          result('threads', 100, threads[0], 1, { sustained: threads[1] }),
          result('hybrid', 100, hybrid[0], 1, { sustained: hybrid[1] }),
        ],
        'p99',
      ),
    ])[0];

  it('holds on async’s floor: its loop blocked, it sent less, and still waited ≥ 3× longer', () => {
    // The usual run: async's blocked loop answers a fraction of the rate; the pools keep up.
    const lesson = fairness([338, 0.19], [20, 1]);
    expect(lesson?.holds).toBe(true);
    expect(lesson?.figures).toBe(
      'I/O p99: async 338.0 ms (a floor: async answered 19%); hybrid 20.0 ms (16.9×)',
    );
  });

  it('cannot be judged where a floor falls short: async’s real p99 may be higher', () => {
    // The trial run: async at 19%, hybrid 2.97× — short of 3× on a figure that is only a floor.
    const lesson = fairness([338.897, 0.19], [114.081, 1]);
    expect(lesson?.holds).toBeNull();
    expect(lesson?.figures).toContain('cannot be judged here for hybrid: below the fixed rate');
    expect(lesson?.figures).toContain('hybrid 114.1 ms (2.97×)');
    // The control: async kept up, so its p99 is no floor, and 2.97× refutes the claim.
    expect(fairness([338.897, 1], [114.081, 1])?.holds).toBe(false);
  });

  it('cannot be judged where a pooled model’s floor clears 3×, fails where it falls short', () => {
    expect(fairness([300, 1], [20, 0.4])).toMatchObject({
      holds: null,
      figures: expect.stringContaining('hybrid 20.0 ms (a floor: hybrid answered 40%) (15.0×)'),
    });
    // Its real p99 is at least 200 ms: async's 300 ms is 1.5× at most — refuted.
    expect(fairness([300, 1], [200, 0.4])?.holds).toBe(false);
  });

  it('fails on any model short of it, is open while one is unsettled, holds when all clear it', () => {
    expect(three([300, 1], [200, 1], [20, 0.5])?.holds).toBe(false);
    const open = three([300, 1], [20, 1], [20, 0.5]);
    expect(open?.holds).toBeNull();
    expect(open?.figures).toContain('cannot be judged here for hybrid');
    expect(three([300, 0.2], [20, 1], [30, 1])?.holds).toBe(true);
  });
});
