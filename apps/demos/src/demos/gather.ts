import { asCompleted, FIRST_COMPLETED, Future, wait } from '@concurrency-lab/executors';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineDemo } from '../demo';
import { JobFailedError } from '../errors';
import { integers } from '../knobs';
import { verdictOf } from '../verdict';
import { fixed } from '../format';

const NAMES = ['a', 'b', 'c'] as const;
type Name = (typeof NAMES)[number];

/** An error as the table shows it: the job's failure by its class, as Python names exceptions. */
const shown = (code: string): string => (code === JobFailedError.code ? JobFailedError.name : code);

/**
 * Timers of aborted jobs that still fired: what an abort that forgot its clearTimeout leaves
 * behind, seen as it happens (a count of the process's timers also sees everything else that
 * runs in it, such as another test in the same jest worker).
 */
let firedAfterAbort = 0;

/** A job that finishes after `ms` on a timer (or fails), and stops early if `signal` aborts. */
function job(name: Name, ms: number, fail = false, signal?: AbortSignal): Promise<Name> {
  return new Promise((resolve, reject) => {
    let aborted = false;
    const timer = setTimeout(() => {
      if (aborted) firedAfterAbort++;
      else if (fail) reject(new JobFailedError(name));
      else resolve(name);
    }, ms);
    signal?.addEventListener(
      'abort',
      () => {
        aborted = true;
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** How many of a set of jobs have started, and how many had when the first of them finished. */
interface Starts {
  started: number;
  atFirstFinish: number | undefined;
}

/**
 * `job`, counted in `starts` from inside: the count goes up when its body begins to run, not
 * when it is asked for. Eager jobs have all started by the time the first finishes; lazy ones,
 * each started only when awaited, have not.
 */
async function counted(name: Name, ms: number, starts: Starts): Promise<Name> {
  starts.started++;
  try {
    return await job(name, ms);
  } finally {
    starts.atFirstFinish ??= starts.started;
  }
}

/** A Future completed by a timer, as an executor's worker would complete it. */
function timedFuture(name: Name, ms: number): Future<Name> {
  const future = new Future<Name>();
  future.setRunningOrNotifyCancel();
  setTimeout(() => future.setResult(name), ms);
  return future;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

export const gather = defineDemo({
  name: 'gather',
  mirrors: 'asyncio.gather, TaskGroup, as_completed, wait, create_task, cancel',
  describe:
    "Three jobs (a, b, c) through each of asyncio's ways to wait for many, in Node: Promise.all/allSettled/race/any, the executors' asCompleted and wait on futures; eager start (create_task) vs lazy; and cancelling the rest with an AbortSignal, as TaskGroup does when one fails.",
  knobs: {
    // The three jobs run a dozen times over, one way after another: 5 s each keeps it a minute.
    // From 1: Node runs setTimeout(…, 0) after 1 ms, so a 0 would tie with a 1. Distinct: the
    // lesson checks which finishes first, and a tie has no first.
    delaysMs: integers("The three jobs' durations (ms): a, b, c.", {
      default: [60, 20, 40],
      min: 1,
      max: 5000,
      length: [3, 3],
      distinct: true,
    }),
  },
  rules: [
    {
      knobs: ['delaysMs'],
      // Were a first, or second (any's answer: the fastest fails), an order-blind broken
      // Promise.all, race, any, asCompleted or wait would give the expected job anyway.
      doc: 'a, the first of `--delays-ms`, the slowest: else input order and completion order agree where a lesson tells them apart',
      holds: ({ delaysMs }) => delaysMs[0] === Math.max(...delaysMs),
    },
  ],
  async run({ delaysMs }) {
    const delay = (name: Name) => delaysMs[NAMES.indexOf(name)] as number;
    const fastest = [...NAMES].sort((x, y) => delay(x) - delay(y));
    const three = (fail?: Name, signal?: AbortSignal) =>
      NAMES.map((n) => job(n, delay(n), n === fail, signal));

    const all = await timed(() => Promise.all(three()));
    // The fastest fails: gather raises it at once, before the others finish — which keep
    // running regardless.
    let stillRunningAfterReject = 0;
    const allFailing = await timed(async () => {
      const jobs = three(fastest[0]);
      let finished = 0;
      // They run on after the rejection; awaited below, outside the timing.
      const rest = Promise.allSettled(jobs.map((j) => j.finally(() => finished++)));
      const code = await Promise.all(jobs).then(
        () => 'resolved',
        (error: unknown) => (error as { code?: string }).code ?? 'error',
      );
      stillRunningAfterReject = NAMES.length - finished;
      return { code, rest };
    });
    await allFailing.value.rest;
    // The slowest fails: allSettled waits for it, and reports the two results and the failure.
    const slowest = fastest[2] as Name;
    const settled = await timed(() => Promise.allSettled(three(slowest)));
    const race = await timed(() => Promise.race(three()));
    const any = await timed(() => Promise.any(three(fastest[0])));

    const futures = NAMES.map((n) => timedFuture(n, delay(n)));
    const completedOrder: Name[] = [];
    const asCompletedRun = await timed(async () => {
      for await (const f of asCompleted(futures)) completedOrder.push(await f.result());
    });
    const moreFutures = NAMES.map((n) => timedFuture(n, delay(n)));
    const firstDone = await timed(() => wait(moreFutures, { returnWhen: FIRST_COMPLETED }));
    const doneNames = await Promise.all([...firstDone.value.done].map((f) => f.result()));
    await wait(moreFutures); // let the rest finish: no timer outlives the demo

    // Eager: calling starts the job (create_task). Lazy: a thunk starts only when awaited. Each
    // job counts itself as it starts: when the first one finishes, eager ones have all started
    // (they run side by side, max(delays) in all), lazy ones only that one (sum(delays)).
    const eagerStarts: Starts = { started: 0, atFirstFinish: undefined };
    const lazyStarts: Starts = { started: 0, atFirstFinish: undefined };
    const eager = await timed(async () => {
      const jobs = NAMES.map((n) => counted(n, delay(n), eagerStarts));
      for (const j of jobs) await j;
    });
    const lazy = await timed(async () => {
      const thunks = NAMES.map((n) => () => counted(n, delay(n), lazyStarts));
      for (const t of thunks) await t();
    });
    const startedWhenFirstFinished = {
      eager: eagerStarts.atFirstFinish ?? 0,
      lazy: lazyStarts.atFirstFinish ?? 0,
    };

    // asyncio.TaskGroup (3.11): the first failure cancels the rest and the group raises. Node
    // has none: Promise.all over jobs sharing one AbortController that the first failure aborts
    // — against "gather, one fails" above, where the other two ran on.
    const firedBefore = firedAfterAbort;
    const taskGroup = await timed(async () => {
      const group = new AbortController();
      // The first failure aborts the group (a later abort() is a no-op), which rejects the rest.
      const jobs = three(fastest[0], group.signal).map((j) =>
        j.catch((error: unknown) => {
          group.abort(error);
          throw error;
        }),
      );
      const code = await Promise.all(jobs).then(
        () => 'resolved',
        (error: unknown) => (error as { code?: string }).code ?? 'error',
      );
      // Settled at once: the aborted ones rejected in the abort. All but the failure were aborted.
      const outcomes = await Promise.allSettled(jobs);
      return { code, aborted: outcomes.filter((o) => o.status === 'rejected').length - 1 };
    });

    // Cancellation: the first result wins, the others are aborted and their timers cleared —
    // which shows as none of them firing once their time has passed (the group's as well).
    const controller = new AbortController();
    const cancellable = three(undefined, controller.signal);
    const winner = await Promise.race(cancellable);
    controller.abort(new Error('no longer needed'));
    const outcomes = await Promise.allSettled(cancellable);
    await sleep(Math.max(...delaysMs) + 20);
    const cancelled = outcomes.filter((o) => o.status === 'rejected').length;
    const timersLeft = firedAfterAbort - firedBefore;

    const { checks, verdict } = judge({
      completionOrder: fastest,
      all: all.value,
      allFailing: allFailing.value.code,
      stillRunningAfterReject,
      settled: settled.value.map((s) => s.status),
      race: race.value,
      any: any.value,
      asCompleted: completedOrder,
      waitFirstCompleted: { done: doneNames, notDone: firstDone.value.notDone.size },
      startedWhenFirstFinished,
      taskGroup: taskGroup.value,
      winner,
      cancelled,
      timersLeft,
    });
    const ms = (x: { ms: number }) => fixed(x.ms, 0);
    return {
      figures: {
        delaysMs,
        completionOrder: fastest,
        all: all.value,
        settled: settled.value.map((s) => s.status),
        race: race.value,
        any: any.value,
        asCompleted: completedOrder,
        waitFirstCompleted: { done: doneNames, notDone: firstDone.value.notDone.size },
        eagerMs: eager.ms,
        lazyMs: lazy.ms,
        startedWhenFirstFinished,
        cancelled,
        timersLeft,
        stillRunningAfterReject,
        taskGroup: taskGroup.value,
        checks,
      },
      table: {
        header: ['Python', 'Node', 'what came back', 'ms'],
        align: ['left', 'left', 'left', 'right'],
        rows: [
          ['gather(a, b, c)', 'Promise.all', all.value.join(', '), ms(all)],
          [
            'gather, one fails',
            'Promise.all',
            `rejects ${shown(allFailing.value.code)}`,
            ms(allFailing),
          ],
          [
            'TaskGroup, one fails',
            'all + one abort',
            `${shown(taskGroup.value.code)}, ${taskGroup.value.aborted} aborted`,
            ms(taskGroup),
          ],
          [
            'gather(return_exc…)',
            'Promise.allSettled',
            `${settled.value.filter((s) => s.status === 'rejected').length} rejected, ${settled.value.filter((s) => s.status === 'fulfilled').length} fulfilled`,
            ms(settled),
          ],
          ['wait(FIRST_COMP…)', 'Promise.race', race.value, ms(race)],
          ['first success', 'Promise.any', `${any.value} (${fastest[0]} failed)`, ms(any)],
          ['as_completed(fs)', 'asCompleted(fs)', completedOrder.join(', '), ms(asCompletedRun)],
          [
            'wait(fs, FIRST_COMP…)',
            'wait(fs, {returnWhen})',
            `done ${doneNames.join()}, ${firstDone.value.notDone.size} not`,
            ms(firstDone),
          ],
          [
            'create_task ×3',
            'call, then await',
            `${startedWhenFirstFinished.eager} started by 1st done`,
            ms(eager),
          ],
          [
            'await coro ×3',
            'await thunk()',
            `${startedWhenFirstFinished.lazy} started by 1st done`,
            ms(lazy),
          ],
          ['task.cancel()', 'AbortController', `${winner} won, ${cancelled} aborted`, '—'],
        ],
      },
      notes: [
        `Jobs a, b, c take ${delaysMs.join(', ')} ms. Calling an async function starts it at once, like create_task; a coroutine, or a thunk, starts only when awaited: when the first job finished, ${startedWhenFirstFinished.eager} eager ones had started and ${startedWhenFirstFinished.lazy} lazy one — so awaiting three in a row took ${fixed(lazy.ms, 0)} ms instead of ${fixed(eager.ms, 0)}.`,
        `Like gather, Promise.all does not stop the others when one fails (${stillRunningAfterReject} were still running). TaskGroup does; in Node, give the jobs one AbortSignal and abort it on the first failure (${taskGroup.value.aborted} aborted; the first error comes back, not an ExceptionGroup). After the aborts, ${timersLeft} of their timers still fired.`,
        'asCompleted and wait take the futures of the executors (ThreadPoolExecutor/ProcessPoolExecutor); here timers complete them, so the order is certain.',
      ],
      verdict,
    };
  },
});

/** What a gather run saw: each way of waiting's answer, the starts and the aborts. */
export interface GatherSeen {
  /** The jobs, fastest first: the order they finish in. */
  completionOrder: readonly string[];
  /** Promise.all's results. */
  all: readonly string[];
  /** The code Promise.all rejected with when the fastest job failed. */
  allFailing: string;
  /** Jobs that had not finished when that Promise.all rejected. */
  stillRunningAfterReject: number;
  /** Promise.allSettled's statuses when the slowest job failed. */
  settled: readonly PromiseSettledResult<unknown>['status'][];
  race: string;
  /** Promise.any's answer when the fastest job failed. */
  any: string;
  /** The results in the order asCompleted gave their futures. */
  asCompleted: readonly string[];
  waitFirstCompleted: { done: readonly string[]; notDone: number };
  /** Jobs started by the time the first one finished, called at once and awaited in turn. */
  startedWhenFirstFinished: { eager: number; lazy: number };
  /** The task group's error code and how many of its jobs the first failure aborted. */
  taskGroup: { code: string; aborted: number };
  /** The race that aborts the rest: who won, how many were aborted. */
  winner: string;
  cancelled: number;
  /** Timers of aborted jobs that fired after their abort. */
  timersLeft: number;
}

/**
 * The gather lesson's checks and verdict from what the run saw: exported for its unit test,
 * which hands it made-up answers, wrong ones included.
 */
export function judge(seen: GatherSeen) {
  const [first, second] = seen.completionOrder;
  const statuses = (status: string) => seen.settled.filter((s) => s === status).length;
  const checks = {
    allInInputOrder: seen.all.join() === NAMES.join(),
    allRejectsWithFailure:
      seen.allFailing === JobFailedError.code && seen.stillRunningAfterReject === 2,
    allSettledKeepsAll: statuses('fulfilled') === 2 && statuses('rejected') === 1,
    raceFirst: seen.race === first,
    anySkipsFailure: seen.any === second,
    asCompletedInCompletionOrder: seen.asCompleted.join() === seen.completionOrder.join(),
    waitFirstCompleted:
      seen.waitFirstCompleted.done.join() === first && seen.waitFirstCompleted.notDone === 2,
    eagerStartsAtOnce:
      seen.startedWhenFirstFinished.eager === NAMES.length &&
      seen.startedWhenFirstFinished.lazy === 1,
    taskGroupCancelsTheRest:
      seen.taskGroup.code === JobFailedError.code &&
      seen.taskGroup.aborted === 2 &&
      seen.timersLeft === 0,
    abortCancelsTheRest: seen.winner === first && seen.cancelled === 2 && seen.timersLeft === 0,
  };
  return {
    checks,
    verdict: verdictOf(checks, 'each way of waiting gave what its Python counterpart gives'),
  };
}
