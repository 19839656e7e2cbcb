/**
 * Model-based property test: fast-check generates any interleaving of puts, gets (waiting,
 * with timeouts, with signals), try-variants, taskDone, join, aborts, time passing and
 * shutdown; after every step each real promise must have settled exactly as the reference
 * model says — same value, same error code, or still pending — and size, unfinished tasks and
 * waiting lines must agree. On one event loop an interleaving *is* an order of calls and
 * settlements, so this covers FIFO/LIFO/priority order, the bound, no loss or duplication,
 * and `join` resolving exactly when the last `taskDone` comes in.
 *
 * Time is jest's fake clock (timeouts are real `setTimeout`s in the queue), so timeouts fire
 * at a step the model chooses, not when the machine is slow.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { AsyncQueue, LifoQueue, PriorityQueue } from '../src/index';
import { QueueModel, type Discipline, type Item, type ModelOp } from './support/queue-model';
import { codeOf, flush, thrownCode, track, type Settlement } from './support/settlement';

type Wait = 'forever' | 'timeout' | 'signal';
type Step =
  | { t: 'put'; priority: number; wait: Wait; timeout: number }
  | { t: 'tryPut'; priority: number }
  | { t: 'get'; wait: Wait; timeout: number }
  | { t: 'tryGet' }
  | { t: 'taskDone' }
  | { t: 'join'; wait: Wait; timeout: number }
  | { t: 'abort'; pick: number }
  | { t: 'advance'; ms: number }
  | { t: 'shutdown'; immediate: boolean };

const wait = fc.constantFrom<Wait>('forever', 'timeout', 'signal');
const timeout = fc.integer({ min: 1, max: 30 });
const priority = fc.integer({ min: 0, max: 3 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('put' as const), priority, wait, timeout }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('tryPut' as const), priority }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('get' as const), wait, timeout }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('tryGet' as const) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('taskDone' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('join' as const), wait, timeout }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('abort' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: timeout }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('shutdown' as const), immediate: fc.boolean() }),
  },
);

function createQueue(discipline: Discipline, maxSize: number): AsyncQueue<Item> {
  if (discipline === 'lifo') return new LifoQueue<Item>({ maxSize });
  if (discipline === 'priority') {
    return new PriorityQueue<Item>({ maxSize, compare: (a, b) => a.priority - b.priority });
  }
  return new AsyncQueue<Item>({ maxSize });
}

class TestAbort extends Error {
  readonly code = 'TEST_ABORT';
}

interface Tracked {
  readonly op: ModelOp;
  readonly settlement: Settlement<unknown>;
}

async function runScenario(discipline: Discipline, maxSize: number, steps: Step[]): Promise<void> {
  const queue = createQueue(discipline, maxSize);
  const model = new QueueModel(discipline, maxSize);
  const tracked: Tracked[] = [];
  const controllers = new Map<number, AbortController>();
  const received: Item[] = [];
  const accepted: Item[] = [];
  let seq = 0;
  let nextId = 0;

  const waitOp = (kind: ModelOp['kind'], how: Wait, ms: number, item?: Item): ModelOp => ({
    seq: seq++,
    kind,
    item,
    deadline: how === 'timeout' ? model.now + ms : Infinity,
    abortable: how === 'signal',
    outcome: { status: 'pending' },
  });
  const optionsFor = (op: ModelOp, how: Wait, ms: number) => {
    if (how === 'timeout') return { timeout: ms };
    if (how === 'signal') {
      const controller = new AbortController();
      controllers.set(op.seq, controller);
      return { signal: controller.signal };
    }
    return {};
  };
  const expectCode = (op: ModelOp, code: string) =>
    expect(code).toBe(op.outcome.status === 'rejected' ? op.outcome.code : 'none');

  for (const s of steps) {
    switch (s.t) {
      case 'put': {
        const item = { id: nextId++, priority: s.priority };
        const op = waitOp('put', s.wait, s.timeout, item);
        const promise = queue.put(item, optionsFor(op, s.wait, s.timeout));
        model.put(op, true);
        tracked.push({ op, settlement: track(promise) });
        break;
      }
      case 'tryPut': {
        const item = { id: nextId++, priority: s.priority };
        const op = waitOp('put', 'forever', 0, item);
        const code = thrownCode(() => queue.tryPut(item));
        model.put(op, false);
        expectCode(op, code);
        if (code === 'none') accepted.push(item);
        break;
      }
      case 'get': {
        const op = waitOp('get', s.wait, s.timeout);
        const promise = queue.get(optionsFor(op, s.wait, s.timeout));
        model.get(op, true);
        tracked.push({ op, settlement: track(promise) });
        break;
      }
      case 'tryGet': {
        const op = waitOp('get', 'forever', 0);
        let value: Item | undefined;
        const code = thrownCode(() => (value = queue.tryGet()));
        model.get(op, false);
        expectCode(op, code);
        if (op.outcome.status === 'resolved') {
          expect(value?.id).toBe(op.outcome.value?.id);
          received.push(value as Item);
        }
        break;
      }
      case 'taskDone':
        expect(thrownCode(() => queue.taskDone())).toBe(model.taskDone());
        break;
      case 'join': {
        const op = waitOp('join', s.wait, s.timeout);
        const promise = queue.join(optionsFor(op, s.wait, s.timeout));
        model.join(op);
        tracked.push({ op, settlement: track(promise) });
        break;
      }
      case 'abort': {
        const abortable = model.waiting().filter((op) => op.abortable);
        const op = abortable[s.pick % Math.max(1, abortable.length)];
        if (op === undefined) break;
        model.abort(op, 'TEST_ABORT');
        controllers.get(op.seq)?.abort(new TestAbort());
        break;
      }
      case 'advance':
        model.advance(s.ms);
        jest.advanceTimersByTime(s.ms);
        break;
      case 'shutdown':
        model.shutdownNow(s.immediate);
        queue.shutdown({ immediate: s.immediate });
        break;
    }
    await flush();
    for (const { op, settlement } of tracked) {
      expect(settlement.status).toBe(op.outcome.status);
      if (op.outcome.status === 'rejected') expect(codeOf(settlement.reason)).toBe(op.outcome.code);
      if (op.outcome.status === 'resolved' && op.kind === 'get') {
        expect((settlement.value as Item).id).toBe(op.outcome.value?.id);
      }
    }
    expect(queue.size).toBe(model.buffer.length);
    expect(queue.size).toBeLessThanOrEqual(maxSize);
    expect(queue.unfinishedTasks).toBe(model.unfinished);
    expect(queue.stats.waitingGetters).toBe(model.getters.length);
    expect(queue.stats.waitingPutters).toBe(model.putters.length);
  }

  // Conservation, stated on the real queue alone: drain it, then every accepted item was
  // received exactly once or dropped by an immediate shutdown — none lost, none duplicated.
  for (const { op, settlement } of tracked) {
    if (settlement.status !== 'resolved') continue;
    if (op.kind === 'put') accepted.push(op.item as Item);
    if (op.kind === 'get') received.push(settlement.value as Item);
  }
  queue.shutdown();
  while (!queue.empty) received.push(queue.tryGet());
  await flush();
  const ids = received.map((item) => item.id);
  expect(new Set(ids).size).toBe(ids.length);
  const acceptedIds = new Set(accepted.map((item) => item.id));
  for (const id of ids) expect(acceptedIds.has(id)).toBe(true);
  expect(ids.length + queue.stats.discarded).toBe(accepted.length);
}

describe.each<Discipline>(['fifo', 'lifo', 'priority'])(
  '%s queue against the model',
  (discipline) => {
    beforeEach(() => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('agrees with the model under any interleaving of calls, timeouts, aborts and shutdown', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.array(step, { minLength: 1, maxLength: 40 }),
          (maxSize, steps) => runScenario(discipline, maxSize, steps),
        ),
        { numRuns: 150 },
      );
    });
  },
);
