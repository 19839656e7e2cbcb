/**
 * Dashboards as code: renders every dashboard of this folder to
 * observability/grafana/dashboards/<uid>.json, where Grafana's file provider (and git) read them.
 * `nx run observability:generate-dashboards` writes them; a test builds them again and
 * compares with what is committed, so the JSON can never drift from this code.
 */
import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';
import { workspaceRoot } from '@concurrency-lab/launcher';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { concurrencyModelsDashboard } from './concurrency-models';
import { k6ResultsDashboard } from './k6-results';

export const DASHBOARDS: readonly (() => Dashboard)[] = [
  concurrencyModelsDashboard,
  k6ResultsDashboard,
];

/** observability/grafana/dashboards, from this file in the sources or in dist/. */
export function dashboardsDir(from: string = __dirname): string {
  return join(workspaceRoot(from), 'observability', 'grafana', 'dashboards');
}

/**
 * Grafana wants a unique numeric id per panel (rows included); the SDK leaves them unset, so
 * they are numbered in layout order — stable as long as the code is.
 */
function numberPanels(dashboard: Dashboard): Dashboard {
  let id = 0;
  const number = (panel: Panel | RowPanel): Panel | RowPanel => {
    id += 1;
    const numbered = { ...panel, id };
    if (numbered.type === 'row' && 'panels' in numbered) {
      numbered.panels = numbered.panels.map((p) => number(p) as Panel);
    }
    return numbered;
  };
  return { ...dashboard, panels: (dashboard.panels ?? []).map(number) };
}

/** file name (`<uid>.json`) → the dashboard as it is committed. */
export function buildDashboards(): Map<string, Dashboard> {
  return new Map(
    DASHBOARDS.map((build) => {
      const dashboard = numberPanels(build());
      return [`${dashboard.uid}.json`, dashboard];
    }),
  );
}

async function main(): Promise<void> {
  const dir = dashboardsDir();
  // Written as the repository's prettier formats JSON, so `npm run format` leaves them alone.
  // Loaded here, not at the top: jest (which imports this module) cannot run prettier's ESM.
  const prettier = await import('prettier');
  const options = { ...(await prettier.resolveConfig(join(dir, 'x.json'))), parser: 'json' };
  for (const [file, dashboard] of buildDashboards()) {
    writeFileSync(join(dir, file), await prettier.format(JSON.stringify(dashboard), options));
    console.log(`wrote ${join(dir, file)}`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
