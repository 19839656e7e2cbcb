import { NO_FIGURE } from '@concurrency-lab/report-kit';
import type { Judge, ModelResult, ScenarioReport, Verdict } from './report-schema';
import { inWords } from './words';

/**
 * How close to the best figure still counts as a tie: one noisy run cannot split hairs. Memory
 * per connection also gets an absolute half KiB: its reading, up to a quarter second after the
 * collection, holds what was promoted since (a few hundred bytes per connection in the study).
 */
const TIE = { throughput: 0.05, p99: 0.1, 'memory-per-connection': 0.1 } as const;
/**
 * Below this share of a fixed rate answered, a model was overloaded: its latency and memory are not
 * comparable.
 */
const SUSTAINED = 0.9;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

/** The model with the best figure among `results`; null when there is none to pick from. */
const best = (
  results: ModelResult[],
  score: (r: ModelResult) => number,
  lowest: boolean,
): ModelResult['model'] | null =>
  [...results].sort((a, b) => (lowest ? score(a) - score(b) : score(b) - score(a)))[0]?.model ??
  null;

/**
 * Whether a model answered at all (a 2xx at least): the one test of it. Without an answer its
 * latency percentiles are the recorder's 0 for "none came", no figure — every view shows a dash
 * for them and leaves them out, as the verdicts leave the model out.
 */
export const hasAnswers = (summary: { readonly rps: number }): boolean => summary.rps > 0;

/**
 * The models with at least one 2xx answer: the only ones a verdict, a lesson or `choose` weighs.
 */
export const answeredOnly = (results: ModelResult[]): ModelResult[] =>
  results.filter((r) => hasAnswers(r.summary));

/** Below {@link SUSTAINED} of a fixed rate: overloaded, its latency and memory not comparable. */
export const overloaded = (r: ModelResult): boolean =>
  r.summary.sustained !== null && r.summary.sustained < SUSTAINED;

/** `hybrid answered 80%`: a model below a fixed rate, by the share of it it answered. */
export const answeredShare = (r: ModelResult): string =>
  `${r.model} answered ${Math.round((r.summary.sustained ?? 0) * 100)}%`;

/**
 * The models whose latency and memory are comparable: they answered, and kept up with the fixed
 * rate if there was one. An overloaded model sent only what it could — a short queue, a low p99,
 * little memory — so its figures would win for the wrong reason.
 */
export const keptUp = (results: ModelResult[]): ModelResult[] =>
  answeredOnly(results).filter((r) => !overloaded(r));

/**
 * Whether a model's live heap per connection was measured: a full collection was seen while its
 * connections were held (live-heap.ts). Without one there is no figure, not a small one.
 */
export const liveHeapMeasured = (r: ModelResult): boolean =>
  r.summary.liveHeapPerConnectionBytes !== null;

/**
 * The models a scenario's figure is weighed among: on throughput every model that answered (what
 * it answered is the figure, overloaded or not); on p99 those that kept up; on memory per
 * connection those that kept up and whose live heap was measured.
 */
export const comparableOn = (judge: Judge, results: ModelResult[]): ModelResult[] =>
  judge === 'throughput'
    ? answeredOnly(results)
    : judge === 'p99'
      ? keptUp(results)
      : keptUp(results).filter(liveHeapMeasured);

/**
 * The figure a scenario is judged on, for one model: for a model {@link comparableOn} leaves out
 * on memory (not measured) Infinity, the worst, never 0, the best.
 */
export const judgedFigure = (judge: Judge, r: ModelResult): number =>
  judge === 'throughput'
    ? r.summary.rps
    : judge === 'p99'
      ? r.summary.p99Ms
      : (r.summary.liveHeapPerConnectionBytes ?? Infinity);

/**
 * The models within the tie band of the best figure the scenario is judged on, among those that
 * answered. None when no model answered; on p99 and memory, none when every model that answered
 * fell below the fixed rate (overloaded: nothing comparable to lead on).
 */
