import { join } from 'node:path';
import { chooseLines } from '../src/report/choose';
import { htmlReport } from '../src/report/html-report';
import { lessonsFor } from '../src/report/lessons';
import { markdownReport } from '../src/report/markdown-report';
import type { Judge, ModelResult, Report } from '../src/report/report-schema';
import { reportTables } from '../src/report/summary-rows';
import { verdictFor } from '../src/report/verdict';
import { loadScenarioCatalog } from '../src/scenario-catalog';
import { fixtureReport, result, scenario } from './support/results';

const kib = (n: number) => n * 1024;

describe('the verdict', () => {
  it('names the winner on throughput, on p99 and on memory', () => {
    const verdict = verdictFor('throughput', { prefers: ['cluster'], text: 'CPU-bound' }, [
      result('async', 100, 50, 80),
      result('threads', 170, 30, 120),
      result('cluster', 190, 40, 300),
    ]);
    expect(verdict).toMatchObject({
      judge: 'throughput',
      leaders: ['cluster'],
      throughput: 'cluster',
      p99: 'threads',
      memory: 'async',
      agreesWithGuide: true,
    });
  });

  it('says plainly when the measurement does not agree with the guide', () => {
    const verdict = verdictFor('throughput', { prefers: ['async'], text: 'asyncio' }, [
      result('async', 100, 50, 80),
      result('cluster', 180, 40, 300),
    ]);
    expect(verdict.agreesWithGuide).toBe(false);
    expect(verdict.note).toMatch(/^Does not agree/);
  });

  it('treats models within 5% of the best throughput as tied', () => {
    const verdict = verdictFor('throughput', { prefers: ['async'], text: 'I/O-bound' }, [
      result('async', 97, 50, 80),
      result('threads', 100, 50, 100),
    ]);
    expect(verdict.leaders).toEqual(['async', 'threads']);
    expect(verdict.agreesWithGuide).toBe(true);
  });

  it('judges p99 scenarios on p99, whatever the throughput', () => {
    const verdict = verdictFor('p99', { prefers: ['threads'], text: 'fairness' }, [
      result('async', 100, 900, 80),
      result('threads', 100, 20, 100),
      result('cluster', 100, 21, 300),
    ]);
    expect(verdict.leaders).toEqual(['threads', 'cluster']);
    expect(verdict.agreesWithGuide).toBe(true);
  });

  it('judges io on memory per connection, and an overloaded model cannot lead', () => {
    const results = [
      result('async', 1950, 760, 80, { liveHeapPerConnectionBytes: kib(12), sustained: 0.98 }),
      result('threads', 1950, 770, 90, { liveHeapPerConnectionBytes: kib(12.5), sustained: 0.97 }),
      // the least memory, but it answered only half the rate: not comparable
      result('cluster', 1000, 2000, 300, { liveHeapPerConnectionBytes: kib(5), sustained: 0.5 }),
    ];
    const verdict = verdictFor(
      'memory-per-connection',
      { prefers: ['async'], text: 'thousands of connections' },
      results,
    );
    expect(verdict.leaders).toEqual(['async', 'threads']);
    expect(verdict.agreesWithGuide).toBe(true);
    expect(verdict.note).toContain('cluster answered 50%');
    // The negative control: the same figures with every rate kept make cluster the only leader.
    const kept = results.map((r) => ({ ...r, summary: { ...r.summary, sustained: 1 } }));
    expect(
      verdictFor('memory-per-connection', { prefers: ['async'], text: '' }, kept),
    ).toMatchObject({ leaders: ['cluster'], agreesWithGuide: false });
  });
});

