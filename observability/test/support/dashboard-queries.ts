import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a committed dashboard JSON these tests read. */
export interface DashboardJson {
  uid: string;
  title: string;
  panels: PanelJson[];
  templating?: { list: VariableJson[] };
}
export interface PanelJson {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: { refId: string; expr?: string; datasource?: { type?: string; uid?: string } }[];
  panels?: PanelJson[];
}
export interface VariableJson {
  name: string;
  type: string;
  query?: string;
  allValue?: string;
  datasource?: { type?: string; uid?: string };
}

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

export function readDashboards(dir: string): { file: string; dashboard: DashboardJson }[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      dashboard: JSON.parse(readFileSync(join(dir, file), 'utf8')) as DashboardJson,
    }));
}

/** Every panel, rows' nested panels included. */
export function allPanels(dashboard: DashboardJson): PanelJson[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every PromQL expression of every panel, as written in the dashboard. */
export function panelQueries(dashboard: DashboardJson): PanelQuery[] {
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((t) => t.expr !== undefined)
      .map((t) => ({
        dashboard: dashboard.uid,
        panel: panel.title,
        refId: t.refId,
        expr: t.expr as string,
      })),
  );
}

/** A `label_values(<selector>, <label>)` variable query, split into its parts. */
export function parseLabelValues(query: string): { selector: string; label: string } {
  const match = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(query.trim());
  if (!match) throw new Error(`Expected label_values(<selector>, <label>), got \`${query}\``);
  return { selector: match[1] as string, label: match[2] as string };
}

/**
 * Grafana's interpolation, for what these dashboards use: `$var`/`${var}` become the variable's
 * "All" value (the dashboards open on All), `$__rate_interval` the given window, `$__range` the
 * dashboard's time range (10 minutes unless given). Anything left
 * that looks like a variable is an error — a query Prometheus would reject, or worse, accept.
 */
export function substitute(
  expr: string,
  variables: Record<string, string>,
  rateInterval: string,
  range = '10m',
): string {
  const out = expr
    .replaceAll('$__rate_interval', rateInterval)
    .replaceAll('$__range', range)
    .replace(
      /\$\{(\w+)\}|\$(\w+)/g,
      (whole, braced: string | undefined, bare: string | undefined) => {
        const name = (braced ?? bare) as string;
        if (!(name in variables))
          throw new Error(`\`${whole}\` in \`${expr}\` is not a dashboard variable`);
        return variables[name] as string;
      },
    );
  return out;
}

/** name → the value "All" stands for (`allValue`), for every variable of the dashboard. */
export function allValues(dashboard: DashboardJson): Record<string, string> {
  return Object.fromEntries(
    (dashboard.templating?.list ?? []).map((v) => {
      if (v.allValue === undefined)
        throw new Error(`variable ${v.name} of ${dashboard.uid} has no allValue`);
      return [v.name, v.allValue];
    }),
  );
}