export function leadersBy(judge: Judge, results: ModelResult[]): ModelResult['model'][] {
  const pool = comparableOn(judge, results);
  if (judge === 'throughput') {
    const top = Math.max(0, ...pool.map((r) => r.summary.rps));
    return pool.filter((r) => r.summary.rps >= top * (1 - TIE.throughput)).map((r) => r.model);
  }
  const low = Math.min(...pool.map((r) => judgedFigure(judge, r)));
  const slack = judge === 'p99' ? 0 : 512;
  return pool
    .filter((r) => judgedFigure(judge, r) <= low * (1 + TIE[judge]) + slack)
    .map((r) => r.model);
}

/**
 * The figure `Verdict.memory` is the least of: live heap per connection in a scenario judged on
 * it, the RSS peak in the others (where the connections held are few and not what is measured).
 */
const memoryFigure = (judge: Judge, r: ModelResult): number =>
  judge === 'memory-per-connection' ? judgedFigure(judge, r) : r.summary.rssPeakBytes;

/** `threads not measured`: a model's live heap per connection, or why there is none. */
const liveHeapText = (r: ModelResult): string =>
  r.summary.liveHeapPerConnectionBytes === null
    ? `${r.model} not measured`
    : `${r.model} ${kib(r.summary.liveHeapPerConnectionBytes)}`;

/**
 * Why a model that kept up has no live heap figure, said once in a note: the words a reader
 * needs to know it is no failure of the model.
 */
export const NOT_MEASURED =
  'no full collection of the heap was seen while the connections were held, so what they keep alive could not be read';

/** The figures behind a verdict, every model's, in the run's model order. */
function figures(judge: Judge, results: ModelResult[]): string {
  if (judge === 'throughput') {
    const top = Math.max(...results.map((r) => r.summary.rps), 1e-9);
    return results.map((r) => `${r.model} ${(r.summary.rps / top).toFixed(2)}×`).join(', ');
  }
  const p99 = results
    .map((r) => `${r.model} ${hasAnswers(r.summary) ? ms(r.summary.p99Ms) : NO_FIGURE}`)
    .join(', ');
  if (judge === 'p99') return p99;
  return `live heap per connection ${results.map(liveHeapText).join(', ')}; p99 ${p99}`;
}

/**
 * Why none of the guide's models is in the verdict: `cluster and procpool did not run; hybrid
 * answered nothing`.
 */
