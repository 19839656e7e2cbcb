/**
 * The pool process's entry (forked with `serialization: 'advanced'`; argv: the module path, then
 * `setup` when the executor has an initializer). Says it is up — at once, or once the
 * initializer the parent sends first has finished (`init-failed` if it threw) — then answers
 * each request in turn. Every message it sends carries `WORKER_MESSAGE`, so whatever a task
 * sends itself (`process.send(...)`) is told apart and ignored. Exits when the parent
 * disconnects.
 */
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
if (!withSetup) start(undefined);
