import { MODEL_NAMES } from '@concurrency-lab/models';
import type { Judge, Report, ScenarioReport } from './report-schema';
import { answeredOnly, comparableOn, judgedFigure } from './verdict';
import { inWords } from './words';

/** `async leads`, `hybrid and procpool lead`. */
const led = (leaders: readonly string[]): string =>
  `${inWords(leaders)} ${leaders.length > 1 ? 'lead' : 'leads'}`;

/**
 * Who the chosen model's figure is set against: the model with the worst comparable one — on
 * p99 and memory among those that kept up with the fixed rate (`comparableOn`).
 */
const WORST: Record<Judge, string> = {
  throughput: 'the lowest',
  p99: 'the slowest that kept up',
  'memory-per-connection': 'the heaviest that kept up',
};

/**
 * A 1-minute load average above this many times the cores is more than a run makes: the lab
 * drives one model at a time, its load generator beside it (a cluster's workers busy on CPU
 * work and autocannon: about 3 runnable threads on 2 cores). Well above it, other work shared
 * the cores.
 */
const BUSY_PER_CORE = 3;

/** The questions a reader brings, each answered by the verdicts of some scenarios. */
const QUESTIONS: readonly { label: string; ids: readonly string[] }[] = [
  { label: 'CPU-bound work', ids: ['cpu', 'image'] },
  { label: 'Many waiting connections', ids: ['io', 'io-saturation', 'scrape'] },
  { label: 'CPU work beside I/O', ids: ['mixed', 'fairness'] },
  { label: 'Your workload', ids: ['workload', 'workload-rate', 'workload-fairness'] },
];

/** A model's place in the registry: what settles equal figures, whatever `--models` said. */
const registryIndex = (model: string): number => (MODEL_NAMES as readonly string[]).indexOf(model);

const show = (judge: Judge, value: number) =>
  judge === 'throughput'
    ? `${value.toFixed(value < 100 ? 1 : 0)} req/s`
    : judge === 'p99'
      ? `p99 ${value.toFixed(value < 10 ? 1 : 0)} ms`
      : `${(value / 1024).toFixed(1)} KiB/connection`;

/**
 * `cpu 40.0 req/s vs the lowest, async 34.5 req/s`: the chosen model's figure beside the worst
 * model's — among the models whose figure is comparable: one with no answers (a service that
 * died), or on p99 and memory one below the fixed rate, is no figure to beat, and no evidence
 * when chosen.
 */
function evidence(scenario: ScenarioReport, model: string): string {
  const { judge } = scenario.verdict;
  if (!scenario.verdict.leaders.length) return `${scenario.id}: no leader (see its verdict)`;
  // Best first, as the choice is made: the verdict lists them in the run's order.
  const leaders = byFigures(scenario.verdict.leaders, [scenario]);
  const answered = answeredOnly(scenario.results);
  const chosen = answered.find((r) => r.model === model);
  // The figure to beat is a comparable one too: an overloaded model's p99 or memory is not.
  const worst = [...comparableOn(judge, scenario.results)].sort(
    (a, b) =>
      (judge === 'throughput'
        ? judgedFigure(judge, a) - judgedFigure(judge, b)
        : judgedFigure(judge, b) - judgedFigure(judge, a)) ||
      registryIndex(a.model) - registryIndex(b.model),
  )[0];
  if (!chosen || !worst)
    return scenario.results.some((r) => r.model === model)
      ? `${scenario.id}: ${model} answered nothing (${led(leaders)})`
      : scenario.id;
  const lead = leaders.includes(chosen.model) ? '' : ` (${led(leaders)})`;
  // Answered, but below the fixed rate: its p99 or memory is what it did not send, no evidence.
  if (!comparableOn(judge, answered).includes(chosen))
    return `${scenario.id}: ${model} below the fixed rate, not comparable${lead}`;
  const against =
    worst.model === chosen.model
      ? ''
      : ` vs ${WORST[judge]}, ${worst.model} ${show(judge, judgedFigure(judge, worst))}`;
  return `${scenario.id} ${show(judge, judgedFigure(judge, chosen))}${against}${lead}`;
}

/**
 * The models tied on votes, best first by the figures — never by the order the run listed them
 * in (`--models`). First, a model with a comparable figure in more of the question's scenarios:
 * one without (no answers; on p99 or memory, overloaded) bought its lead elsewhere with the load
 * it dropped (a run once chose async for CPU work beside I/O on its mixed throughput, though it
 * answered 29% of fairness's fixed rate). Then how close it comes to each scenario's best figure
 * over all of them (the geometric mean of its figure ÷ the best, or best ÷ figure on p99 and
 * memory): a run once chose procpool for CPU-bound work on its cpu lead although it was 0.54× on
 * image, where cluster, tied with it on votes, was 0.97× and 0.70×. Then the best figure in the
 * question's first scenario, the next one's where equal; the registry's order settles the rest.
 */
