import net from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * What a held connection keeps alive on the heap, read from the outside: the services export V8's
 * old space in use (`nodejs_heap_space_size_used_bytes{space="old"}`), and the lab takes the
 * reading right after a full collection. V8's full collection (mark-compact) promotes every live
 * young object and frees the old space's garbage: just after it the old space is the live heap.
 * Between full collections it only grows (promotions), so any other reading holds garbage too,
 * how much depending on when V8 last collected — the noise that made RSS growth per connection
 * swing by ±30 % between runs.
 *
 * Every model is read the same way: after the load, the lab holds the scenario's connections,
 * each waiting on one `/io/sleep`, nothing else arriving, and asks each of the model's processes
 * for a full collection (`collect`: the services it starts catch a signal for one). Waiting for
 * V8's own — its memory reducer's, once the allocation rate is low — is what is left for a
 * service the lab did not start, and often never came: the hold's own requests (2,000 waits
 * asked again every 10 s, ~20 KiB allocated each) keep the rate above V8's bar. Not in the
 * measurement window: there a collection comes when the old generation hits its limit, in some
 * runs and models and not others, and with fewer requests in flight than connections (2,000 req/s
 * × 750 ms is 1,500 on 2,000 connections), so figures from the window and from a hold would be
 * weighed against each other on different counts. docs/design.md, "Memory per connection".
 */

/**
 * A fall of the old space in use between two readings at least this large is a full collection.
 * Promotions only add to it; a fall this size (2,000 connections' garbage is tens of MiB) comes
 * from nothing else. Smaller falls (a large object freed, a collection of almost nothing) are no
 * sign that the garbage is gone.
 */
export const COLLECTION_DROP_BYTES = 2 ** 20;

/**
 * Between the hold's readings. A collection's fall is seen at the next reading; a quarter second
 * later the old space holds what a quarter second promoted since, a few hundred bytes per
 * connection at most.
 */
const READ_EVERY_MS = 250;

/** Each held request's wait: the contract's longest `/io/sleep`. */
const WAIT_MS = 10_000;

/**
 * The longest the hold lasts: two waits, each connection asking again as its first is answered.
 * With nothing arriving, V8 collects when its memory reducer finds the allocation rate low — its
 * timer runs 8 s from the last full collection and starts over while the load goes on — so in
 * most runs within 8 s of the load's end, and 16 s covers a timer that had just started over.
 */
const HOLD_MS = 2 * WAIT_MS;

/**
 * The old space in use at the first reading after a full collection (a fall of at least
 * {@link COLLECTION_DROP_BYTES} from the reading before), or null when `readings` show none. A
 * missing reading (a scrape that did not answer: null) is skipped: the fall shows between the
 * readings on either side of it.
 */
export function afterFirstCollection(readings: readonly (number | null)[]): number | null {
  let before: number | undefined;
  for (const reading of readings) {
    if (reading === null) continue;
    if (before !== undefined && before - reading >= COLLECTION_DROP_BYTES) return reading;
    before = reading;
  }
  return null;
}

export interface HoldOptions {
  /** The model's base URL. */
  baseUrl: string;
  /** Connections to hold: the scenario's. */
  connections: number;
  /** One reading of the old space in use (null: none this time). */
  read(): Promise<number | null>;
  /**
   * Asks the model for a full collection (the lab's own services: askForCollection) once the
   * connections are held, the old space read once and every request arrived (`allArrived`);
   * true when it asked any process. Then the next reading that answers is the figure: the
   * collection ran (in every process asked, each in its signal handler, ~0.1 s) before the
   * interval's end, fall or no fall — a load whose garbage V8 had already collected leaves less
   * than COLLECTION_DROP_BYTES to fall. Without it, or where it asked no one, V8's memory
   * reducer decides when, if at all.
   */
  collect?(): boolean;
  /**
   * Whether the model has every held request in hand (received, not yet answered): a collection
   * asked for before would miss what the requests still on their way will hold. Asked at each
   * reading until true, before `collect`. @default every request counts as arrived
   */
  allArrived?(): Promise<boolean>;
  /** Between readings. @default READ_EVERY_MS */
  everyMs?: number;
  /** Each request's wait. @default WAIT_MS */
  waitMs?: number;
  /**
   * The longest the hold lasts; a connection asks again each time its wait is answered.
   * @default HOLD_MS
   */
  holdMs?: number;
}

/** Sockets are opened this many at a time: 2,000 at once overflow a listen backlog of 511. */
const OPEN_BATCH = 200;

/**
 * Holds `connections` connections open on the model, each waiting on one `/io/sleep` of `waitMs`
 * and asking again when it is answered, and reads the old space until a full collection shows or
 * `holdMs` ends: the reading after it, or null. The connections hold what a waiting request holds
 * and nothing else arrives, so a collection while they wait leaves their live heap alone. A
 * reading counts only while every connection is held (one refused, closed or answered with other
 * than 200 by the model: null, since the figure is per connection). Every socket is destroyed
 * before it answers, whatever happened.
 */
export async function holdForCollection(options: HoldOptions): Promise<number | null> {
  const { baseUrl, connections } = options;
  const everyMs = options.everyMs ?? READ_EVERY_MS;
  const waitMs = options.waitMs ?? WAIT_MS;
  const holdMs = options.holdMs ?? HOLD_MS;
  const { hostname, port } = new URL(baseUrl);
  const sockets: net.Socket[] = [];
  const request = `GET /io/sleep?ms=${waitMs} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`;
  let held = 0;
  let lost = false;
  /** A full collection was asked for (`tried`) and some process asked: the next reading is it. */
  let [tried, asked] = [false, false];
  /** Resolves once the request is written, or the socket failed (then `lost`). */
  const open = () =>
    new Promise<void>((resolve) => {
      const socket = net.connect({ host: hostname, port: Number(port) }, () =>
        socket.write(request, () => {
          held += 1;
          resolve();
        }),
      );
      // An answer (its status line; a wait's answer is a few hundred bytes, one chunk): its wait
      // is over, so it asks again. Any other answer (a 503: the model shed it) leaves it holding
      // nothing — and asking again at once would hammer a model that sheds — so the hold is void.
      socket.on('data', (chunk: Buffer) => {
        const statuses = chunk.toString('latin1').matchAll(/HTTP\/1\.1 (\d{3}) /g);
        for (const [, status] of statuses) {
          if (status === '200') socket.write(request);
          else lost = true;
        }
      });
      socket.on('error', () => resolve());
      socket.on('close', () => (lost = true));
      sockets.push(socket);
    });
  try {
    for (let i = 0; i < connections; i += OPEN_BATCH)
      await Promise.all(Array.from({ length: Math.min(OPEN_BATCH, connections - i) }, open));
    const readings: (number | null)[] = [];
    const until = performance.now() + holdMs;
    // Written is not yet read by the model: the first reading comes an interval later.
    const pause = () => new Promise((resolve) => setTimeout(resolve, everyMs));
    for (await pause(); !lost && held === connections && performance.now() < until; await pause()) {
      const reading = await options.read();
      readings.push(reading);
      if (asked && reading !== null) return lost ? null : reading;
      if (!tried && options.collect && (await (options.allArrived?.() ?? true))) {
        tried = true;
        asked = options.collect();
      }
      const after = afterFirstCollection(readings);
      if (after !== null) return lost ? null : after;
    }
    return null;
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}
