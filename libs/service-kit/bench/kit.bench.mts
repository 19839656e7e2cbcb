/**
 * What the service kit costs per request, and what tracing costs on top — against bare express 5
 * serving the same route shapes, and against OpenTelemetry's own default setup, in one run
 * (servers: see kit-servers.mts):
 *
 *   bare    bare express 5, `/io/sleep`, `/cpu/fib`, `POST /image/filter` and `/io/scrape` only
 *   kit     async-service, tracing off
 *   noadm   async-service, tracing off, event-loop admission off (the launcher's ADMISSION_OFF)
 *   traced  async-service, 100% sampled, BatchSpanProcessor, OTLP/protobuf to a sink process
 *   otel    bare express + NodeSDK + auto-instrumentations, same sink
 *
 * Every server runs in its own process for the whole run; each round drives them in turn with
 * autocannon (A B C D, then D C B A — drift on a shared machine favours nobody): `/io/sleep?ms=0`
 * and `/cpu/fib?n=1` at 50 connections as fast as they answer, a 16×16 PNG `POST`ed to
 * `/image/filter?filter=grayscale` the same way, `/io/scrape?pages=5` against the upstream app
 * (started once, shared by every server), the same four at a fixed rate (CPU per request), and
 * 400 connections waiting 50 ms (`/io/sleep?ms=50`) in a freshly started process
 * while its RSS is sampled (after a warm-up under that load: see `rssWarmupSeconds`). Ratios
 * are taken per round and printed as median (min–max) against the targets.
 *
 *   node bench/kit.bench.mts                              (after `npm run build`)
 *   BENCH_SECONDS=8 BENCH_ROUNDS=3 BENCH_RATE=2000 BENCH_RSS_WARMUP=12 node bench/kit.bench.mts
 *   BENCH_ONLY=kit,bare BENCH_LOADS=sleep BENCH_PROFILE_DIR=/tmp/prof node bench/kit.bench.mts
 *     (the long-lived servers run under `--cpu-prof`; such a run's figures are not comparable,
 *      the per-module/per-function CPU summaries printed at the end are the point)
 */
import type { ServiceProcess } from '@concurrency-lab/launcher';
import { encodePng, generateTestImage } from '@concurrency-lab/workloads';
import { drive, type Figure, type Load } from './drive.mts';
import { printFigures, printRatios, type Figures } from './kit-report.mts';
import { SERVERS, startSink, startUpstream, type Peers } from './kit-servers.mts';
import { printProfileSummary, summarizeProfile } from './profile-summary.mts';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 2);
/** Requests per second of the fixed-rate loads: below what every server sustains. */
const rate = Number(process.env['BENCH_RATE'] ?? 1500);
const profileDir = process.env['BENCH_PROFILE_DIR'];
const onlyServers = process.env['BENCH_ONLY']?.split(',');
const onlyLoads = process.env['BENCH_LOADS']?.split(',');
/**
 * How long the RSS load runs before its figures count. V8 grows the young generation in steps
 * (8 → 16 → 32 → 64 → 128 MiB here) as the bytes surviving its scavenges add up, and 400
 * connections each holding a request reach the last step in seconds: the kit after about 3.5 s
 * of this load, bare express (which keeps less alive per request) after about 7 s. Measured after
 * 1 s, the ratio was the difference in *when* each reaches that step (1.40); after both got
 * there, the difference in what they hold (see docs/design.md, "Per-request cost").
 */
const rssWarmupSeconds = Number(process.env['BENCH_RSS_WARMUP'] ?? 12);

/**
 * An upload small enough that what the route does around the image (headers, admission, reading
 * the body, answering) outweighs decoding, filtering and encoding it.
 */
const upload = {
  path: '/image/filter?filter=grayscale',
  method: 'POST',
  headers: { 'content-type': 'image/png' },
  body: encodePng(generateTestImage(16)),
} as const satisfies Omit<Load, 'key' | 'connections'>;

