import { pbkdf2, pbkdf2Sync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { defineDemo, type Verdict } from '../demo';
import { integer } from '../knobs';
import { removeTempDir, tempDir } from '../temp-dir';
import { bytes, fixed, times } from '../format';
import { lagPoints, recordLoopLag, type LagRecording } from '../measure/loop-lag';
import { percentile } from '@concurrency-lab/report-kit';
import { Peer, allSay } from '../peer';
import type { PingerData } from '../workers/pinger';

/** How much worse the sync form's loop lag p99 must be than the async form's. */
export const LAG_RATIO = 3;
/**
 * The least loop lag p99 (how late a 10 ms timer fired) the sync form must cause: two periods,
 * above what the async form read on 2 busy cores (1–37 ms, load 6), far below the sync form's
 * stall at the defaults (200–370 ms there).
 */
export const MIN_SYNC_LAG_MS = 20;
/**
 * The fewest pings a form must have: the first is sent at its start, in the calm 100 ms before
 * the work, so one ping per form (a period near a second) samples no stall at all.
 */
export const MIN_PINGS = 2;
/** The loop-lag sampling period (ms). */
const LAG_PERIOD_MS = 10;

const hashAsync = promisify(pbkdf2);

/** A form's pings' round-trip p99 (ms). */
const pingP99 = (r: FormOutcome) => percentile(r.pings, 99);

interface FormRun {
  form: 'sync' | 'async';
  workMs: number;
  lag: LagRecording;
  pings: number[];
}

async function runForm(
  form: 'sync' | 'async',
  o: { readonly hashes: number; readonly iterations: number },
  file: string,
  pinger: Peer,
): Promise<FormRun> {
  const recording = recordLoopLag(LAG_PERIOD_MS);
  pinger.send('start');
  await sleep(100); // a calm start, for the picture
  const start = performance.now();
  if (form === 'sync') {
    for (let i = 0; i < o.hashes; i++)
      pbkdf2Sync(`password ${i}`, 'salt', o.iterations, 32, 'sha256');
    readFileSync(file);
  } else {
    await Promise.all(
      Array.from({ length: o.hashes }, (_, i) =>
        hashAsync(`password ${i}`, 'salt', o.iterations, 32, 'sha256'),
      ),
    );
    await readFile(file);
  }
  const workMs = performance.now() - start;
  await sleep(100);
  pinger.send('stop');
  // Stopped whatever the pinger answers: a failed pinger leaves no timer running.
  const pings = await pinger.next<number[]>().finally(() => recording.stop());
  return { form, workMs, lag: recording.stop(), pings };
}

export const blocking = defineDemo({
  name: 'blocking',
  mirrors: 'Blocking the event loop: sync calls in async code',
  describe:
    'The same work — hashing passwords (crypto.pbkdf2) and reading a file — in its sync form and in its async form, while another thread pings this one over HTTP. The sync form stops the loop: timers fire late and pings wait.',
  knobs: {
    // hashes × iterations is the sync form's stall of the loop: at most 20 × ~300 ms = 6 s.
    hashes: integer('Passwords hashed per run.', { default: 6, min: 1, max: 20 }),
    iterations: integer('PBKDF2-SHA256 iterations per hash: ~60 ms of CPU at 200000.', {
      default: 200_000,
      min: 1000,
      max: 1_000_000,
    }),
    // ~60 bytes an item, written to a temporary file and read whole: 1,000,000 is ~60 MB.
    jsonItems: integer('Items of the JSON document read (~60 bytes each).', {
      default: 100_000,
      min: 1,
      max: 1_000_000,
    }),
    // Under 1 ms a timer cannot keep its period. A form lasts 200 ms and more (100 ms calm
    // either side of the work), and pings from its start: up to 100 ms a period sends a second
    // ping inside it; longer, one ping a form (1000 ms sent 1 and 1), under MIN_PINGS always.
    pingEveryMs: integer("The observer thread's ping period (ms).", {
      default: 10,
      min: 1,
      max: 100,
    }),
  },
  async run(o) {
    const dir = tempDir('demo-blocking-'); // removed on Ctrl-C too
    const server: Server = createServer((_req, res) => res.end('pong'));
    try {
      const file = join(dir, 'catalog.json');
      const doc = JSON.stringify(
        Array.from({ length: o.jsonItems }, (_, i) => ({
          id: i,
          name: `item ${i}`,
          price: i * 1.5,
        })),
      );
      writeFileSync(file, doc);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      const data: PingerData = { url: `http://127.0.0.1:${port}/`, intervalMs: o.pingEveryMs };
      await using pinger = Peer.thread('pinger', data);
      await allSay([pinger], 'ready');
      const sync = await runForm('sync', o, file, pinger);
      const async_ = await runForm('async', o, file, pinger);
      // JSON.parse has no async form: measured aside, it blocks whichever form reads the file.
      const text = readFileSync(file, 'utf8');
      const parseStart = performance.now();
      JSON.parse(text);
      const parseMs = performance.now() - parseStart;

      const runs = [sync, async_];
      const { lagRatio, verdict } = judge(sync, async_);
      return {
        figures: {
          ...o,
          fileBytes: doc.length,
          runs: runs.map((r) => ({
            form: r.form,
            workMs: r.workMs,
            lagP50Ms: r.lag.p50Ms,
            lagP99Ms: r.lag.p99Ms,
            lagMaxMs: r.lag.maxMs,
            pings: r.pings.length,
            pingP50Ms: percentile(r.pings, 50),
            pingP99Ms: pingP99(r),
            pingMaxMs: Math.max(...r.pings),
          })),
          lagRatio,
          jsonParseMs: parseMs,
          lagOverTime: runs.flatMap((r) => lagPoints(r.lag).map((p) => ({ form: r.form, ...p }))),
        },
        table: {
          header: ['form', 'work ms', 'loop lag p99', 'max', 'pings', 'ping p50', 'ping p99'],
          align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
          rows: runs.map((r) => [
            r.form === 'sync' ? 'sync (pbkdf2Sync…)' : 'async (pbkdf2…)',
            fixed(r.workMs, 0),
            fixed(r.lag.p99Ms),
            fixed(r.lag.maxMs),
            String(r.pings.length),
            fixed(percentile(r.pings, 50)),
            fixed(pingP99(r)),
          ]),
        },
        notes: [
          `${o.hashes} PBKDF2 hashes of ${o.iterations.toLocaleString('en-US')} iterations and a ${bytes(doc.length)} file; loop lag is how late a ${LAG_PERIOD_MS} ms timer fired, a ping the observer's round trip, both in ms. The async form ran the hashes on libuv's thread pool (see libuv-pool), so the loop stayed free.`,
          `JSON.parse of that file took ${fixed(parseMs, 0)} ms and has no async form: it blocks either way. Parse in a worker thread, or stream it.`,
        ],
        verdict,
      };
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      removeTempDir(dir);
    }
  },
});

/** What the verdict reads of a form's run: its loop lag p99 and its pings' round trips (ms). */
export interface FormOutcome {
  readonly lag: Pick<LagRecording, 'p99Ms'>;
  readonly pings: readonly number[];
}

/**
 * The blocking lesson's verdict from the two forms' runs, and the lag ratio it read: exported
 * for its unit test, which hands it made-up runs, each with one figure short of its margin.
 */
export function judge(
  sync: FormOutcome,
  async_: FormOutcome,
): { lagRatio: number; verdict: Verdict } {
  // 1 ms floor: a free loop's lag is a fraction of a ms, and a ratio to that means nothing.
  const lagRatio = sync.lag.p99Ms / Math.max(async_.lag.p99Ms, 1);
  // What failed, each in its own words; none when the lesson holds.
  const misses = [
    lagRatio < LAG_RATIO &&
      `sync lag p99 ${fixed(sync.lag.p99Ms)} ms was ${times(lagRatio)} async's ${fixed(async_.lag.p99Ms)} ms (needs ${LAG_RATIO}×)`,
    sync.lag.p99Ms < MIN_SYNC_LAG_MS &&
      `sync lag p99 ${fixed(sync.lag.p99Ms)} ms, under ${MIN_SYNC_LAG_MS} ms`,
    pingP99(sync) <= pingP99(async_) &&
      `sync ping p99 ${fixed(pingP99(sync))} ms, not above async's ${fixed(pingP99(async_))} ms`,
    Math.min(sync.pings.length, async_.pings.length) < MIN_PINGS &&
      `${sync.pings.length} sync and ${async_.pings.length} async pings (needs ${MIN_PINGS} each)`,
    // A ping sent during the stall waits for the rest of it: else the sync pings were only
    // slower by chance (the sync form runs first, on a colder machine), not held up.
    Math.max(...sync.pings) < MIN_SYNC_LAG_MS &&
      `slowest sync ping ${fixed(Math.max(...sync.pings))} ms, under ${MIN_SYNC_LAG_MS} ms: none caught in the stall`,
  ].filter((miss) => miss !== false);
  const holds = misses.length === 0;
  return {
    lagRatio,
    verdict: holds
      ? { holds, why: `the sync form's loop lag p99 was ${times(lagRatio)} the async form's` }
      : { holds, why: misses.join('; ') },
  };
}