describe('the edges of the tie band and of the fixed rate', () => {
  it('ties memory per connection within 10% plus half a KiB: 2000 B and 2600 B both lead', () => {
    // Figures this small are a page or two of RSS over a few connections: 10% alone would split a
    // single page's difference. 2000 × 1.1 + 512 = 2712 B is the band's edge.
    const io = (threadsBytes: number) =>
      verdictFor('memory-per-connection', { prefers: ['async'], text: 'g' }, [
        result('async', 100, 10, 80, { liveHeapPerConnectionBytes: 2000 }),
        result('threads', 100, 10, 80, { liveHeapPerConnectionBytes: threadsBytes }),
      ]).leaders;
    expect(io(2600)).toEqual(['async', 'threads']);
    expect(io(2700)).toEqual(['async', 'threads']);
    // The control: past the band's edge, async leads alone.
    expect(io(2800)).toEqual(['async']);
  });

  it('counts a model at exactly 90% of the fixed rate as keeping up, and one at 89% as not', () => {
    // async answered 90% with the best p99: comparable, so it leads; at 89% it is left out and
    // threads leads.
    const fairness = (asyncSustained: number) =>
      verdictFor('p99', { prefers: ['async'], text: 'g' }, [
        result('async', 90, 15, 80, { sustained: asyncSustained }),
        result('threads', 100, 20, 80, { sustained: 1 }),
      ]).leaders;
    expect(fairness(0.9)).toEqual(['async']);
    expect(fairness(0.89)).toEqual(['threads']);
  });
});

describe("the note's words for who leads", () => {
  it('says one leader leads, and names several within the tie band with the band', () => {
    const guide = { prefers: ['cluster'], text: 'CPU-bound → processes' };
    const one = verdictFor('throughput', guide, [
      result('async', 30, 1, 1),
      result('cluster', 60, 1, 1),
    ]);
    expect(one.note).toContain('cluster leads on throughput (');
    const three = verdictFor('throughput', guide, [
      result('threads', 59, 1, 1),
      result('cluster', 60, 1, 1),
      result('procpool', 58, 1, 1),
      result('async', 30, 1, 1),
    ]);
    expect(three.leaders).toEqual(['threads', 'cluster', 'procpool']);
    expect(three.note).toContain(
      'threads, cluster and procpool (within 5 % of the best) lead on throughput (',
    );
    expect(three.note).not.toContain('≈');
  });
});

