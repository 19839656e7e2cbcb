import type { TransferListItem } from 'node:worker_threads';
import type { SubmitOptions } from './executor-options';
import { Future } from './future';
import type { TaskRequest } from './task-protocol';

/** The future of one submitted task; what `cancel` must undo lives with it. */
export class TaskFuture<T> extends Future<T> {
  request: TaskRequest | undefined;
  readonly transferList: readonly TransferListItem[] | undefined;
  readonly signal: AbortSignal | undefined;
  readonly #onCancel: (future: TaskFuture<T>, running: boolean) => boolean;
  controller: AbortController | undefined;
  onAbort: (() => void) | undefined;

  constructor(
    request: TaskRequest,
    options: SubmitOptions,
    onCancel: (future: TaskFuture<T>, running: boolean) => boolean,
  ) {
    super();
    this.request = request;
    this.transferList = options.transferList;
    this.signal = options.signal;
    this.#onCancel = onCancel;
  }

  protected override willCancel(running: boolean): boolean {
    return this.#onCancel(this, running);
  }
}
