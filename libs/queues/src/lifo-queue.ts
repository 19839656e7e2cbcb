import { AsyncQueue, type QueueOptions } from './async-queue';
import type { ItemBuffer, QueueEntry } from './item-buffer';
import { LifoBuffer } from './lifo-buffer';

/** Python's `LifoQueue`: the newest item is taken first; everything else is `AsyncQueue`'s. */
export class LifoQueue<T> extends AsyncQueue<T> {
  protected override createBuffer(_options: QueueOptions): ItemBuffer<QueueEntry<T>> {
    return new LifoBuffer<QueueEntry<T>>();
  }
}
