/**
 * The k6 side of a scenario script: parses the shared scenarios.json, reads the run's
 * parameters from __ENV, and returns what the entry script exports (options, the `stream`
 * function every k6 scenario executes, handleSummary).
 */
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { parseCatalog, type Stream } from './catalog.ts';
import { k6Options, routeOf, runParams, summaryOutputs, type ScenarioThresholds } from './plan.ts';

export function scenarioScript(catalogJson: string, id: string, thresholds: ScenarioThresholds) {
  const catalog = parseCatalog(JSON.parse(catalogJson));
  const scenario = catalog.scenarios.find((s) => s.id === id);
  if (!scenario) throw new Error(`scenarios.json has no scenario \`${id}\``);
  const params = runParams(__ENV);
  const streams = new Map<string, Stream>(scenario.streams.map((s) => [s.name, s]));

  return {
    options: k6Options(scenario, params, thresholds),
    /** One request of the stream this k6 scenario is named after. */
    stream: (): void => {
      const stream = streams.get(exec.scenario.name);
      if (!stream) throw new Error(`no stream named ${exec.scenario.name} in ${id}`);
      const response = http.request(stream.method, `${params.baseUrl}${stream.path}`, null, {
        tags: { name: routeOf(stream.path) },
        timeout: '30s',
      });
      check(response, { 'status is 2xx': (r) => r.status >= 200 && r.status < 300 });
    },
    handleSummary: (data: Parameters<typeof summaryOutputs>[0]) =>
      summaryOutputs(data, scenario, params, thresholds),
  };
}
