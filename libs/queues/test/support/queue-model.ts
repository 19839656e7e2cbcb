/**
 * The reference the property tests hold the real queues to: Python's queue semantics written
 * as plainly as possible (arrays, linear scans), with this lib's one deliberate difference —
 * an item goes straight to the longest-waiting consumer, a freed slot to the longest-waiting
 * producer. It knows nothing of timers or promises: the test drives both and compares.
 */
export type Discipline = 'fifo' | 'lifo' | 'priority';

export interface Item {
  readonly id: number;
  readonly priority: number;
}

/** An operation left waiting, and how the model says it ended. */
export interface ModelOp {
  readonly seq: number;
  readonly kind: 'put' | 'get' | 'join';
  readonly item?: Item;
  readonly deadline: number;
  readonly abortable: boolean;
  outcome:
    | { status: 'pending' }
    | { status: 'resolved'; value?: Item }
    | { status: 'rejected'; code: string };
}

export class QueueModel {
  readonly discipline: Discipline;
  readonly maxSize: number;
  buffer: { item: Item; arrival: number }[] = [];
  getters: ModelOp[] = [];
  putters: ModelOp[] = [];
  joiners: ModelOp[] = [];
  unfinished = 0;
  shutdown = false;
  now = 0;
  discarded: Item[] = [];
  #arrivals = 0;

  constructor(discipline: Discipline, maxSize: number) {
    this.discipline = discipline;
    this.maxSize = maxSize;
  }

  /** 'resolved' | 'waiting' | an error code, for put/tryPut. */
  put(op: ModelOp, wait: boolean): void {
    const item = op.item as Item;
    if (this.shutdown) return reject(op, 'ERR_QUEUE_SHUTDOWN');
    const getter = this.getters.shift();
    if (getter !== undefined) {
      this.unfinished++;
      getter.outcome = { status: 'resolved', value: item };
      op.outcome = { status: 'resolved' };
      return;
    }
    if (this.buffer.length < this.maxSize) {
      this.#store(item);
      op.outcome = { status: 'resolved' };
      return;
    }
    if (!wait) return reject(op, 'ERR_QUEUE_FULL');
    this.putters.push(op);
  }

  get(op: ModelOp, wait: boolean): void {
    if (this.buffer.length > 0) {
      op.outcome = { status: 'resolved', value: this.#take() };
      return;
    }
    if (this.shutdown) return reject(op, 'ERR_QUEUE_SHUTDOWN');
    if (!wait) return reject(op, 'ERR_QUEUE_EMPTY');
    this.getters.push(op);
  }

  taskDone(): string {
    if (this.unfinished <= 0) return 'ERR_QUEUE_TASK_DONE_OVERCALLED';
    this.unfinished--;
    if (this.unfinished === 0) this.#releaseJoiners();
    return 'none';
  }

  join(op: ModelOp): void {
    if (this.unfinished === 0) op.outcome = { status: 'resolved' };
    else this.joiners.push(op);
  }

  shutdownNow(immediate: boolean): void {
    this.shutdown = true;
    if (immediate) {
      while (this.buffer.length > 0) {
        this.discarded.push(this.#takeRaw());
        if (this.unfinished > 0) this.unfinished--;
      }
      if (this.unfinished === 0) this.#releaseJoiners();
    }
    for (const op of this.getters.splice(0)) reject(op, 'ERR_QUEUE_SHUTDOWN');
    for (const op of this.putters.splice(0)) reject(op, 'ERR_QUEUE_SHUTDOWN');
  }

  /** Every waiting op, oldest first. */
  waiting(): ModelOp[] {
    return [...this.getters, ...this.putters, ...this.joiners].sort((a, b) => a.seq - b.seq);
  }

  abort(op: ModelOp, code: string): void {
    for (const line of [this.getters, this.putters, this.joiners]) {
      const index = line.indexOf(op);
      if (index >= 0) line.splice(index, 1);
    }
    reject(op, code);
  }

  /** Time passes: waits whose deadline came fail like Python's (Full / Empty / timeout). */
  advance(ms: number): void {
    this.now += ms;
    for (const op of this.waiting()) {
      if (op.deadline > this.now) continue;
      const code =
        op.kind === 'put'
          ? 'ERR_QUEUE_FULL'
          : op.kind === 'get'
            ? 'ERR_QUEUE_EMPTY'
            : 'ERR_QUEUE_TIMEOUT';
      this.abort(op, code);
    }
  }

  #store(item: Item): void {
    this.buffer.push({ item, arrival: this.#arrivals++ });
    this.unfinished++;
  }

  #take(): Item {
    const item = this.#takeRaw();
    const putter = this.putters.shift();
    if (putter !== undefined) {
      this.#store(putter.item as Item);
      putter.outcome = { status: 'resolved' };
    }
    return item;
  }

  #takeRaw(): Item {
    let index = 0;
    if (this.discipline === 'lifo') index = this.buffer.length - 1;
    if (this.discipline === 'priority') {
      this.buffer.forEach((entry, i) => {
        const best = this.buffer[index] as { item: Item; arrival: number };
        if (
          entry.item.priority < best.item.priority ||
          (entry.item.priority === best.item.priority && entry.arrival < best.arrival)
        ) {
          index = i;
        }
      });
    }
    return (this.buffer.splice(index, 1)[0] as { item: Item }).item;
  }

  #releaseJoiners(): void {
    for (const op of this.joiners.splice(0)) op.outcome = { status: 'resolved' };
  }
}

function reject(op: ModelOp, code: string): void {
  op.outcome = { status: 'rejected', code };
}
