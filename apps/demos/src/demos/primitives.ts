import { Barrier, Condition, Event, RWLock, Semaphore } from '@concurrency-lab/locks';
import { createServer, request } from 'node:http';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { defineDemo } from '../demo';
import { integer } from '../knobs';
import { verdictOf } from '../verdict';

/** GET without keep-alive: no pooled socket outlives the demo. */
function get(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => res.resume().once('end', resolve))
      .once('error', reject)
      .end();
  });
}

/** The rate-limited crawler: the server counts how many requests it has in flight at most. */
async function crawl(pages: number, semaphore?: Semaphore): Promise<number> {
  let inFlight = 0;
  let most = 0;
  const server = createServer((_req, res) => {
    most = Math.max(most, ++inFlight);
    setTimeout(() => {
      inFlight--;
      res.end('<title>page</title>');
    }, 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    await Promise.all(
      Array.from({ length: pages }, (_, i) => {
        const fetchPage = () => get(`http://127.0.0.1:${port}/page/${i}`);
        return semaphore ? semaphore.withLock(fetchPage) : fetchPage();
      }),
    );
    return most;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Event: workers wait for one start signal; none may start before it. */
async function startSignal(workers: number) {
  const start = new Event();
  let started = 0;
  const running = Array.from({ length: workers }, async () => {
    await start.wait();
    started++;
  });
  await sleep(10);
  const before = started;
  start.set();
  await Promise.all(running);
  return { before, after: started };
}

/**
 * Condition: a producer and a consumer around a bounded buffer, waiting on "not full"/"not empty".
 */
async function boundedBuffer(items: number, size: number) {
  const cond = new Condition();
  const buffer: number[] = [];
  const taken: number[] = [];
  let largest = 0;
  const producer = async () => {
    for (let i = 0; i < items; i++) {
      using token = await cond.acquire();
      await cond.waitFor(token, () => buffer.length < size);
      buffer.push(i);
      largest = Math.max(largest, buffer.length);
      cond.notifyAll();
    }
  };
  const consumer = async () => {
    while (taken.length < items) {
      {
        using token = await cond.acquire();
        await cond.waitFor(token, () => buffer.length > 0);
        taken.push(buffer.shift() as number);
        cond.notifyAll();
      }
      for (let i = 0; i < 3; i++) await tick(); // slower than the producer: the buffer fills
    }
  };
  await Promise.all([producer(), consumer()]);
  return { largest, inOrder: taken.every((v, i) => v === i) && taken.length === items };
}

/** Barrier: parties work in phases; nobody starts phase p + 1 before all finished phase p. */
async function phases(parties: number) {
  const barrier = new Barrier({ parties });
  const log: number[] = [];
  await Promise.all(
    Array.from({ length: parties }, async (_, party) => {
      for (let phase = 0; phase < parties; phase++) {
        for (let i = 0; i <= party; i++) await tick(); // unequal work per party
        log.push(phase);
        await barrier.wait();
      }
    }),
  );
  return {
    overlapped: log.some((phase, i) => i > 0 && phase < (log[i - 1] as number)),
    cycles: barrier.cycles,
  };
}

/** RWLock: readers share it, a writer has it alone. */
async function readersWriter() {
  const lock = new RWLock();
  let readers = 0;
  let mostReaders = 0;
  let readersWhileWriting = 0;
  const read = () =>
    lock.read.withLock(async () => {
      mostReaders = Math.max(mostReaders, ++readers);
      await sleep(5);
      readers--;
    });
  const write = () =>
    lock.write.withLock(async () => {
      readersWhileWriting = Math.max(readersWhileWriting, readers);
      await sleep(5);
      readersWhileWriting = Math.max(readersWhileWriting, readers);
    });
  await Promise.all([read(), read(), read(), write(), read(), read()]);
  return { mostReaders, readersWhileWriting };
}

export const primitives = defineDemo({
  name: 'primitives',
  mirrors: 'Semaphore, Event, Condition, Barrier, readers-writer lock',
  describe:
    "The guide's other synchronization primitives, each doing its classic job once, from the locks lib: a rate-limited crawler, a start signal, a bounded buffer, work in phases, and readers sharing while a writer waits its turn.",
  knobs: {
    // In-process timers and promises: the caps keep each part to a second or so.
    pages: integer('Pages the crawler fetches.', { default: 12, min: 1, max: 200 }),
    permits: integer('Fetches the Semaphore lets run at once.', { default: 3, min: 1, max: 50 }),
    items: integer("Items through the Condition's bounded buffer.", {
      default: 20,
      min: 1,
      max: 10_000,
    }),
    bufferSize: integer('Slots of that buffer.', { default: 2, min: 1, max: 100 }),
    // From 2: one party alone has no one to wait for, and no phase to overlap.
    parties: integer('Barrier parties and phases.', { default: 3, min: 2, max: 16 }),
  },
  rules: [
    {
      knobs: ['pages', 'permits'],
      doc: '`--pages` above `--permits`: else the crawler without the Semaphore has no more fetches at once than with it',
      holds: ({ pages, permits }) => pages > permits,
    },
    {
      knobs: ['items', 'bufferSize'],
      doc: '`--items` above `--buffer-size`: the consumer takes the first item at once, and the buffer fills with the ones after it',
      holds: ({ items, bufferSize }) => items > bufferSize,
    },
  ],
  async run(o) {
    const unlimited = await crawl(o.pages);
    const limited = await crawl(o.pages, new Semaphore({ permits: o.permits }));
    const signal = await startSignal(4);
    const buffer = await boundedBuffer(o.items, o.bufferSize);
    const barrier = await phases(o.parties);
    const rw = await readersWriter();
    const measured: PrimitiveFigures = {
      semaphore: { mostInFlightWithout: unlimited, mostInFlightWith: limited },
      event: signal,
      condition: buffer,
      barrier,
      rwLock: rw,
    };
    const { rows, verdict } = judge(o, measured);
    return {
      figures: { ...o, ...measured },
      table: {
        header: ['primitive', 'what it did', 'checked'],
        align: ['left', 'left', 'left'],
        rows: rows.map(([name, what, ok]) => [name, what, ok ? 'yes' : 'NO']),
      },
      notes: [
        'These are the in-loop family (async tasks of one event loop); the Shared* family does the same across worker threads (see deadlock, producer-consumer).',
      ],
      verdict,
    };
  },
});

/** The knobs each check reads. */
export interface PrimitivesOptions {
  pages: number;
  permits: number;
  items: number;
  bufferSize: number;
  parties: number;
}

/** What each primitive's part of the run measured (the demo's figures, less its knobs). */
export interface PrimitiveFigures {
  semaphore: { mostInFlightWithout: number; mostInFlightWith: number };
  event: { before: number; after: number };
  condition: { largest: number; inOrder: boolean };
  barrier: { overlapped: boolean; cycles: number };
  rwLock: { mostReaders: number; readersWhileWriting: number };
}

/**
 * Each primitive's row (its name, what it did, whether that was its job) and the verdict over
 * them: exported for its unit test, which hands it made-up figures, wrong ones included.
 */
export function judge(o: PrimitivesOptions, f: PrimitiveFigures) {
  const { semaphore, event, condition, barrier, rwLock } = f;
  const rows = [
    [
      'Semaphore',
      `${o.pages} fetches: ${semaphore.mostInFlightWithout} at once without, ${semaphore.mostInFlightWith} with Semaphore(${o.permits})`,
      semaphore.mostInFlightWith === o.permits && semaphore.mostInFlightWithout > o.permits,
    ],
    [
      'Event',
      `4 workers: ${event.before} started before set(), ${event.after} after`,
      event.before === 0 && event.after === 4,
    ],
    [
      'Condition',
      // Fits the table in 80 columns at the widest knobs (10000 items, 100 slots), and with
      // as many held as items: "through" and "all" there made the table 81 wide.
      `${o.items} items, ${o.bufferSize} slots: at most ${condition.largest} held, ${condition.inOrder ? 'in order' : 'NOT in order'}`,
      condition.largest === o.bufferSize && condition.inOrder,
    ],
    [
      'Barrier',
      `${o.parties} parties × ${o.parties} phases: phases ${barrier.overlapped ? 'overlapped' : 'never overlapped'}`,
      !barrier.overlapped && barrier.cycles === o.parties,
    ],
    [
      'RWLock',
      `up to ${rwLock.mostReaders} readers at once; ${rwLock.readersWhileWriting} while the writer wrote`,
      // Readers that never overlapped (one at a time) show an exclusive lock, not a shared one.
      rwLock.mostReaders > 1 && rwLock.readersWhileWriting === 0,
    ],
  ] as const;
  return {
    rows,
    verdict: verdictOf(
      Object.fromEntries(rows.map(([name, , ok]) => [name, ok])),
      'each primitive did its job',
    ),
  };
}
