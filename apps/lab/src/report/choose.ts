import type { Judge, ModelResult, Report, ScenarioReport } from './report-schema';
import { answeredOnly } from './verdict';

/** The questions a reader brings, each answered by the verdicts of some scenarios. */
const QUESTIONS: readonly { label: string; ids: readonly string[] }[] = [
  { label: 'CPU-bound work', ids: ['cpu', 'image'] },
  { label: 'Many waiting connections', ids: ['io', 'io-saturation', 'scrape'] },
  { label: 'CPU work beside I/O', ids: ['mixed', 'fairness'] },
  { label: 'Your workload', ids: ['workload', 'workload-rate', 'workload-fairness'] },
];

const figureOf = (judge: Judge, r: ModelResult) =>
  judge === 'throughput'
    ? r.summary.rps
    : judge === 'p99'
      ? r.summary.p99Ms
      : r.summary.memoryPerConnectionBytes;

const show = (judge: Judge, value: number) =>
  judge === 'throughput'
    ? `${value.toFixed(value < 100 ? 1 : 0)} req/s`
    : judge === 'p99'
      ? `p99 ${value.toFixed(value < 10 ? 1 : 0)} ms`
      : `${(value / 1024).toFixed(1)} KiB/connection`;

/**
 * `cpu 40.0 req/s vs 34.5 (async)`: the chosen model's figure beside the worst model's — among
 * the models that answered: one with no answers (a service that died) is no figure to beat.
 */
function evidence(scenario: ScenarioReport, model: string): string {
  const { judge, leaders } = scenario.verdict;
  if (!leaders.length) return `${scenario.id}: no leader (see its verdict)`;
  const answered = answeredOnly(scenario.results);
  const chosen = answered.find((r) => r.model === model);
  const worst = [...answered].sort((a, b) =>
    judge === 'throughput'
      ? figureOf(judge, a) - figureOf(judge, b)
      : figureOf(judge, b) - figureOf(judge, a),
  )[0];
  if (!chosen || !worst)
    return scenario.results.some((r) => r.model === model)
      ? `${scenario.id}: ${model} answered nothing (${leaders.join(' ≈ ')} lead)`
      : scenario.id;
  const lead = leaders.includes(chosen.model) ? '' : ` (${leaders.join(' ≈ ')} lead)`;
  const against =
    worst.model === chosen.model
      ? ''
      : ` vs ${show(judge, figureOf(judge, worst))} (${worst.model})`;
  return `${scenario.id} ${show(judge, figureOf(judge, chosen))}${against}${lead}`;
}

/**
 * The report's first screen: what to choose on this machine, at most five lines, each drawn
 * from the verdicts of the scenarios that answer one question — the model that leads in most
 * of them (the first scenario's leader on a tie), with the figures that say so. The last line
 * is the caveat when the load generator shared the cores with the services.
 */
export function chooseLines(
  scenarios: ScenarioReport[],
  context: { sharedCores: boolean; cpus: number; loadAverage: number; workload: string | null },
): Report['choose'] {
  const lines: string[] = [];
  for (const question of QUESTIONS) {
    const answered = scenarios.filter((s) => question.ids.includes(s.id));
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
    const first = answered[0]?.verdict.leaders ?? [];
    const choice =
      first.find((m) => votes.get(m) === most) ??
      [...votes.entries()].find(([, n]) => n === most)?.[0] ??
      '';
    const label =
      question.ids[0] === 'workload' && context.workload
        ? `${question.label} (${context.workload})`
        : question.label;
    lines.push(`${label}: ${choice} — ${answered.map((s) => evidence(s, choice)).join('; ')}.`);
  }
  if (context.sharedCores) {
    lines.push(
      `Caveat: the load generator ran on the same ${context.cpus} cores as the services (load average ${context.loadAverage.toFixed(1)} at the start), so the models that use several cores are under-measured on CPU-bound work.`,
    );
  }
  return lines.slice(0, 5);
}
