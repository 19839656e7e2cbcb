import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { withCancelGrace } from '../src/cancel-grace';

/** A task the test ends by hand; `signal` is what the pool was given. */
function handTask() {
  let end!: (value: string) => void;
  let fail!: (error: unknown) => void;
  let signal!: AbortSignal;
  const start = (poolSignal: AbortSignal) => {
    signal = poolSignal;
    return new Promise<string>((resolve, reject) => {
      end = resolve;
      fail = reject;
      // As a pool does: an abort of its signal, before or after, ends the task with its reason.
      if (poolSignal.aborted) reject(poolSignal.reason as Error);
      poolSignal.addEventListener('abort', () => reject(poolSignal.reason as Error), {
        once: true,
      });
    });
  };
  return {
    start,
    end: (value: string) => end(value),
    fail: (error: unknown) => fail(error),
    get signal() {
      return signal;
    },
  };
}

/**
 * A hand-ended task under a grace of `graceMs`, on a worker or not (`running`): its request's
 * answer, and the request's abort (which `cancel` fires with `reason`).
 */
function underGrace(graceMs: number, running: boolean) {
  const request = new AbortController();
  const task = handTask();
  const answer = withCancelGrace(request.signal, { graceMs, running: () => running }, task.start);
  const reason = new Error('client went away');
  return { task, answer, request, reason, cancel: () => request.abort(reason) };
}

