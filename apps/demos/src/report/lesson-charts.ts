import type { Chart } from '@concurrency-lab/report-kit';
import type { FigureValue } from '../demo';
import type { LessonRecord } from '../run-demo';

const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white' };

/** The rows a demo keeps for its chart under `figures[key]`, or none. */
function rowsOf(records: readonly LessonRecord[], demo: string, key: string): FigureValue[] {
  const value = records.find((r) => r.name === demo)?.result.figures[key];
  return Array.isArray(value) ? [...(value as FigureValue[])] : [];
}

/**
 * The charts where a picture says it better than the table: what a message costs by size
 * (copy vs transfer vs shared memory), and the event loop's lag over time while a sync call
 * blocks it, or while CPU work runs on it instead of in a pool. A chart whose demo did not run
 * (or failed before measuring) is left out.
 */
export function lessonCharts(records: readonly LessonRecord[]): Chart[] {
  const charts: Chart[] = [];
  const bySize = rowsOf(records, 'shared-memory', 'bySize');
  const sizes = [...new Set(bySize.map((row) => (row as { bytes: number }).bytes))];
  if (bySize.length > 0) {
    charts.push({
      id: 'shared-memory',
      title: 'shared-memory: handing a buffer to a thread and back, by size (ms, log scales)',
      spec: {
        ...base,
        data: { values: bySize },
        width: 520,
        height: 300,
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'bytes',
            type: 'quantitative',
            scale: { type: 'log', base: 2 },
            title: 'buffer size',
            axis: {
              values: sizes,
              labelOverlap: false,
              labelFlush: true,
              labelExpr:
                "datum.value >= 1048576 ? datum.value / 1048576 + ' MiB' : datum.value / 1024 + ' KiB'",
            },
          },
          y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms (median)' },
          color: {
            field: 'way',
            type: 'nominal',
            title: 'how',
            sort: ['copy', 'transfer', 'shared'],
          },
        },
      },
    });
  }
  const blocking = stallChart(records, {
    demo: 'blocking',
    title:
      'blocking: when the event loop could not run (stalls of 2 ms or more, by timer lateness)',
    by: 'form',
    byTitle: 'API form',
    order: ['sync', 'async'],
  });
  if (blocking) charts.push(blocking);
  const hybrid = stallChart(records, {
    demo: 'hybrid',
    title: 'hybrid: when the event loop could not run, by way (stalls of 2 ms or more, last round)',
    by: 'way',
    byTitle: 'way',
    order: ['sequential', 'async', 'threads', 'processes'],
  });
  if (hybrid) charts.push(hybrid);
  return charts;
}

/**
 * A demo's event-loop stalls over time, one row per case (`by`): a timer that fires `lateMs`
 * late at `tMs` means the loop could not run in between, so each bar is such a stall, on the
 * row of the case that caused it. From `figures.lagOverTime`; none if the demo did not run.
 */
function stallChart(
  records: readonly LessonRecord[],
  o: { demo: string; title: string; by: string; byTitle: string; order: readonly string[] },
): Chart | undefined {
  const lag = rowsOf(records, o.demo, 'lagOverTime');
  if (lag.length === 0) return undefined;
  return {
    id: o.demo,
    title: o.title,
    spec: {
      ...base,
      data: { values: lag },
      transform: [
        { filter: 'datum.lateMs >= 2' },
        { calculate: 'datum.tMs - datum.lateMs', as: 'fromMs' },
      ],
      width: 520,
      height: 30 * o.order.length + 30,
      mark: 'bar',
      encoding: {
        x: { field: 'fromMs', type: 'quantitative', title: 'ms into the run' },
        x2: { field: 'tMs' },
        // Every case keeps its row: an empty one (no stall) is the point of the chart.
        y: {
          field: o.by,
          type: 'nominal',
          title: o.byTitle,
          sort: [...o.order],
          scale: { domain: [...o.order] },
        },
        color: { field: o.by, type: 'nominal', legend: null },
        tooltip: [{ field: 'lateMs', title: 'stall (ms)' }],
      },
    },
  };
}
