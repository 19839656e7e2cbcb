import { MODELS, UPSTREAM } from '@concurrency-lab/models';
import { integerFromEnv } from './integer-from-env';

/**
 * Ports a person asked for by environment, keyed by app: `UPSTREAM_PORT`, and `<MODEL>_PORT`
 * for each registry model (`ASYNC_PORT`, `THREADS_PORT`, …). Checked like any other input.
 */
export function portOverridesFromEnv(env: NodeJS.ProcessEnv): Record<string, number> {
  const overrides: Record<string, number> = {};
  const read = (variable: string, app: string) => {
    const port = portFromEnv(env, variable);
    if (port !== undefined) overrides[app] = port;
  };
  read('UPSTREAM_PORT', UPSTREAM.app);
  for (const { model, app } of MODELS) read(`${model.toUpperCase()}_PORT`, app);
  return overrides;
}

/**
 * Variable `variable` of `env` as a TCP port (0–65535; 0 asks for a free one), or undefined when
 * it is unset or empty.
 * @throws LaunchArgumentError naming the variable, as for `<MODEL>_PORT`
 */
export function portFromEnv(env: NodeJS.ProcessEnv, variable: string): number | undefined {
  return integerFromEnv(env, variable, 0, 65535);
}
