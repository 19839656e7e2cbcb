import { ProcessPoolExecutor, ThreadPoolExecutor, type Executor } from '@concurrency-lab/executors';
import { encodePng, FILTER_NAMES, generateTestImage } from '@concurrency-lab/workloads';
import { defineDemo } from '../demo';
import { integer } from '../knobs';
import { entryPath } from '../entry-path';
import { bytes, fixed, times } from '../format';
import { busyCores, cpuPerWall, loadNote, needingCores } from '../machine';
import { median } from '@concurrency-lab/report-kit';
import { processImage, type ImageJob, type ImageResult } from '../workers/image-tasks';

/** The speedup over the serial loop each pool must reach with 2 workers. */
export const POOL_SPEEDUP = 1.4;

async function mapAll<R>(pool: Executor, jobs: readonly unknown[], name: string): Promise<R[]> {
  const results: R[] = [];
  for await (const r of pool.map<R>(jobs, { name })) results.push(r);
  return results;
}

type Way = 'serial' | 'threads' | 'processes';

export const poolMap = defineDemo({
  name: 'pool-map',
  mirrors: "Pool.map: the guide's image batch on threads and on processes",
  describe:
    'A batch of PNG images, each decoded, filtered and re-encoded, one image per task: a serial loop, then executor.map on a ThreadPoolExecutor and on a ProcessPoolExecutor. Both pools beat the loop; processes also pay for the copies.',
  knobs: {
    images: integer('Images in the batch.', { default: 16, min: 1, max: 128 }),
    // Pixels grow with the square: 1024 is 16× the default's work per image.
    size: integer('Side of each (square) image in pixels.', { default: 256, min: 16, max: 1024 }),
    // Threads and processes, each pool this size, on 2 cores.
    workers: integer('Workers per pool.', { default: 2, min: 1, max: 8 }),
    // Rounds of (serial, threads, processes) in alternating order; the median speedup counts.
    rounds: integer('Rounds of (serial, threads, processes).', { default: 3, min: 1, max: 9 }),
  },
  run: needingCores(2, async (o) => {
    const source = encodePng(generateTestImage(o.size));
    const jobs: ImageJob[] = Array.from({ length: o.images }, (_, i) => ({
      png: new Uint8Array(source),
      filter: FILTER_NAMES[i % FILTER_NAMES.length] ?? 'blur',
    }));
    const filename = entryPath('image-tasks');
    await using threads = new ThreadPoolExecutor({ filename, maxWorkers: o.workers });
    await using processes = new ProcessPoolExecutor({ filename, maxWorkers: o.workers });
    const pools = { threads, processes };
    for (const pool of Object.values(pools))
      await mapAll(pool, jobs.slice(0, o.workers * 2), 'filterPng');

    const ms: Record<Way, number[]> = { serial: [], threads: [], processes: [] };
    const checksums: Record<Way, string> = { serial: '', threads: '', processes: '' };
    const ways: Way[] = ['serial', 'threads', 'processes'];
    let outBytes = 0;
    // CPU this process got while its threads worked: below the speedup asked, the cores were busy.
    const threadCpuPerWall: number[] = [];
    for (let round = 0; round < o.rounds; round++) {
      for (const way of round % 2 === 0 ? ways : [...ways].reverse()) {
        const run = await cpuPerWall(async () =>
          way === 'serial'
            ? jobs.map(processImage)
            : mapAll<ImageResult>(pools[way], jobs, 'filterPng'),
        );
        const results: ImageResult[] = run.value;
        ms[way].push(run.ms);
        if (way === 'threads') threadCpuPerWall.push(run.cpuPerWall);
        checksums[way] = results.map((r) => r.checksum).join();
        outBytes = results.reduce((sum, r) => sum + r.png.byteLength, 0);
      }
    }
    // The trip alone: the same arguments sent and returned with no work, per item.
    const echo = async (pool: Executor) => {
      const start = performance.now();
      await mapAll(pool, jobs, 'echo');
      return ((performance.now() - start) / jobs.length) * 1000;
    };
    const echoUs = { threads: await echo(threads), processes: await echo(processes) };

    const speedup = (way: Way) =>
      median(ms.serial.map((serial, r) => serial / (ms[way][r] ?? NaN)));
    const threadSpeedup = speedup('threads');
    const processSpeedup = speedup('processes');
    const sameResults =
      checksums.threads === checksums.serial && checksums.processes === checksums.serial;
    const inBytes = jobs.reduce((sum, j) => sum + j.png.byteLength, 0);
    const holds = threadSpeedup >= POOL_SPEEDUP && processSpeedup >= POOL_SPEEDUP && sameResults;
    return {
      figures: {
        ...o,
        ms,
        threadSpeedup,
        processSpeedup,
        echoUsPerItem: echoUs,
        bytesPerBatch: { in: inBytes, out: outBytes },
        sameResults,
        threadCpuPerWall,
      },
      table: {
        header: ['runs on', 'median ms', 'vs serial', 'trip per item µs', 'same output'],
        align: ['left', 'right', 'right', 'right', 'left'],
        rows: [
          ['serial loop', fixed(median(ms.serial), 0), times(1), '—', 'reference'],
          [
            `${o.workers} worker threads`,
            fixed(median(ms.threads), 0),
            times(threadSpeedup),
            fixed(echoUs.threads, 0),
            checksums.threads === checksums.serial ? 'yes' : 'NO',
          ],
          [
            `${o.workers} processes`,
            fixed(median(ms.processes), 0),
            times(processSpeedup),
            fixed(echoUs.processes, 0),
            checksums.processes === checksums.serial ? 'yes' : 'NO',
          ],
        ],
      },
      notes: [
        `${o.images} images of ${o.size}×${o.size}, filters ${FILTER_NAMES.join(', ')} in turn; ${bytes(inBytes)} of PNG in and ${bytes(outBytes)} out per batch. "vs serial" is the median over ${o.rounds} rounds of the speedup within a round (${loadNote()}).`,
        `The copy: a process gets every argument and result serialized through a pipe — ${fixed(echoUs.processes / Math.max(echoUs.threads, 1e-9), 1)}× a thread's trip per item here, where the images are small and compressed; raw pixels would cost far more (see shared-memory). In Python only processes would speed this up; in Node threads do as well, and cheaper.`,
      ],
      verdict: holds
        ? {
            holds,
            why: `threads ran the batch ${times(threadSpeedup)} faster, processes ${times(processSpeedup)}`,
          }
        : !sameResults
          ? { holds, why: "the pools did not produce the serial loop's images" }
          : median(threadCpuPerWall) < POOL_SPEEDUP
            ? { holds, why: busyCores(median(threadCpuPerWall)) }
            : {
                holds,
                why: `threads ${times(threadSpeedup)}, processes ${times(processSpeedup)} the serial loop, under ${times(POOL_SPEEDUP)} (${loadNote()})`,
              },
    };
  }),
});
