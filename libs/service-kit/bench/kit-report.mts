/** The kit benchmark's tables: figures per server and load, and the issue's ratios. */
import { median, medianAndRange, recordTable } from '@concurrency-lab/report-kit';
import type { Figure, Load } from './drive.mts';
import type { Server, ServerName } from './kit-servers.mts';

/** Figures by `${server}/${load}`, one per round. */
export type Figures = Map<string, Figure[]>;

/** `/io/sleep?ms=0 ×50 @1500/s`; a request other than a GET names its method. */
const describeLoad = (load: Load) =>
  `${load.method ? `${load.method} ` : ''}${load.path} ×${load.connections}` +
  `${load.overallRate ? ` @${load.overallRate}/s` : ''}`;

export function printFigures(figures: Figures, servers: Server[], loads: Load[]): void {
  console.log(
    recordTable(
      servers.flatMap((server) =>
        loads.map((load) => {
          const fs = figures.get(`${server.name}/${load.key}`) ?? [];
          const column = (pick: (f: Figure) => number, digits: number) =>
            medianAndRange(fs.map(pick), digits);
          return {
            server: server.name,
            load: describeLoad(load),
            'req/s': column((f) => f.rps, 0),
            'p99 ms': column((f) => f.p99, 0),
            'CPU µs/req': column((f) => f.cpuUs, 1),
            'main thread µs/req': column((f) => f.mainCpuUs, 1),
            'peak RSS MiB': column((f) => f.rssMiB, 0),
            'non-2xx+errors': fs.reduce((sum, f) => sum + f.bad, 0),
          };
        }),
      ),
    ),
  );
}

type Measure = 'req/s' | 'CPU per request⁻¹' | 'main-thread CPU per request⁻¹' | 'peak RSS';
const PICK: Record<Measure, (f: Figure) => number> = {
  'req/s': (f) => f.rps,
  // Inverse, so that like req/s a ratio above 1 favours the first server.
  'CPU per request⁻¹': (f) => 1 / f.cpuUs,
  // The event loop's share alone: what caps a saturated server's req/s.
  'main-thread CPU per request⁻¹': (f) => 1 / f.mainCpuUs,
  'peak RSS': (f) => f.rssMiB,
};

/** a / b of one measure on one load, and the issue's target for its median. */
type Ratio = [a: ServerName, b: ServerName, load: string, measure: Measure, target?: string];

const RATIOS: Ratio[] = [
  ['kit', 'bare', 'sleep', 'req/s', '≥ 0.9'],
  ['kit', 'bare', 'fib', 'req/s', '≥ 0.9'],
  ['traced', 'kit', 'sleep', 'req/s', '≥ 0.8'],
  ['traced', 'kit', 'fib', 'req/s', '≥ 0.8'],
  ['traced', 'otel', 'sleep', 'req/s', '≥ 1.5'],
  ['traced', 'otel', 'fib', 'req/s', '≥ 1.5'],
  ['kit', 'bare', 'sleepRate', 'CPU per request⁻¹'],
  ['kit', 'bare', 'fibRate', 'CPU per request⁻¹'],
  // The upload route (headers checked before admission, body read by the kit's readBody)
  // against express.raw → decode → filter → encode inline.
  ['kit', 'bare', 'upload', 'req/s'],
  ['kit', 'bare', 'uploadRate', 'CPU per request⁻¹'],
  // The scrape route (admission, the process-wide fetch queue, per-page timeouts and aborts)
  // against Promise.all over fetch; the upstream process shares the cores with both.
  ['kit', 'bare', 'scrape', 'req/s'],
  ['kit', 'bare', 'scrapeRate', 'CPU per request⁻¹'],
  ['traced', 'kit', 'scrape', 'req/s'],
  ['traced', 'kit', 'sleepRate', 'CPU per request⁻¹'],
  ['traced', 'kit', 'sleepRate', 'main-thread CPU per request⁻¹'],
  ['traced', 'kit', 'fibRate', 'CPU per request⁻¹'],
  ['traced', 'otel', 'sleepRate', 'CPU per request⁻¹'],
  // What event-loop admission costs (issue 15): the kit with it, against the kit without.
  ['kit', 'noadm', 'sleep', 'req/s'],
  ['kit', 'noadm', 'fib', 'req/s'],
  ['kit', 'noadm', 'sleepRate', 'CPU per request⁻¹'],
  ['kit', 'noadm', 'fibRate', 'CPU per request⁻¹'],
  ['kit', 'bare', 'rss400', 'peak RSS', '≤ 1.2'],
  ['traced', 'bare', 'rss400', 'peak RSS'],
];

function meets(value: number, target: string | undefined): string {
  if (!target) return '';
  const bound = Number(target.slice(2));
  return (target.startsWith('≥') ? value >= bound : value <= bound) ? 'yes' : 'NO';
}

/** Each ratio per round (servers measured side by side), as median (min–max). */
export function printRatios(figures: Figures, loads: Load[]): void {
  const rows = RATIOS.flatMap(([a, b, loadKey, measure, target]) => {
    const load = loads.find((l) => l.key === loadKey);
    const xs = figures.get(`${a}/${loadKey}`) ?? [];
    const ys = figures.get(`${b}/${loadKey}`) ?? [];
    const values = xs.flatMap((x, i) => {
      const y = ys[i];
      return y ? [PICK[measure](x) / PICK[measure](y)] : [];
    });
    if (!load || values.length === 0) return [];
    return [
      {
        ratio: `${a} / ${b}, ${measure}, ${describeLoad(load)}`,
        'median (min–max)': medianAndRange(values, 3),
        target: target ?? '—',
        met: meets(median(values), target),
      },
    ];
  });
  console.log(recordTable(rows));
}
