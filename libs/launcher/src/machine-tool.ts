import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program of the machine's an end-to-end test drives for real, which npm cannot install. */
export interface MachineTool {
  /** Its name, as the warning and the error say it (`chromium`, `prometheus`). */
  name: string;
  /** The variable that points at it, read first (`CHROMIUM_PATH`, `PROMETHEUS_BIN`). */
  envVar: string;
  /** How to install it, for the message (`apt-get install chromium`). */
  install: string;
  /** What the tests that need it check, for the message. */
  usedFor: string;
}

/**
 * `file` if it can be run: a regular file (a link followed) with execute permission. X_OK alone
 * also holds for a directory (its search permission), which would hide the program further on
 * PATH behind a folder of the same name.
 */
function executable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The tool's path: its variable if set, else the first `name` on PATH; undefined if none runs. */
export function findMachineTool(
  tool: Pick<MachineTool, 'name' | 'envVar'>,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const pointed = env[tool.envVar];
  const candidates = pointed
    ? [pointed]
    : (env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, tool.name));
  return candidates.find(executable);
}

/**
 * Why the tool was not found (`findMachineTool` gave undefined): its variable, when set, points
 * at nothing that runs (named, as it is not worked around through PATH); else it is not
 * installed, and how to install it. What a skipped test says, and `npm run observe` too.
 */
export function whyMissing(
  tool: Pick<MachineTool, 'name' | 'envVar' | 'install'>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const pointed = env[tool.envVar];
  return pointed
    ? `${tool.envVar}=${pointed} is not a program that runs`
    : `${tool.name} is not installed (${tool.install}) and ${tool.envVar} is unset`;
}

/**
 * The tool's path for a test file that needs it. Missing, it is a failure in CI (`CI` set:
 * .ci/run installs it, so CI never skips what it should run) and elsewhere a skip, announced
 * once on stderr with how to install it: `npm test` on a machine with nothing but Node and npm
 * then passes its other tests and says which it skipped and why, instead of failing on a
 * program Debian ships and npm does not (no npm package carries Prometheus).
 */
export function machineToolOrSkip(
  tool: MachineTool,
  env: NodeJS.ProcessEnv = process.env,
): { path: string } | { skip: string } {
  const path = findMachineTool(tool, env);
  if (path) return { path };
  const why = `${whyMissing(tool, env)}: the tests of ${tool.usedFor} need it`;
  if (env['CI']) throw new Error(`${why} (CI runs them all)`);
  process.stderr.write(`skipping: ${why}\n`);
  return { skip: why };
}
