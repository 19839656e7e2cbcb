/** Internal units: the item buffers and the waiter list, against plain-array references. */
import { describe, expect, it } from '@jest/globals';
import { collected } from '@concurrency-lab/launcher/testing';
import fc from 'fast-check';
import { FifoBuffer } from '../src/fifo-buffer';
import type { ItemBuffer } from '../src/item-buffer';
import { LifoBuffer } from '../src/lifo-buffer';
import { LinkedList } from '../src/linked-list';
import { PriorityBuffer } from '../src/priority-buffer';

/**
 * push(n) or take(), interleaved (a push twice as often as a take). `size: 'max'` because
 * fast-check 4 sizes an array 'small' by default, which caps it at 10 operations whatever
 * `maxLength` says: FifoBuffer starts with 16 slots, so no run ever grew it. Now 65 of 100
 * sampled runs grow it after it wrapped around (measured 2026-12-05), the case the growth's copy
 * must put back in order. (LifoBuffer and PriorityBuffer keep plain arrays that grow by
 * themselves; their runs now hold tens of entries too, so the heap's sifts go several levels.)
 */
const operations = fc.array(fc.option(fc.integer({ min: 0, max: 5 }), { freq: 3 }), {
  maxLength: 300,
  size: 'max',
});

interface Entry {
  readonly p: number;
  readonly arrival: number;
}

/** The entry a discipline takes next from a plain array holding what was pushed, in order. */
type Reference = (pushed: Entry[]) => Entry | undefined;

describe.each<[string, string, () => ItemBuffer<Entry>, Reference]>([
  [
    'FifoBuffer',
    'behaves like an array with push/shift across wrap-arounds and growth',
    () => new FifoBuffer(),
    (pushed) => pushed.shift(),
  ],
  [
    'LifoBuffer',
    'behaves like an array with push/pop',
    () => new LifoBuffer(),
    (pushed) => pushed.pop(),
  ],
  [
    'PriorityBuffer',
    'takes the lowest, and equal priorities in arrival order (a stable sort)',
    () => new PriorityBuffer((a, b) => a.p - b.p),
    (pushed) => {
      // Array.prototype.sort is stable (ES2019): the reference order by construction.
      pushed.sort((a, b) => a.p - b.p);
      return pushed.shift();
    },
  ],
])('%s', (_name, behaviour, create, takeFromReference) => {
  it(behaviour, () => {
    fc.assert(
      fc.property(operations, (ops) => {
        const buffer = create();
        const reference: Entry[] = [];
        let arrival = 0;
        for (const op of ops) {
          if (op === null) {
            if (reference.length === 0) continue;
            expect(buffer.take()).toBe(takeFromReference(reference));
          } else {
            const entry = { p: op, arrival: arrival++ };
            buffer.push(entry);
            reference.push(entry);
          }
          expect(buffer.size).toBe(reference.length);
        }
      }),
    );
  });
});

describe.each<[string, () => ItemBuffer<object>]>([
  ['FifoBuffer', () => new FifoBuffer()],
  ['LifoBuffer', () => new LifoBuffer()],
  ['PriorityBuffer', () => new PriorityBuffer(() => 0)],
])('%s', (_name, create) => {
  it('keeps no reference to an entry it handed out: a long-lived queue does not hold taken items', async () => {
    const buffer = create();
    // Pushed and taken in a function of its own, so that no variable here keeps the entry.
    const taken = ((): WeakRef<object> => {
      const entry = { payload: new Array(1000).fill(0) };
      buffer.push(entry);
      expect(buffer.take()).toBe(entry);
      return new WeakRef(entry);
    })();
    expect(await collected(taken)).toBe(true);
    expect(buffer.size).toBe(0); // the buffer itself was alive throughout
  });
});

describe('LinkedList', () => {
  it('removes from the middle in place and ignores a second removal', () => {
    const list = new LinkedList<string>();
    const a = list.push('a');
    const b = list.push('b');
    list.push('c');
    expect(list.remove(b)).toBe(true);
    expect(list.remove(b)).toBe(false);
    expect([...list]).toEqual(['a', 'c']);
    expect(list.remove(a)).toBe(true);
    expect(list.shift()).toBe('c');
    expect(list.size).toBe(0);
    expect(list.shift()).toBeUndefined();
  });

  it('extracts the matching values in order and keeps the rest', () => {
    const list = new LinkedList<number>();
    for (let i = 0; i < 6; i++) list.push(i);
    expect(list.extract((n) => n % 2 === 0)).toEqual([0, 2, 4]);
    expect(list.drain()).toEqual([1, 3, 5]);
    expect(list.size).toBe(0);
  });
});