function byFigures(models: readonly string[], scenarios: readonly ScenarioReport[]): string[] {
  const figureIn = (s: ScenarioReport, model: string): number | undefined => {
    const r = comparableOn(s.verdict.judge, s.results).find((x) => x.model === model);
    return r && judgedFigure(s.verdict.judge, r);
  };
  const missing = new Map(
    models.map((m) => [m, scenarios.filter((s) => figureIn(s, m) === undefined).length]),
  );
  /** A figure as a share of the scenario's best comparable one: 1 is the best, lower is worse. */
  const shareOfBest = (s: ScenarioReport, figure: number): number => {
    const all = comparableOn(s.verdict.judge, s.results).map((r) =>
      judgedFigure(s.verdict.judge, r),
    );
    if (s.verdict.judge === 'throughput') {
      const best = Math.max(...all);
      return best > 0 ? figure / best : 1;
    }
    return figure > 0 ? Math.min(...all) / figure : 1;
  };
  const closeness = new Map(
    models.map((m) => {
      const shares = scenarios.flatMap((s) => {
        const figure = figureIn(s, m);
        return figure === undefined ? [] : [shareOfBest(s, figure)];
      });
      const logs = shares.reduce((sum, share) => sum + Math.log(Math.max(share, 1e-9)), 0);
      return [m, shares.length ? Math.exp(logs / shares.length) : 0];
    }),
  );
  const order = (a: string, b: string): number => {
    const byMissing = (missing.get(a) ?? 0) - (missing.get(b) ?? 0);
    if (byMissing !== 0) return byMissing;
    const byCloseness = (closeness.get(b) ?? 0) - (closeness.get(a) ?? 0);
    if (Math.abs(byCloseness) > 1e-9) return byCloseness;
    for (const s of scenarios) {
      const fa = figureIn(s, a);
      const fb = figureIn(s, b);
      if (fa === fb) continue;
      if (fa === undefined) return 1;
      if (fb === undefined) return -1;
      return s.verdict.judge === 'throughput' ? fb - fa : fa - fb;
    }
    return registryIndex(a) - registryIndex(b);
  };
  return [...models].sort(order);
}

/**
 * The report's first screen: what to choose on this machine, at most five lines, each drawn
 * from the verdicts of the scenarios that answer one question — the model that leads in most
 * of them, with the figures that say so. On a tie in leads the figures decide (`byFigures`) and
 * the line names the others tied with it: `procpool (as many scenarios led as hybrid)`. The last
 * line is the caveat when the load generator shared the cores with the services, or when the
 * load at the end says other work did (one line for both: the questions take at most four).
 */
export function chooseLines(
  scenarios: ScenarioReport[],
  context: {
    sharedCores: boolean;
    cpus: number;
    /** The 1-minute load average at the start and at the end of the run. */
    loadAverage: { start: number; end: number };
    workload: string | null;
  },
): Report['choose'] {
  const lines: string[] = [];
  for (const question of QUESTIONS) {
    // In the question's order, whatever order the run took them in: the first one breaks ties.
    const answered = question.ids.flatMap((id) => scenarios.filter((s) => s.id === id));
    if (!answered.length) continue;
    const votes = new Map<string, number>();
    for (const s of answered)
      for (const m of s.verdict.leaders) votes.set(m, (votes.get(m) ?? 0) + 1);
    if (!votes.size) {
      // No scenario of the question had a leader (no answers, or nobody kept up with its rate).
      lines.push(
        `${question.label}: no model to choose — ${answered.map((s) => evidence(s, '')).join('; ')}.`,
      );
      continue;
    }
    const most = Math.max(...votes.values());
    const tied = [...votes.keys()].filter((m) => votes.get(m) === most);
    const [choice = '', ...others] = byFigures(tied, answered);
    const named = others.length
      ? `${choice} (as many scenarios led as ${inWords(others)})`
      : choice;
    const label =
      question.ids[0] === 'workload' && context.workload
        ? `${question.label} (${context.workload})`
        : question.label;
    lines.push(`${label}: ${named} — ${answered.map((s) => evidence(s, choice)).join('; ')}.`);
  }
  const caveat = caveatLine(context);
  if (caveat) lines.push(caveat);
  return lines.slice(0, 5);
}

/**
 * What may make the figures low: the load generator on the services' cores (always, in local
 * mode), and other work, when the load average at the end is well above what the run makes.
 */
function caveatLine({
  sharedCores,
  cpus,
  loadAverage: { start, end },
}: Parameters<typeof chooseLines>[1]): string | undefined {
  const busy = end > BUSY_PER_CORE * cpus;
  const load = `load average ${start.toFixed(1)} at the start, ${end.toFixed(1)} at the end`;
  const others =
    'other work competed for the cores too, so every figure is low and the ratios between ' +
    'models less sure';
  if (sharedCores)
    return (
      `Caveat: the load generator ran on the same ${cpus} cores as the services (${load}), so ` +
      'the models that use several cores are under-measured on CPU-bound work' +
      (busy ? `; and ${others}.` : '.')
    );
  return busy ? `Caveat: the machine was busy (${load} on ${cpus} cores): ${others}.` : undefined;
}
