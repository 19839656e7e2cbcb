/**
 * The pool process's entry (forked with `serialization: 'advanced'`; argv: the module path, then
 * `setup` when the executor has an initializer). Says it is up — at once, or once the
 * initializer the parent sends first has finished (`init-failed` if it threw) — then answers
 * each request in turn. Every message it sends carries `WORKER_MESSAGE`, so whatever a task
 * sends itself (`process.send(...)`) is told apart and ignored. Exits when the parent
 * disconnects — its only way out besides SIGKILL: SIGINT, SIGTERM and SIGHUP are ignored (below);
 * a parent that dies while this child is stuck in synchronous code is seen by a watchdog thread
 * instead, which SIGKILLs the child (`watchParent`, @concurrency-lab/procfs).
 */
import { watchParent } from '@concurrency-lab/procfs';
import { DataCloneError } from '../errors';
import {
  serializeError,
  WORKER_MESSAGE,
  type ChildAnswer,
  type SetupMessage,
  type TaskRequest,
  type TaskResponse,
  type WorkerStatus,
} from '../task-protocol';
import { initializeWorker, runTask } from './run-task';

const filename = process.argv[2] ?? '';
const withSetup = process.argv[3] === 'setup';

/**
 * A failed send means the parent is gone or closing (a shutdown that raced our 'up'): with a
 * callback, the failure comes here instead of an unhandled 'error' event that would print a
 * crash. Nobody is left to answer, so leave quietly.
 */
function sent(error: Error | null): void {
  if (error) process.exit(0);
}

function tell(status: WorkerStatus): void {
  process.send?.(status, undefined, undefined, sent);
}

function answer(response: TaskResponse): void {
  try {
    process.send?.(
      { [WORKER_MESSAGE]: 'answer', r: response } satisfies ChildAnswer,
      undefined,
      undefined,
      sent,
    );
  } catch (error) {
    // v8.serialize refuses the result (a function, a SharedArrayBuffer...) synchronously:
    // answer with that error rather than leave the parent waiting.
    const e = { ...serializeError(error), name: 'DataCloneError', code: DataCloneError.code };
    process.send?.(
      { [WORKER_MESSAGE]: 'answer', r: { ok: false, e } } satisfies ChildAnswer,
      undefined,
      undefined,
      sent,
    );
  }
}

function start(setup: SetupMessage['s'] | undefined): void {
  initializeWorker(filename, setup).then(
    () => tell({ [WORKER_MESSAGE]: 'up' }),
    (error: unknown) => tell({ [WORKER_MESSAGE]: 'init-failed', e: serializeError(error) }),
  );
}

process.on('message', (message: TaskRequest | SetupMessage) => {
  // With an initializer, the parent sends it first, before any task.
  if ('s' in message) {
    start(message.s);
    return;
  }
  runTask(filename, message).then(
    ({ response }) => answer(response),
    (error: unknown) => answer({ ok: false, e: serializeError(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
// A child shares its parent's process group and session, so a terminal's Ctrl-C (SIGINT to the
// foreground group), its closing (SIGHUP, to the same group), `kill -- -<pgid>`, or a supervisor
// signalling every process of a service reaches it too. Those signals are the parent's to act
// on: it drains, lets this child finish its task, then closes the channel, which ends us (and so
// does the parent's death, SIGKILL included: the kernel closes its end of the pipe; if this
// child is stuck in synchronous code then, the watchdog ends it). Left to their default action
// they killed the task mid-drain, and the pool forked a replacement for it. A task may still
// listen to them itself (a listener here does not stop another from seeing the signal).
const ignore = (): void => undefined;
process.on('SIGINT', ignore);
process.on('SIGTERM', ignore);
process.on('SIGHUP', ignore);
// Before any task can block this thread: a parent killed outright then still ends us, at once
// (no grace: an idle child leaves by its 'disconnect' handler before a poll sees the parent go).
watchParent();
if (!withSetup) start(undefined);
