import {
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as BarGaugeBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
import {
  BarGaugeDisplayMode,
  BarGaugeNamePlacement,
  ReduceDataOptionsBuilder,
  VizOrientation,
} from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS } from './datasources';

export interface QuerySpec {
  expr: string;
  /** Grafana legend template, e.g. `{{model}}`. */
  legend: string;
  /** Show exemplars (trace ids on latency buckets) as points linked to Jaeger. */
  exemplar?: boolean;
}

export interface PanelSpec {
  title: string;
  /** Shown in the panel's (i) tooltip: what to read in it. */
  description: string;
  /** Grafana unit id: `reqps`, `s`, `bytes`, `percentunit`, `short`. */
  unit: string;
  queries: QuerySpec[];
  /** Width in grid columns (of 24). @default 8 */
  span?: number;
  min?: number;
  max?: number;
}

/** One Prometheus time-series panel; every query names its datasource so no default is assumed. */
export function timeseries(spec: PanelSpec): PanelBuilder {
  const panel = new PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .span(spec.span ?? 8)
    .height(8)
    .lineWidth(1)
    .fillOpacity(10);
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  spec.queries.forEach((query, i) => {
    panel.withTarget(
      new DataqueryBuilder()
        .datasource(PROMETHEUS)
        .refId(String.fromCharCode(65 + i))
        .expr(query.expr)
        .legendFormat(query.legend)
        .range()
        .exemplar(query.exemplar ?? false),
    );
  });
  return panel;
}

/**
 * One bar per model, one figure over the dashboard's whole time range (`$__range`): an instant
 * query whose value per series is the bar — the report's bar charts, live. Bars, not lines, so
 * the side-by-side reads at a glance before any time series.
 */
export function barGauge(spec: Omit<PanelSpec, 'queries'> & { query: QuerySpec }): BarGaugeBuilder {
  const panel = new BarGaugeBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .span(spec.span ?? 6)
    .height(7)
    .orientation(VizOrientation.Horizontal)
    .displayMode(BarGaugeDisplayMode.Gradient)
    .namePlacement(BarGaugeNamePlacement.Left)
    .showUnfilled(true)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .withTarget(
      new DataqueryBuilder()
        .datasource(PROMETHEUS)
        .refId('A')
        .expr(spec.query.expr)
        .legendFormat(spec.query.legend)
        .instant(),
    );
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  return panel;
}

/**
 * A multi-value template variable from `label_values(<selector>, <label>)`. "All" is `.*` rather
 * than a list of today's values, so a model added to the registry later is included without a
 * reload.
 */
export function labelVariable(name: string, label: string, selector: string, title: string) {
  return new QueryVariableBuilder(name)
    .label(title)
    .datasource(PROMETHEUS)
    .query(`label_values(${selector}, ${label})`)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: ['All'], value: ['$__all'] })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/**
 * `histogram_quantile(q, …)` over a classic histogram, keeping `by` labels (plus `le`), its rate
 * over `window` (Grafana's `$__rate_interval` for a time series, `$__range` for one figure).
 */
export function quantile(
  q: number,
  metric: string,
  selector: string,
  by: string[],
  window = '$__rate_interval',
): string {
  return `histogram_quantile(${q}, sum by (${[...by, 'le'].join(', ')}) (rate(${metric}_bucket${selector}[${window}])))`;
}