describe('a scenario the guide has no row for', () => {
  // fairness: "not in the guide's table" — prefers nothing, so no yes or no against the guide.
  const guide = { prefers: [], text: 'not in the guide’s table: the event-loop-blocking lesson' };
  const results = [result('async', 100, 900, 80), result('threads', 100, 20, 100)];

  it('is not judged against it: agreement n/a (null), and the note says why', () => {
    const verdict = verdictFor('p99', guide, results);
    expect(verdict).toMatchObject({ leaders: ['threads'], p99: 'threads', agreesWithGuide: null });
    expect(verdict.note).toMatch(/^Nothing in the guide to weigh \(not in the guide’s table/);
    expect(verdict.note).toContain('threads leads on p99 latency (async 900 ms, threads 20 ms)');
    expect(verdict.note).not.toMatch(/agree/i);
  });

  it('reads as a dash in the verdict table, not as a "no"', () => {
    const report = {
      scenarios: [
        {
          id: 'fairness',
          title: '',
          lesson: '',
          guide,
          results,
          verdict: verdictFor('p99', guide, results),
        },
      ],
    } as unknown as Report;
    const table = reportTables(report).find((t) => t.heading === 'Verdict beside the guide');
    expect(table?.rows[0]?.[5]).toBe('—');
  });
});

describe('a guide none of whose models took part', () => {
  // cpu's row says processes; `--models async,threads` runs none of them. Once "Does not agree
  // with the guide": a guide refuted by a run that never tried what it says.
  const guide = { prefers: ['cluster', 'hybrid', 'procpool'], text: 'CPU-bound → processes' };
  const asyncAndThreads = [result('async', 100, 50, 80), result('threads', 170, 30, 120)];

  it('is not weighed: agreement null, and the note says which of its models did not run', () => {
    const verdict = verdictFor('throughput', guide, asyncAndThreads);
    expect(verdict).toMatchObject({ leaders: ['threads'], agreesWithGuide: null });
    expect(verdict.note).toBe(
      'Nothing to weigh against the guide (CPU-bound → processes): none of the models it ' +
        'prefers took part (cluster, hybrid and procpool did not run). threads leads on ' +
        'throughput (async 0.59×, threads 1.00×).',
    );
    expect(verdict.note).not.toMatch(/agree/i);
  });

  it('is weighed as soon as one of its models took part and answered, whichever way it falls', () => {
    // The controls: procpool in the run, beaten — a "no"; leading — a "yes".
    const beaten = verdictFor('throughput', guide, [
      ...asyncAndThreads,
      result('procpool', 120, 30, 200),
    ]);
    expect([beaten.agreesWithGuide, beaten.note]).toEqual([
      false,
      expect.stringMatching(/^Does not agree with the guide \(CPU-bound → processes\): threads/),
    ]);
    const leading = verdictFor('throughput', guide, [
      ...asyncAndThreads,
      result('procpool', 175, 30, 200),
    ]);
    expect(leading.agreesWithGuide).toBe(true);
  });

  it('is not weighed when its only model in the run answered nothing: left out, as any silent model', () => {
    const verdict = verdictFor('throughput', guide, [
      ...asyncAndThreads,
      result('procpool', 0, 0, 200),
    ]);
    expect(verdict.agreesWithGuide).toBeNull();
    expect(verdict.note).toContain(
      'none of the models it prefers took part (cluster and hybrid did not run; procpool answered nothing)',
    );
  });

  it('reads as a dash and "nothing to weigh" in report.md and index.html, not as a "no"', () => {
    // The real run of async and threads, its verdicts decided again as the lab decides them,
    // beside today's guide rows (the fixture's cpu row predates hybrid and procpool).
    const report = fixtureReport();
    const catalog = loadScenarioCatalog(join(__dirname, '..', '..', '..'));
    for (const s of report.scenarios) {
      s.guide = catalog.scenarios.find((c) => c.id === s.id)?.guide ?? s.guide;
      s.verdict = verdictFor(s.verdict.judge, s.guide, s.results);
    }
    const cpu = report.scenarios.find((s) => s.id === 'cpu');
    expect(cpu?.guide.prefers).toEqual(['cluster', 'hybrid', 'procpool']);
    const markdown = markdownReport(report);
    const html = htmlReport(report, []);
    expect(markdown).toMatch(/^\| cpu \| threads \| .* \| — \|$/m);
    expect(markdown).not.toContain('**no**');
    for (const page of [markdown, html]) {
      expect(page).toContain(
        'Nothing to weigh against the guide (CPU-bound → processes (multiprocessing)): none of the models it prefers took part (cluster, hybrid and procpool did not run).',
      );
      expect(page).not.toContain('Does not agree');
    }
    // io's guide prefers async, which ran: still weighed, the control.
    expect(
      report.scenarios.find((s) => s.id === 'io-saturation')?.verdict.agreesWithGuide,
    ).not.toBeNull();
  });
});

describe('the least-memory figure', () => {
  // threads: the smallest RSS peak, but its connections cost more each than async's.
  const io = [
    result('async', 2000, 760, 120, { liveHeapPerConnectionBytes: kib(10), sustained: 0.99 }),
    result('threads', 2000, 770, 90, { liveHeapPerConnectionBytes: kib(20), sustained: 0.99 }),
    result('cluster', 2000, 770, 200, { liveHeapPerConnectionBytes: kib(40), sustained: 0.99 }),
  ];

  it('is memory per connection where the scenario is judged on it, as leaders and choose', () => {
    const verdict = verdictFor('memory-per-connection', { prefers: ['async'], text: 'g' }, io);
    expect([verdict.leaders, verdict.memory]).toEqual([['async'], 'async']);
    const line = chooseLines([scenario('io', io, 'memory-per-connection', ['async'])], {
      sharedCores: false,
      cpus: 2,
      loadAverage: { start: 0, end: 0 },
      workload: null,
    })[0];
    expect(line).toMatch(/^Many waiting connections: async — io 10.0 KiB\/connection/);
  });

  it('is the RSS peak elsewhere', () => {
    const verdict = verdictFor('throughput', { prefers: ['async'], text: 'g' }, io);
    expect(verdict.memory).toBe('threads');
  });
});

describe('a model that answered nothing', () => {
  // A model whose every answer was a 503 (a --targets service that sheds) has no latency: its
  // summary reads p99 0 and must not make it the best on p99 or memory.
  const figures = (silentRps: number) => [
    result('async', 0, 0, 10, { liveHeapPerConnectionBytes: 100, sustained: null }),
    result('threads', 50, 20, 120, { liveHeapPerConnectionBytes: 4096, sustained: null }),
    result('cluster', silentRps, 25, 300, { liveHeapPerConnectionBytes: 8192, sustained: null }),
  ];

  it('leads on neither p99 nor memory, and is not the best p99', () => {
    const fairness = verdictFor('p99', { prefers: ['threads'], text: '' }, figures(40));
    expect(fairness).toMatchObject({ leaders: ['threads'], p99: 'threads', memory: 'threads' });
    const io = verdictFor('memory-per-connection', { prefers: ['threads'], text: '' }, figures(40));
    expect(io.leaders).toEqual(['threads']);
  });

  it('names no leader when no model answered, on any judge', () => {
    const none = figures(0).map((r) => ({ ...r, summary: { ...r.summary, rps: 0 } }));
    for (const judge of ['p99', 'throughput', 'memory-per-connection'] as const) {
      const verdict = verdictFor(judge, { prefers: ['async'], text: 'g' }, none);
      expect([judge, verdict.leaders, verdict.agreesWithGuide]).toEqual([judge, [], null]);
      expect(verdict.note).toContain('No model answered');
    }
  });
});

describe('a fixed rate no model kept up with', () => {
  // --quick's first half second of io: every model below 90% of the rate.
  const results = [
    result('async', 1000, 760, 80, { liveHeapPerConnectionBytes: kib(12), sustained: 0.5 }),
    result('threads', 1100, 770, 90, { liveHeapPerConnectionBytes: kib(14), sustained: 0.55 }),
  ];

  it('names no leader on memory or latency, and says why without naming one', () => {
    for (const judge of ['memory-per-connection', 'p99'] as const) {
      const verdict = verdictFor(judge, { prefers: ['async'], text: 'g' }, results);
      expect([judge, verdict.leaders, verdict.agreesWithGuide]).toEqual([judge, [], null]);
      expect(verdict.note).not.toMatch(/leads? on|holds? a connection for the least/);
      expect(verdict.note).toContain('async answered 50%, threads answered 55%');
    }
    // The negative control: one model keeping up leads.
    const one = [
      results[0],
      { ...results[1], summary: { ...results[1]?.summary, sustained: 0.95 } },
    ];
    expect(
      verdictFor('memory-per-connection', { prefers: ['async'], text: 'g' }, one as never).leaders,
    ).toEqual(['threads']);
  });
});

describe('the best figures beside the guide', () => {
  const guide = { prefers: ['threads'], text: 'guide text' };
  /** The "Verdict beside the guide" row of a report of one scenario. */
  const row = (id: string, judge: Judge, results: ModelResult[]) =>
    reportTables(
      {
        scenarios: [
          { id, title: id, lesson: '', guide, results, verdict: verdictFor(judge, guide, results) },
        ],
      } as unknown as Report,
      (cell) => `**${cell}**`,
    ).find((t) => t.heading === 'Verdict beside the guide')?.rows[0];

  it('name the best p99 and the least memory among the models that kept up with the rate', () => {
    // A fixed rate async answered half of: it sent less, so its p99 and RSS are the lowest.
    const results = (asyncSustained: number) => [
      result('async', 50, 5, 60, { sustained: asyncSustained }),
      result('threads', 100, 40, 110, { sustained: 1 }),
      result('procpool', 100, 42, 100, { sustained: 1 }),
    ];
    expect(verdictFor('p99', guide, results(0.5))).toMatchObject({
      leaders: ['threads', 'procpool'],
      p99: 'threads',
      memory: 'procpool',
    });
    expect(row('workload-rate', 'p99', results(0.5))).toEqual([
      'workload-rate',
      'threads',
      'threads',
      'procpool',
      'guide text',
      'yes',
    ]);
    // The control: async keeping up is the best on both.
    expect(verdictFor('p99', guide, results(0.95))).toMatchObject({
      p99: 'async',
      memory: 'async',
    });
  });

  it('name no model and no agreement without a leader, in the verdict and the table', () => {
    const silent = [result('async', 0, 0, 60), result('threads', 0, 0, 110)];
    expect(verdictFor('throughput', guide, silent)).toMatchObject({
      leaders: [],
      throughput: null,
      p99: null,
      memory: null,
      agreesWithGuide: null,
    });
    expect(row('cpu', 'throughput', silent)).toEqual(['cpu', '—', '—', '—', 'guide text', '—']);
    // Every model overloaded on a p99 scenario: no leader either.
    const overloaded = [
      result('async', 40, 5, 60, { sustained: 0.4 }),
      result('procpool', 60, 9, 100, { sustained: 0.6 }),
    ];
    expect(row('workload-rate', 'p99', overloaded)).toEqual([
      'workload-rate',
      '—',
      '—',
      '—',
      'guide text',
      '—',
    ]);
    // The control: a leader the guide does not prefer, beside the one it does, is a stressed no.
    expect(
      row('cpu', 'throughput', [result('async', 90, 5, 60), result('threads', 40, 5, 90)]),
    ).toEqual(['cpu', 'async', 'async', 'async', 'guide text', '**no**']);
  });
});

describe('the lessons', () => {
  /**
   * The cpu and fairness lessons from threads' cpu req/s (async: 100) and async's fairness p99
   * (threads: 20).
   */
  const cpuAndFairness = (threadsRps: number, asyncP99: number) =>
    lessonsFor([
      scenario('cpu', [
        result('async', 100, 1, 1),
        result('threads', threadsRps, 1, 1),
        result('cluster', 180, 1, 1),
      ]),
      scenario(
        'fairness',
        [result('async', 50, asyncP99, 1), result('threads', 100, 20, 1)],
        'p99',
      ),
    ]);

  it('hold when every parallel model reaches 1.5× on cpu and async I/O p99 is ≥ 3× every pooled model’s', () => {
    const lessons = cpuAndFairness(170, 300);
    expect(lessons.map((l) => [l.id, l.holds])).toEqual([
      ['cpu-needs-cores', true],
      ['cpu-blocks-the-loop', true],
    ]);
  });

  it('hold cpu-needs-cores to every model that runs CPU work off the loop, hybrid and procpool too', () => {
    const cpu = (procpool: number) =>
      lessonsFor([
        scenario('cpu', [
          result('async', 100, 1, 1),
          result('threads', 170, 1, 1),
          result('cluster', 180, 1, 1),
          result('hybrid', 175, 1, 1),
          result('procpool', procpool, 1, 1),
        ]),
      ])[0];
    expect(cpu(165)).toMatchObject({ id: 'cpu-needs-cores', holds: true });
    expect(cpu(120)).toMatchObject({ holds: false });
    expect(cpu(120)?.figures).toContain('procpool 1.20× async');
    expect(cpu(120)?.claim).toContain('threads, cluster, hybrid and procpool');
  });

  it('do not hold when the figures fall short, and the report says so', () => {
    const lessons = cpuAndFairness(120, 30);
    expect(lessons.map((l) => l.holds)).toEqual([false, false]);
  });

  it('check the io claim on memory per connection, whichever way it falls', () => {
    const io = (asyncKiB: number) =>
      scenario(
        'io',
        [
          result('async', 2000, 760, 80, { liveHeapPerConnectionBytes: asyncKiB * 1024 }),
          result('cluster', 2000, 760, 300, { liveHeapPerConnectionBytes: 20 * 1024 }),
        ],
        'memory-per-connection',
        ['async'],
      );
    expect(lessonsFor([io(10)])).toMatchObject([{ id: 'waits-are-cheap', holds: true }]);
    expect(lessonsFor([io(40)])).toMatchObject([{ id: 'waits-are-cheap', holds: false }]);
  });

  it('cannot check the io claim when async, or every other model, fell below the rate', () => {
    const io = (
      async: [kib: number, sustained: number],
      threads: [kib: number, sustained: number],
    ) =>
      lessonsFor([
        scenario(
          'io',
          [
            result('async', 2000, 760, 80, {
              liveHeapPerConnectionBytes: async[0] * 1024,
              sustained: async[1],
            }),
            result('threads', 2000, 760, 90, {
              liveHeapPerConnectionBytes: threads[0] * 1024,
              sustained: threads[1],
            }),
          ],
          'memory-per-connection',
          ['async'],
        ),
      ])[0];
    // async at 89% of the rate with the least memory: it held fewer requests — not evidence.
    const asyncBelow = io([30, 0.89], [45, 0.95]);
    expect(asyncBelow).toMatchObject({ id: 'waits-are-cheap', holds: null });
    expect(asyncBelow?.figures).toContain(
      'below the fixed rate, not comparable: async answered 89%',
    );
    // Only async kept up, with twice threads' memory: nothing comparable to weigh it against.
    expect(io([60, 0.95], [30, 0.5])).toMatchObject({ holds: null });
    // The controls: both kept up — it holds, and it fails on twice the memory.
    expect(io([30, 0.95], [45, 0.95])).toMatchObject({ holds: true });
    expect(io([60, 0.95], [30, 0.95])).toMatchObject({ holds: false });
  });
});

describe('the lessons, from the models that ran and answered', () => {
  it('claim the cpu lesson for the off-the-loop models of this run only', () => {
    const [lesson] = lessonsFor([
      scenario('cpu', [result('async', 100, 1, 1), result('threads', 170, 1, 1)]),
    ]);
    expect(lesson).toMatchObject({
      id: 'cpu-needs-cores',
      claim: 'CPU-bound work: threads reaches at least 1.5× the throughput of one event loop',
      holds: true,
    });
    const [both] = lessonsFor([
      scenario('cpu', [
        result('async', 100, 1, 1),
        result('threads', 170, 1, 1),
        result('procpool', 170, 1, 1),
      ]),
    ]);
    expect(both?.claim).toBe(
      'CPU-bound work: threads and procpool reach at least 1.5× the throughput of one event loop',
    );
  });

  it('never take a model with no answers as evidence', () => {
    // threads-service killed mid-run: no answers, p99 0 — once
    // "✔ … threads 0.0 ms (153924000000.0×)".
    const fairness = (threads: number, hybrid?: number) =>
      lessonsFor([
        scenario(
          'fairness',
          [
            result('async', 50, 300, 1),
            result('threads', threads, threads ? 20 : 0, 1),
            ...(hybrid === undefined ? [] : [result('hybrid', hybrid, 25, 1)]),
          ],
          'p99',
        ),
      ])[0];
    expect(fairness(0)).toMatchObject({ id: 'cpu-blocks-the-loop', holds: null });
    expect(fairness(0)?.figures).not.toMatch(/threads 0\.0 ms/);
    expect(fairness(0)?.figures).toContain('threads answered nothing');
    expect(fairness(0, 100)).toMatchObject({ holds: true });
    expect(fairness(0, 100)?.figures).toContain('hybrid 25.0 ms (12.0×)');
    expect(fairness(100)).toMatchObject({ holds: true }); // the control: alive, it counts
    // async silent on cpu: no baseline, no ratio of 1e9.
    const [cpu] = lessonsFor([
      scenario('cpu', [result('async', 0, 0, 1), result('threads', 170, 1, 1)]),
    ]);
    expect(cpu).toMatchObject({ id: 'cpu-needs-cores', holds: null });
    expect(cpu?.figures).toContain('async answered nothing');
    // …and an off-the-loop model silent on cpu is left out, not a 0.00× failure.
    const [dead] = lessonsFor([
      scenario('cpu', [
        result('async', 100, 1, 1),
        result('threads', 0, 0, 1),
        result('cluster', 180, 1, 1),
      ]),
    ]);
    expect(dead).toMatchObject({ holds: true });
    expect(dead?.claim).toContain('cluster reaches');
    expect(dead?.figures).toBe('cluster 1.80× async; threads answered nothing');
    // async silent on io: the memory lesson cannot be judged.
    const [io] = lessonsFor([
      scenario(
        'io',
        [
          result('async', 0, 0, 80, { liveHeapPerConnectionBytes: 1024 }),
          result('threads', 2000, 760, 90, { liveHeapPerConnectionBytes: 20 * 1024 }),
        ],
        'memory-per-connection',
        ['async'],
      ),
    ]);
    expect(io).toMatchObject({ id: 'waits-are-cheap', holds: null });
  });
});

describe('memory per connection judged on the live heap', () => {
  const guide = { prefers: ['async'], text: 'thousands of connections' };
  /** A model that kept up, its live heap per connection (null: not measured) and RSS growth. */
  const held = (model: ModelResult['model'], liveKiB: number | null, rssKiB: number) =>
    result(model, 2000, 760, 100, {
      sustained: 1,
      liveHeapPerConnectionBytes: liveKiB === null ? null : kib(liveKiB),
      memoryPerConnectionBytes: kib(rssKiB),
    });
  const at = (results: ModelResult[]) => ({
    verdict: verdictFor('memory-per-connection', guide, results),
    lesson: lessonsFor([scenario('io', results, 'memory-per-connection', ['async'])])[0],
    choose: chooseLines([scenario('io', results, 'memory-per-connection', ['async'])], {
      sharedCores: false,
      cpus: 2,
      loadAverage: { start: 0, end: 0 },
      workload: null,
    })[0],
  });

  it('weighs what a connection keeps alive, not how far RSS grew', () => {
    // threads' RSS grew least (its heap sized itself later), async keeps the least alive.
    const { verdict, lesson } = at([held('async', 8, 100), held('threads', 12, 70)]);
    expect([verdict.leaders, verdict.memory, lesson?.holds]).toEqual([['async'], 'async', true]);
    expect(verdict.note).toContain('live heap per connection async 8.0 KiB, threads 12.0 KiB');
    expect(lesson?.figures).toContain('async 8.0 KiB/connection (RSS +100 KiB)');
    // The control: the live heaps the other way round, the RSS growth unchanged.
    const swapped = at([held('async', 12, 100), held('threads', 8, 70)]);
    expect([swapped.verdict.leaders, swapped.lesson?.holds]).toEqual([['threads'], false]);
  });

  it('leaves a model whose live heap was not read out of the verdict, the lesson and the first screen, and says why', () => {
    const { verdict, lesson, choose } = at([
      held('async', 8, 100),
      held('threads', null, 20),
      held('cluster', 8.5, 120),
    ]);
    expect([verdict.leaders, verdict.memory]).toEqual([['async', 'cluster'], 'async']);
    expect(verdict.note).toContain('threads not measured');
    expect(verdict.note).toContain(
      'Not measured: threads, as no full collection of the heap was seen while the connections were held',
    );
    expect(lesson?.holds).toBe(true);
    expect(lesson?.figures).toContain('threads not measured (RSS +20 KiB)');
    expect(lesson?.figures).toContain('not measured: threads, as no full collection');
    // The heaviest that kept up is cluster, never threads with no figure (Infinity).
    expect(choose).toMatch(/io 8\.0 KiB\/connection vs the heaviest that kept up, cluster 8\.5/);
    // The control: read, threads' figure counts like any other and makes it the leader.
    expect(at([held('async', 8, 100), held('threads', 6, 20)]).verdict.leaders).toEqual([
      'threads',
    ]);
  });

  it('names no leader, and checks no lesson, when no live heap was read', () => {
    const { verdict, lesson } = at([held('async', null, 100), held('threads', null, 20)]);
    expect([verdict.leaders, verdict.memory, verdict.agreesWithGuide]).toEqual([[], null, null]);
    expect(verdict.note).toMatch(/^No leader: no model that answered has a figure to weigh/);
    expect(verdict.note).toContain('not measured: async and threads');
    expect(verdict.note).not.toContain('every model that answered fell below');
    expect(lesson?.holds).toBeNull();
    // Async alone read: nothing to weigh it against, so the lesson stays unchecked too.
    expect(at([held('async', 8, 100), held('threads', null, 20)]).lesson?.holds).toBeNull();
    // The control: both read, the lesson is checked.
    expect(at([held('async', 8, 100), held('threads', 9, 20)]).lesson?.holds).toBe(true);
  });

  it('shows each figure, and a dash where none was read, in the connections table', () => {
    const results = [held('async', 8, 100), held('threads', 9, 70), held('cluster', null, 120)];
    const report = {
      ...fixtureReport(),
      scenarios: [scenario('io', results, 'memory-per-connection', ['async'])],
    };
    const table = reportTables(report).find((t) => t.heading.startsWith('Holding connections'));
    const column = (name: string) => {
      const i = table?.header.indexOf(name) ?? -1;
      return table?.rows.map((row) => row[i]);
    };
    expect(column('live heap KiB per connection')).toEqual(['8.0', '9.0', '—']);
    expect(column('RSS growth KiB per connection')).toEqual(['100.0', '70.0', '120.0']);
  });
});
