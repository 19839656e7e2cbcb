/**
 * The pool process's entry (forked with `serialization: 'advanced'`, the module path in argv):
 * says it is ready, then answers each request in turn. Exits when the parent disconnects.
 */
import { DataCloneError } from '../errors';
import {
  serializeError,
  type SetupMessage,
  type TaskRequest,
  type TaskResponse,
} from '../task-protocol';
import { initializeWorker, runTask } from './run-task';

const filename = process.argv[2] ?? '';

/**
 * A failed send means the parent is gone or closing (a shutdown that raced our 'ready'): with a
 * callback, the failure comes here instead of an unhandled 'error' event that would print a
 * crash. Nobody is left to answer, so leave quietly.
 */
function sent(error: Error | null): void {
  if (error) process.exit(0);
}

function send(response: TaskResponse): void {
  try {
    process.send?.(response, undefined, undefined, sent);
  } catch (error) {
    // v8.serialize refuses the result (a function, a SharedArrayBuffer...) synchronously:
    // answer with that error rather than leave the parent waiting.
    const e = { ...serializeError(error), name: 'DataCloneError', code: DataCloneError.code };
    process.send?.({ ok: false, e } satisfies TaskResponse, undefined, undefined, sent);
  }
}

process.on('message', (message: TaskRequest | SetupMessage) => {
  // With an initializer, the parent sends it first, before any task.
  if ('s' in message) {
    initializeWorker(filename, message.s);
    return;
  }
  runTask(filename, message).then(
    ({ response }) => send(response),
    (error: unknown) => send({ ok: false, e: serializeError(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true }, undefined, undefined, sent);
