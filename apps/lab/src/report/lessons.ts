import { MODELS, type ModelInfo } from '@concurrency-lab/models';
import { ratioAgainst } from './format';
import type { ModelResult, ModelSummary, Report, ScenarioReport } from './report-schema';
import {
  answeredOnly,
  answeredShare,
  comparableOn,
  keptUp,
  leadersBy,
  liveHeapMeasured,
  NOT_MEASURED,
  overloaded,
} from './verdict';
import { inWords } from './words';

/** The models that run CPU work somewhere other than the one event loop: a pool, or processes. */
const OFF_THE_LOOP: readonly string[] = (MODELS as readonly ModelInfo[])
  .filter((m) => m.pool || m.restarts.includes('process'))
  .map((m) => m.model);

/** The models that hand CPU work to a pool, keeping the request loop free (registry: `pool`). */
const POOLED: readonly string[] = MODELS.filter((m) => m.pool).map((m) => m.model);

/** A model's summary in a scenario, if it ran there and answered at least once. */
const answeredIn = (s: ScenarioReport | undefined, model: string): ModelSummary | undefined =>
  answeredOnly(s?.results.filter((r) => r.model === model) ?? [])[0]?.summary;

/** `threads answered nothing` for the models left out of a lesson's figures ('' when none). */
const silentOf = (results: readonly ModelResult[]) => {
  const silent = results.filter((r) => r.summary.rps <= 0).map((r) => r.model);
  return silent.length ? `${inWords(silent)} answered nothing` : '';
};

/**
 * What a lesson's ratio must reach: off-the-loop throughput over async's; async's p99 over. Two
 * cores here, the load generator on them too, give ~1.9× at most; a model's own hop costs it more
 * (hybrid's requests cross a cluster worker and a thread, procpool's a pipe: ~15 % more CPU a
 * request), so hybrid's ceiling is ~1.6× and it read 1.57–1.62× in runs at the machine's speed.
 * 1.6×, chosen when only threads and cluster were judged, failed it on its hop alone.
 */
const CPU_RATIO = 1.5;
const FAIRNESS_RATIO = 3;

/**
 * At or above this multiple of the cheapest CPU per request in the cpu scenario (the same
 * `fib(30)` for every model), a model's processes ran slow: the machine's doing, not the model's
 * (docs/design.md, "The cpu lesson"). Runs without it read up to 1.16× (hybrid's and procpool's
 * own hops); the slowed ones 1.24× and more.
 */
const SLOW_COST = 1.2;

/** The CPU one request cost a model, in ms: its tree's mean CPU (% of a core) over its req/s. */
const cpuMsPerRequest = (s: ModelSummary) => (s.cpuPercentMean * 10) / s.rps;

/**
 * Who ran slow in the cpu scenario, from its answered results: a model whose CPU per request is
 * at least {@link SLOW_COST} times the cheapest there. A model with no CPU reading (0 %) is never
 * slow, nor the cheapest.
 */
function slowIn(answered: readonly ModelResult[]) {
  const read = answered.filter((r) => r.summary.cpuPercentMean > 0);
  const cheapest = read.reduce<ModelResult | undefined>(
    (best, r) => (best && cpuMsPerRequest(best.summary) <= cpuMsPerRequest(r.summary) ? best : r),
    undefined,
  );
  const floor = cheapest ? cpuMsPerRequest(cheapest.summary) : Infinity;
  return {
    cheapest: cheapest ? `${cheapest.model} at ${floor.toFixed(1)} ms` : '',
    // No reading costs 0 ms: never at or above a multiple of a cheapest that has one.
    slow: (s: ModelSummary) => cpuMsPerRequest(s) >= SLOW_COST * floor,
  };
}

/**
 * A lesson over several models' verdicts: false if any fails, open (null) while any is open or
 * none was weighed, true when all hold.
 */
const settled = (holds: readonly (boolean | null)[]): boolean | null =>
  holds.includes(false) ? false : !holds.length || holds.includes(null) ? null : true;

/** A lesson's figures: its parts that say something, `; ` between them. */
const figuresOf = (...parts: string[]) => parts.filter(Boolean).join('; ');