describe('withCancelGrace', () => {
  it('answers with the task while its signal holds', async () => {
    const done = underGrace(50, true);
    done.task.end('done');
    await expect(done.answer).resolves.toBe('done');
    const failing = underGrace(50, true);
    const error = new Error('the task threw');
    failing.task.fail(error);
    await expect(failing.answer).rejects.toBe(error);
  });

  it("leaves no listener on the request's signal once the task has ended, well or not", async () => {
    const request = new AbortController();
    const listeners = () => getEventListeners(request.signal, 'abort').length;
    const ends = [
      (task: ReturnType<typeof handTask>) => task.end('done'),
      (task: ReturnType<typeof handTask>) => task.fail(new Error('the task threw')),
    ];
    // One signal for many tasks (a batch under one switch): each ended task must take its
    // listeners with it, the answer's included, or they pile up on the signal.
    for (const answerAtOnce of [true, false]) {
      for (const end of ends) {
        const task = handTask();
        const answer = withCancelGrace(
          request.signal,
          { graceMs: 5_000, running: () => true, answerAtOnce },
          task.start,
        ).catch(() => undefined);
        expect(listeners()).toBe(answerAtOnce ? 2 : 1); // the control: the probe sees them
        end(task);
        await answer;
        await sleep(0); // the clean-up is promise callbacks: every one has run by then
        expect(listeners()).toBe(0);
      }
    }
  });

  it('stops a task still waiting at once: nothing is lost by dropping it', async () => {
    const { task, answer, reason, cancel } = underGrace(5_000, false);
    cancel();
    expect(task.signal.aborted).toBe(true);
    expect(task.signal.reason).toBe(reason);
    await expect(answer).rejects.toBe(reason);
  });

  it('answers a running task at once, and stops it only once its grace has passed', async () => {
    const { task, answer, reason, cancel } = underGrace(100, true);
    cancel();
    await expect(answer).rejects.toBe(reason);
    await sleep(20);
    expect(task.signal.aborted).toBe(false);
    await sleep(160);
    expect(task.signal.aborted).toBe(true);
    expect(task.signal.reason).toBe(reason);
  });

  it('never stops a running task before its whole grace has passed (timed from the cancel)', async () => {
    const { task, answer, reason, cancel } = underGrace(100, true);
    const cancelledAt = performance.now();
    cancel();
    await expect(answer).rejects.toBe(reason);
    const stopped = await new Promise<number>((resolve) =>
      task.signal.addEventListener('abort', () => resolve(performance.now() - cancelledAt)),
    );
    // A timer never fires early (1 ms for its rounding); a loaded machine may only make it late.
    expect(stopped).toBeGreaterThanOrEqual(99);
  });

  it('leaves a running task that ends within its grace alone (its worker is kept)', async () => {
    const { task, answer, reason, cancel } = underGrace(40, true);
    cancel();
    await expect(answer).rejects.toBe(reason);
    task.end('done anyway');
    await sleep(80);
    expect(task.signal.aborted).toBe(false);
  });

  it('asks a running task to stop as its grace starts (onGrace), never a waiting one', () => {
    const asked: string[] = [];
    for (const running of [true, false]) {
      const request = new AbortController();
      const task = handTask();
      void withCancelGrace(
        request.signal,
        { graceMs: 5_000, running: () => running, onGrace: () => asked.push(String(running)) },
        task.start,
      ).catch(() => undefined);
      request.abort(new Error('deadline'));
      task.end('ended');
    }
    expect(asked).toEqual(['true']);
  });

  it('with answerAtOnce false, answers only once the task has really ended', async () => {
    const request = new AbortController();
    const task = handTask();
    let settled = false;
    const answer = withCancelGrace(
      request.signal,
      { graceMs: 5_000, running: () => true, answerAtOnce: false },
      task.start,
    ).finally(() => (settled = true));
    request.abort(new Error('deadline'));
    await sleep(20);
    expect(settled).toBe(false);
    const stopped = new Error('its connection was cut');
    task.fail(stopped);
    await expect(answer).rejects.toBe(stopped);
    expect(task.signal.aborted).toBe(false); // ended by itself: never stopped
  });

  /**
   * A task whose request was cancelled (its answer rejected at once) running on in a 5 s grace
   * that `closing` — the runner's own closing signal, `cutShort` — may end early.
   */
  async function inGraceBeforeClosing() {
    const closing = new AbortController();
    const request = new AbortController();
    const task = handTask();
    const answer = withCancelGrace(
      request.signal,
      { graceMs: 5_000, running: () => true, cutShort: closing.signal },
      task.start,
    );
    request.abort(new Error('deadline'));
    await expect(answer).rejects.toThrow('deadline');
    return { closing, task };
  }

  it('ends a grace at once when cutShort aborts (the pool is closing), or skips it if it had', async () => {
    const { closing, task } = await inGraceBeforeClosing();
    expect(task.signal.aborted).toBe(false);
    closing.abort();
    expect(task.signal.aborted).toBe(true);

    const late = handTask();
    const gone = new AbortController();
    void withCancelGrace(
      gone.signal,
      { graceMs: 5_000, running: () => true, cutShort: closing.signal },
      late.start,
    ).catch(() => undefined);
    gone.abort(new Error('deadline'));
    expect(late.signal.aborted).toBe(true);
  });

  // cutShort is the runner's own closing signal, shared by every task it runs for its lifetime.
  it('leaves no listener on cutShort once a task has ended within its grace', async () => {
    const { closing, task } = await inGraceBeforeClosing();
    const listeners = () => getEventListeners(closing.signal, 'abort').length;
    expect(listeners()).toBe(1); // the control: the grace listens while it runs
    task.end('ended within its grace');
    await sleep(0); // the clean-up is promise callbacks: every one has run by then
    expect(listeners()).toBe(0);
    expect(task.signal.aborted).toBe(false);
  });

  it('hands the pool the request signal itself with no grace (0), or one already aborted', async () => {
    const { task, answer, request, reason, cancel } = underGrace(0, true);
    expect(task.signal).toBe(request.signal);
    cancel();
    await expect(answer).rejects.toBe(reason);

    const late = handTask();
    const gone = AbortSignal.abort(new Error('gone before'));
    await expect(
      withCancelGrace(gone, { graceMs: 5_000, running: () => true }, late.start),
    ).rejects.toThrow('gone before');
    expect(late.signal).toBe(gone);
  });
});
