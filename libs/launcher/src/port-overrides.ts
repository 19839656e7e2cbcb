import { MODELS, UPSTREAM } from '@concurrency-lab/models';
import { LaunchArgumentError } from './errors';

/**
 * Ports a person asked for by environment, keyed by app: `UPSTREAM_PORT`, and `<MODEL>_PORT`
 * for each registry model (`ASYNC_PORT`, `THREADS_PORT`, …). Checked like any other input.
 */
export function portOverridesFromEnv(env: NodeJS.ProcessEnv): Record<string, number> {
  const overrides: Record<string, number> = {};
  const read = (variable: string, app: string) => {
    const raw = env[variable];
    if (raw === undefined || raw === '') return;
    if (!/^[0-9]+$/.test(raw) || Number(raw) > 65535) {
      throw new LaunchArgumentError(
        `Expected \`${variable}\` to be an integer from 0 to 65535, got \`${raw}\``,
      );
    }
    overrides[app] = Number(raw);
  };
  read('UPSTREAM_PORT', UPSTREAM.app);
  for (const { model, app } of MODELS) read(`${model.toUpperCase()}_PORT`, app);
  return overrides;
}