/**
 * The lessons the lab exists to show, checked against this run's figures: each claim names the
 * models that ran, and a model with no answers (a service that died, one that refused every
 * request) is never evidence — it is left out and named; without a baseline the lesson holds
 * neither way (`null`).
 */
export function lessonsFor(scenarios: ScenarioReport[]): Report['lessons'] {
  const lessons: Report['lessons'] = [];
  const byId = (id: string) => scenarios.find((s) => s.id === id);
  /**
   * A lesson weighing `group` against one event loop in scenario `id`: the group's results there
   * (`ran`), async's summary (`baseline`: undefined when it answered nothing) and the group's
   * results that count against it (`counted`: none without a baseline). Undefined where async or
   * none of the group ran: no lesson.
   */
  const againstAsync = (id: string, group: readonly string[]) => {
    const scenario = byId(id);
    const ran = (scenario?.results ?? []).filter((r) => group.includes(r.model));
    if (!scenario?.results.some((r) => r.model === 'async') || !ran.length) return undefined;
    const baseline = answeredIn(scenario, 'async');
    return { ran, baseline, counted: baseline ? answeredOnly(ran) : [] };
  };

  const cpu = againstAsync('cpu', OFF_THE_LOOP);
  if (cpu) {
    const { ran: offTheLoop, baseline: asyncCpu, counted } = cpu;
    // Throughput is cores kept busy ÷ CPU per request, and the machine sometimes runs a process
    // slow for its life: a model short of the ratio that kept the cores busy but paid a slowed cost
    // per request says nothing about cores, nor does a model that clears it against a slowed
    // async. Either is open ("cannot be judged"); a shortfall at the run's speed fails.
    const { cheapest, slow } = slowIn(answeredOnly(byId('cpu')?.results ?? []));
    const asyncSlow = asyncCpu !== undefined && slow(asyncCpu);
    const weighed = counted.map((r) => {
      const ratio = r.summary.rps / Math.max(asyncCpu?.rps ?? 0, 1e-9);
      // Without a CPU reading of async's (0 %: no samples) the cores kept busy are unknown: 0.
      const asyncCores = asyncCpu?.cpuPercentMean ?? 0;
      const cores = asyncCores > 0 ? r.summary.cpuPercentMean / asyncCores : 0;
      const slowed = ratio < CPU_RATIO && cores >= CPU_RATIO && slow(r.summary);
      const open =
        ratio >= CPU_RATIO ? (asyncSlow ? 'baseline' : undefined) : slowed ? 'slowed' : undefined;
      const cost = slowed
        ? ` (${cpuMsPerRequest(r.summary).toFixed(1)} ms of CPU a request, ${cores.toFixed(2)}× async's cores busy)`
        : '';
      return {
        model: r.model,
        holds: open ? null : ratio >= CPU_RATIO,
        open,
        text: `${r.model} ${ratioAgainst(ratio, CPU_RATIO, 2)} async${cost}`,
      };
    });
    const openFor = (why: string) => weighed.filter((w) => w.open === why).map((w) => w.model);
    const [againstSlow, slowed] = [openFor('baseline'), openFor('slowed')];
    const named = (counted.length ? counted : offTheLoop).map((r) => r.model);
    lessons.push({
      id: 'cpu-needs-cores',
      claim: `CPU-bound work: ${inWords(named)} ${named.length > 1 ? 'reach' : 'reaches'} at least ${CPU_RATIO}× the throughput of one event loop`,
      holds: settled(weighed.map((w) => w.holds)),
      figures: asyncCpu
        ? figuresOf(
            againstSlow.length
              ? `cannot be judged here for ${inWords(againstSlow)}: async's own requests cost ` +
                  `${cpuMsPerRequest(asyncCpu).toFixed(1)} ms of CPU each, ≥ ${SLOW_COST}× the ` +
                  `cheapest model's (${cheapest}) for the same work — a baseline the machine ran slow`
              : '',
            slowed.length
              ? `cannot be judged here for ${inWords(slowed)}: each request cost ≥ ${SLOW_COST}× the ` +
                  `CPU of the cheapest model's (${cheapest}) for the same work while the cores ` +
                  'were busy — processes the machine ran slow, not fewer cores'
              : '',
            weighed.map((w) => w.text).join(', '),
            silentOf(offTheLoop),
          )
        : 'async answered nothing: no baseline',
    });
  }

  const fairness = againstAsync('fairness', POOLED);
  if (fairness) {
    const { baseline: asyncProbe, counted: pooled, ran: pooledRan } = fairness;
    // A model below the fixed rate sent only what it could: its p99 is a floor — the waits it
    // never sent would only raise it. So async's floor can still prove the gap (≥ 3× over a
    // pooled model that kept up holds however high async's real p99 is), and a pooled model's
    // floor can still disprove it (< 3× against an async that kept up fails however high the
    // pooled one's real p99 is). Any other pairing proves nothing either way.
    const asyncResult = byId('fairness')?.results.find((r) => r.model === 'async');
    const asyncFloor = asyncResult !== undefined && overloaded(asyncResult);
    const weighed = pooled.map((r) => {
      const ratio = (asyncProbe?.p99Ms ?? 0) / Math.max(r.summary.p99Ms, 1e-9);
      const floor = overloaded(r);
      const holds = ratio >= FAIRNESS_RATIO ? (floor ? null : true) : asyncFloor ? null : false;
      const p99 = `${r.summary.p99Ms.toFixed(1)} ms${floor ? ` (a floor: ${answeredShare(r)})` : ''}`;
      return {
        model: r.model,
        holds,
        text: `${r.model} ${p99} (${ratioAgainst(ratio, FAIRNESS_RATIO)})`,
      };
    });
    const open = weighed.filter((w) => w.holds === null).map((w) => w.model);
    const holds = settled(weighed.map((w) => w.holds));
    lessons.push({
      id: 'cpu-blocks-the-loop',
      claim:
        "While CPU work runs, one event loop's I/O requests wait: async's I/O p99 is several (≥ 3) times that of every model with a pool",
      holds,
      figures: asyncProbe
        ? figuresOf(
            holds === null && open.length
              ? `cannot be judged here for ${inWords(open)}: below the fixed rate, a p99 is ` +
                  'only a floor, and these floors settle nothing'
              : '',
            `I/O p99: async ${asyncProbe.p99Ms.toFixed(1)} ms` +
              (asyncFloor && asyncResult ? ` (a floor: ${answeredShare(asyncResult)})` : ''),
            weighed.map((w) => w.text).join(', '),
            silentOf(pooledRan),
          )
        : 'async answered nothing: no baseline',
    });
  }

  const io = byId('io');
  if (io && io.results.some((r) => r.model === 'async') && io.results.length > 1) {
    const answered = answeredOnly(io.results);
    // Memory is weighed only among the models that kept up with the rate and whose live heap was
    // read (verdict.ts): an overloaded one held fewer requests for its connections, and one with
    // no reading has no figure. So async out, or no other model in, leaves nothing to check the
    // claim on, either way.
    const comparable = comparableOn('memory-per-connection', io.results);
    const checkable =
      comparable.some((r) => r.model === 'async') && comparable.some((r) => r.model !== 'async');
    const below = answered.filter(overloaded).map(answeredShare);
    const unmeasured = keptUp(io.results)
      .filter((r) => !liveHeapMeasured(r))
      .map((r) => r.model);
    lessons.push({
      id: 'waits-are-cheap',
      claim:
        'Holding thousands of waiting connections: one event loop keeps no more alive per connection than threads or processes (live heap after a full collection, within 10% and half a KiB)',
      holds: checkable ? leadersBy('memory-per-connection', io.results).includes('async') : null,
      figures: figuresOf(
        answered
          .map(
            (r) =>
              `${r.model} ${
                r.summary.liveHeapPerConnectionBytes === null
                  ? 'not measured'
                  : `${(r.summary.liveHeapPerConnectionBytes / 1024).toFixed(1)} KiB/connection`
              } (RSS +${(r.summary.memoryPerConnectionBytes / 1024).toFixed(0)} KiB), p99 ${Math.round(r.summary.p99Ms)} ms`,
          )
          .join(', '),
        below.length ? `below the fixed rate, not comparable: ${inWords(below)}` : '',
        unmeasured.length ? `not measured: ${inWords(unmeasured)}, as ${NOT_MEASURED}` : '',
        silentOf(io.results),
      ),
    });
  }
  return lessons;
}
