/**
 * The shared ring's memory: one SharedArrayBuffer, laid out once by the thread that creates the
 * queue; every thread that attaches maps the same bytes. It is Python's `queue.Queue` — a
 * buffer, one mutex, three conditions and an unfinished-task count — spelled in shared memory.
 *
 *   byte 0               64                     64 + 4·capacity
 *   ┌────────────────────┬──────────────────────┬────────────────────────────────────┐
 *   │ header: 16 × int32 │ lengths: cap × int32 │ data: cap × slotBytes              │
 *   └────────────────────┴──────────────────────┴────────────────────────────────────┘
 *
 *   header                                 the ring (capacity 8, HEAD = 2, COUNT = 4)
 *    [0]  MAGIC       'QRB2', checked by attach   slot  0    1    2    3    4    5    6    7
 *    [1]  LOCK        0 free · 1 held ·                ┌────┬────┬────┬────┬────┬────┬────┬────┐
 *                     2 held, someone sleeps on it     │    │    │ m0 │ m1 │ m2 │ m3 │    │    │
 *    [2]  HEAD        slot of the oldest message       └────┴────┴────┴────┴────┴────┴────┴────┘
 *    [3]  COUNT       messages in the ring                        ▲ get takes      ▲ put writes
 *    [4]  CAPACITY    slots (fixed)                                 HEAD             (HEAD + COUNT)
 *    [5]  SLOT_BYTES  bytes per slot (fixed)                                         % cap
 *    [6]              reserved                        lengths[i]  bytes of the message in slot i
 *    [7]  STATE       0 open · 1 shut down            data[i·slotBytes …]  its payload
 *    [8]  NOT_EMPTY   ┐ futex words: a sleeper waits
 *    [9]  NOT_FULL    │ while the word still holds     Fixed-size records of slotBytes lie back to
 *   [10]  ALL_DONE    ┘ what it saw; a waker bumps it   back, so a batch is one memcpy, two when it
 *                       and notifies                    wraps past the last slot.
 *   [11]  GETTERS     sleepers on NOT_EMPTY  ┐ a waker calls Atomics.notify only when
 *   [12]  PUTTERS     sleepers on NOT_FULL   ┘ someone sleeps
 *   [13]              reserved
 *   [14–15] UNFINISHED  put minus taskDone(): one int64 (bytes 56–63)
 *
 * Header cells are only read and written with Atomics. `lengths` and `data` are plain memory,
 * touched only under LOCK: the lock's atomic operations order those accesses between threads.
 *
 * UNFINISHED is an int64 (QRB1 had an int32 in cell 6): a ring used as a plain channel, whose
 * consumers never call taskDone, counts every put there, and an int32 wrapped negative after
 * 2^31 puts — taskDone then threw and join could not return. At a billion puts a second an
 * int64 lasts three centuries. Same atomics as the other cells, on a BigInt64Array view.
 */
export const MAGIC_CELL = 0;
export const MAGIC = 0x32425251; // 'QRB2' read as a little-endian int32
export const LOCK = 1;
export const HEAD = 2;
export const COUNT = 3;
export const CAPACITY = 4;
export const SLOT_BYTES = 5;
export const STATE = 7;
export const NOT_EMPTY = 8;
export const NOT_FULL = 9;
export const ALL_DONE = 10;
export const GETTERS = 11;
export const PUTTERS = 12;

/**
 * Byte offset of UNFINISHED, an int64 over cells 14–15 (8-byte aligned, as a BigInt64Array needs).
 */
export const UNFINISHED_BYTE = 56;

export const HEADER_INTS = 16;
export const HEADER_BYTES = HEADER_INTS * Int32Array.BYTES_PER_ELEMENT;

export const OPEN = 0;
export const SHUT_DOWN = 1;

/** The largest ring: ample for any lab workload, small enough never to surprise. */
export const MAX_RING_BYTES = 1 << 30;

export function ringByteLength(capacity: number, slotBytes: number): number {
  return HEADER_BYTES + capacity * Int32Array.BYTES_PER_ELEMENT + capacity * slotBytes;
}

export function dataOffset(capacity: number): number {
  return HEADER_BYTES + capacity * Int32Array.BYTES_PER_ELEMENT;
}