function untested(prefers: readonly string[], results: ModelResult[]): string {
  const ran = (m: string) => results.some((r) => r.model === m);
  const absent = prefers.filter((m) => !ran(m));
  const silent = prefers.filter(ran);
  return [
    absent.length ? `${inWords(absent)} did not run` : '',
    silent.length ? `${inWords(silent)} answered nothing` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** What the leaders did, said of one leader and of several. */
const WHAT: Record<Judge, { one: string; several: string }> = {
  throughput: { one: 'leads on throughput', several: 'lead on throughput' },
  p99: { one: 'leads on p99 latency', several: 'lead on p99 latency' },
  'memory-per-connection': {
    one: 'holds a connection for the least memory',
    several: 'hold a connection for the least memory',
  },
};

/**
 * `procpool leads on throughput`, or with several within the tie band: `hybrid and procpool
 * (within 5 % of the best) lead on throughput` — said in words: a sign such as "≈" read as
 * "tied on the count of scenarios led" on the first screen.
 */
export function leadersPhrase(judge: Judge, leaders: readonly string[]): string {
  if (leaders.length <= 1) return `${leaders.join('')} ${WHAT[judge].one}`;
  return `${inWords(leaders)} (within ${Math.round(TIE[judge] * 100)} % of the best) ${WHAT[judge].several}`;
}

/**
 * Per scenario: who leads on the figure the scenario is judged on (throughput, p99, memory per
 * connection), who wins on throughput (among the models that answered), on p99 and on memory
 * (among those that kept up with the rate), and whether a leader is one the Python guide's table
 * would pick. The data decides; the note says so plainly, including when the guide is not borne
 * out and when a model could not keep up with a fixed rate. Without a leader, no winner and no
 * agreement either way (null); nor for a scenario the guide has no row for (`prefers` empty:
 * fairness), which is not judged against it; nor when none of the models the guide prefers took
 * part (not in `--models`, or no answer: left out like any silent model) — a run of async and
 * threads on cpu, where the guide says processes, said "Does not agree" of a guide it never
 * tested.
 */
export function verdictFor(
  judge: Judge,
  guide: ScenarioReport['guide'],
  results: ModelResult[],
): Verdict {
  const leaders = leadersBy(judge, results);
  // A guide that prefers nothing has no row for the scenario, and one whose models are all absent
  // from the verdict was not put to the test: either way a "no" would read as refuted.
  const weighed =
    guide.prefers.length > 0 && answeredOnly(results).some((r) => guide.prefers.includes(r.model));
  const agreesWithGuide = weighed ? leaders.some((m) => guide.prefers.includes(m)) : null;
  const below = answeredOnly(results).filter(overloaded).map(answeredShare);
  const silent = results.filter((r) => !hasAnswers(r.summary)).map((r) => r.model);
  // Kept up, but no live heap read: on memory per connection, no figure to weigh.
  const unmeasured =
    judge === 'memory-per-connection'
      ? keptUp(results)
          .filter((r) => !liveHeapMeasured(r))
          .map((r) => r.model)
      : [];
  const noLeader = !answeredOnly(results).length
    ? `No model answered (${figures(judge, results)}): no leader, nothing to weigh against the guide (${guide.text}).`
    : !unmeasured.length
      ? `No leader: every model that answered fell below the fixed rate (${below.join(', ')}) — overloaded, so no latency or memory figure here is comparable; nothing to weigh against the guide (${guide.text}).`
      : `No leader: no model that answered has a figure to weigh (${figures(judge, results)}) — ${[
          below.length ? `below the fixed rate: ${below.join(', ')}` : '',
          `not measured: ${inWords(unmeasured)}, as ${NOT_MEASURED}`,
        ]
          .filter(Boolean)
          .join('; ')}; nothing to weigh against the guide (${guide.text}).`;
  const note = leaders.length
    ? [
        weighed
          ? `${agreesWithGuide ? 'Agrees' : 'Does not agree'} with the guide (${guide.text}):`
          : guide.prefers.length
            ? `Nothing to weigh against the guide (${guide.text}): none of the models it prefers took part (${untested(guide.prefers, results)}).`
            : `Nothing in the guide to weigh (${guide.text}):`,
        `${leadersPhrase(judge, leaders)} (${figures(judge, results)}).`,
        ...(below.length
          ? [
              `Below the fixed rate: ${below.join(', ')} — overloaded, so not a leader on latency or memory.`,
            ]
          : []),
        ...(unmeasured.length
          ? [`Not measured: ${inWords(unmeasured)}, as ${NOT_MEASURED}: left out of the verdict.`]
          : []),
        ...(silent.length
          ? [`No answers from ${silent.join(', ')}: left out of the verdict.`]
          : []),
      ].join(' ')
    : noLeader;
  // No leader (no answers, or nobody kept up with the rate): no best figure to name either, and
  // nothing to weigh against the guide — a "no" would read as the guide refuted.
  if (!leaders.length)
    return {
      judge,
      leaders,
      throughput: null,
      p99: null,
      memory: null,
      agreesWithGuide: null,
      note,
    };
  // Best p99 and least memory among the models that kept up, as leadersBy weighs them: an
  // overloaded model's low p99 or small RSS is what it did not send. Least memory is the figure
  // the scenario is judged on when that is memory (per connection: io), so the verdict table,
  // the scenario's leaders and the first screen name the same model; the RSS peak elsewhere.
  return {
    judge,
    leaders,
    throughput: best(answeredOnly(results), (r) => r.summary.rps, false),
    p99: best(keptUp(results), (r) => r.summary.p99Ms, true),
    memory: best(
      judge === 'memory-per-connection' ? comparableOn(judge, results) : keptUp(results),
      (r) => memoryFigure(judge, r),
      true,
    ),
    agreesWithGuide,
    note,
  };
}
