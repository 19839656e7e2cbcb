import { MODEL_NAMES } from '@concurrency-lab/models';
import type { Judge, Report, ScenarioReport } from './report-schema';
import { answeredOnly, comparableOn, judgedFigure } from './verdict';

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
 * `cpu 40.0 req/s vs 34.5 (async)`: the chosen model's figure beside the worst model's — among
 * the models whose figure is comparable: one with no answers (a service that died), or on p99
 * and memory one below the fixed rate, is no figure to beat, and no evidence when chosen.
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
      ? `${scenario.id}: ${model} answered nothing (${leaders.join(' ≈ ')} lead)`
      : scenario.id;
  const lead = leaders.includes(chosen.model) ? '' : ` (${leaders.join(' ≈ ')} lead)`;
  // Answered, but below the fixed rate: its p99 or memory is what it did not send, no evidence.
  if (!comparableOn(judge, answered).includes(chosen))
    return `${scenario.id}: ${model} below the fixed rate, not comparable${lead}`;
  const against =
    worst.model === chosen.model
      ? ''
      : ` vs ${show(judge, judgedFigure(judge, worst))} (${worst.model})`;
  return `${scenario.id} ${show(judge, judgedFigure(judge, chosen))}${against}${lead}`;
}

/**
 * The models tied on votes, best first by the figures — never by the order the run listed them
 * in (`--models`). First, a model with a comparable figure in more of the question's scenarios:
 * one without (no answers; on p99 or memory, overloaded) bought its lead elsewhere with the load
 * it dropped (a run once chose async for CPU work beside I/O on its mixed throughput, though it
 * answered 29% of fairness's fixed rate). Then the best figure in the question's first scenario,
 * the next one's where equal; the registry's order settles figures equal everywhere.
 */
function byFigures(models: readonly string[], scenarios: readonly ScenarioReport[]): string[] {
  const figureIn = (s: ScenarioReport, model: string): number | undefined => {
    const r = comparableOn(s.verdict.judge, s.results).find((x) => x.model === model);
    return r && judgedFigure(s.verdict.judge, r);
  };
  const missing = new Map(
    models.map((m) => [m, scenarios.filter((s) => figureIn(s, m) === undefined).length]),
  );
  const order = (a: string, b: string): number => {
    const byMissing = (missing.get(a) ?? 0) - (missing.get(b) ?? 0);
    if (byMissing !== 0) return byMissing;
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
 * the line names the others tied with it: `procpool (≈ hybrid)`. The last line is the caveat
 * when the load generator shared the cores with the services.
 */
export function chooseLines(
  scenarios: ScenarioReport[],
  context: { sharedCores: boolean; cpus: number; loadAverage: number; workload: string | null },
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
    const named = others.length ? `${choice} (≈ ${others.join(' ≈ ')})` : choice;
    const label =
      question.ids[0] === 'workload' && context.workload
        ? `${question.label} (${context.workload})`
        : question.label;
    lines.push(`${label}: ${named} — ${answered.map((s) => evidence(s, choice)).join('; ')}.`);
  }
  if (context.sharedCores) {
    lines.push(
      `Caveat: the load generator ran on the same ${context.cpus} cores as the services (load average ${context.loadAverage.toFixed(1)} at the start), so the models that use several cores are under-measured on CPU-bound work.`,
    );
  }
  return lines.slice(0, 5);
}