const LOADS: Load[] = [
  { key: 'sleep', path: '/io/sleep?ms=0', connections: 50 },
  { key: 'fib', path: '/cpu/fib?n=1', connections: 50 },
  { key: 'upload', ...upload, connections: 50 },
  // Five pages of the upstream site per request: fewer than the kit's per-request bound (8), so
  // both fetch them all at once; the kit's process-wide bound (32 fetches) does hold it back.
  { key: 'scrape', path: '/io/scrape?pages=5', connections: 50 },
  // The same requests at a fixed rate: the CPU each costs, without the feedback loop of a
  // saturated server (a slower server batches differently, which changes its CPU per request).
  { key: 'sleepRate', path: '/io/sleep?ms=0', connections: 50, overallRate: rate },
  { key: 'fibRate', path: '/cpu/fib?n=1', connections: 50, overallRate: rate },
  { key: 'uploadRate', ...upload, connections: 50, overallRate: rate },
  { key: 'scrapeRate', path: '/io/scrape?pages=5', connections: 50, overallRate: rate / 5 },
  // Memory holding many waiting connections, in a process started for it (after a warm-up
  // under the same load, see RSS_WARMUP_SECONDS): RSS depends on a process's history, and the
  // runs above grow each heap by its own allocation rate.
  { key: 'rss400', path: '/io/sleep?ms=50', connections: 400, fresh: true },
].filter((l) => !onlyLoads || onlyLoads.includes(l.key));
const servers = SERVERS.filter((s) => !onlyServers || onlyServers.includes(s.name));

// Whatever the caller's shell exports must not configure a server by accident.
for (const key of Object.keys(process.env)) if (key.startsWith('OTEL_')) delete process.env[key];

const sink = await startSink();
let upstream: ServiceProcess | undefined;
const handles = new Map<string, ServiceProcess>();
const figures: Figures = new Map();
try {
  upstream = await startUpstream();
  const peers: Peers = { sink: sink.url, upstream: upstream.url };
  for (const s of servers) handles.set(s.name, await s.launch(peers, profileDir));
  // Warm-up (JIT, connection setup), left out of the figures.
  for (const s of servers)
    for (const load of LOADS)
      if (!load.fresh) await drive(handles.get(s.name) as ServiceProcess, load, 1);

  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const load of LOADS) {
      for (const s of order) {
        let figure: Figure;
        if (load.fresh) {
          const fresh = await s.launch(peers);
          try {
            await drive(fresh, load, rssWarmupSeconds);
            figure = await drive(fresh, load, seconds);
          } finally {
            await fresh.stop();
          }
        } else {
          figure = await drive(handles.get(s.name) as ServiceProcess, load, seconds);
        }
        const key = `${s.name}/${load.key}`;
        figures.set(key, [...(figures.get(key) ?? []), figure]);
      }
    }
  }
} finally {
  // Every process that started is stopped, even when another's stop fails.
  const started = [...handles.values(), sink, ...(upstream ? [upstream] : [])];
  await Promise.allSettled(started.map((p) => p.stop()));
}

console.log(
  `\nkit benchmark: ${rounds} round(s) × ${seconds} s per server and load, Node ${process.version}` +
    `${profileDir ? ' — PROFILED RUN, figures not comparable' : ''}`,
);
for (const s of servers) console.log(`  ${s.name.padEnd(6)} ${s.describe}`);
printFigures(figures, servers, LOADS);
printRatios(figures, LOADS);
const received = sink
  .output()
  .split('\n')
  .filter((l) => l.includes('"received"'))
  .map((l) => JSON.parse(l) as { requests: number; spans: number; bytes: number })[0];
console.log(
  `sink received ${received?.requests ?? 0} export requests, ${received?.spans ?? 0} spans, ` +
    `${((received?.bytes ?? 0) / 2 ** 20).toFixed(1)} MiB`,
);
if (profileDir) {
  for (const s of servers)
    printProfileSummary(s.name, summarizeProfile(`${profileDir}/${s.name}.cpuprofile`));
}
