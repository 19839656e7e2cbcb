import { MODELS, UPSTREAM } from '@concurrency-lab/models';
import { integerFromEnv } from './integer-from-env';

/**
 * Ports a person asked for by environment, keyed by app: `UPSTREAM_PORT`, and `<MODEL>_PORT`
 * for each registry model (`ASYNC_PORT`, `THREADS_PORT`, …). Checked like any other input.
 */
export function portOverridesFromEnv(env: NodeJS.ProcessEnv): Record<string, number> {
  const overrides: Record<string, number> = {};
  const read = (variable: string, app: string) => {
    const port = integerFromEnv(env, variable, 0, 65535);
    if (port !== undefined) overrides[app] = port;
  };
  read('UPSTREAM_PORT', UPSTREAM.app);
  for (const { model, app } of MODELS) read(`${model.toUpperCase()}_PORT`, app);
  return overrides;
}
