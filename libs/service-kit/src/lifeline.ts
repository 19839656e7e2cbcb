/**
 * The lifeline: how a service learns that the process which started it is gone, however it went
 * (SIGKILL, a crash, the OOM killer) — the parent-death notice Linux gives with
 * PR_SET_PDEATHSIG, made portable. The launcher (`@concurrency-lab/launcher`) spawns a service
 * with its stdin a pipe it holds open and never writes, and `LAB_LIFELINE=stdin`. When the
 * launcher dies the kernel closes its end, and the service reads end-of-file: nobody is left to
 * stop it, so it stops itself, by its SIGTERM path.
 *
 * Only the process the launcher started acts on it (a single-process service, a cluster or
 * hybrid primary): a cluster worker leaves it to its primary as it leaves the signals, and the
 * variable is removed from this process's environment once armed, so nothing this process starts
 * (cluster workers, pool processes, a tool) inherits it. Those do inherit the descriptor (fd 0),
 * which changes nothing: the end-of-file comes when the launcher's end closes, whoever else holds
 * the service's end. Nothing here imports more than Node and the kit's errors:
 * `@concurrency-lab/service-kit/env` exports it, for upstream's main, which loads nothing else of
 * the kit.
 */

import { fstatSync } from 'node:fs';
import { ConfigError } from './errors';

/** The variable that arms the lifeline (docs/contract.md's configuration table). */
export const LIFELINE_VARIABLE = 'LAB_LIFELINE';

/** Where a lifeline can be: `stdin`, which ends when the process that started this one is gone. */
export const LIFELINE_KINDS = ['stdin'] as const;
export type LifelineKind = (typeof LIFELINE_KINDS)[number];

/** The `msg` of the line a process logs when its lifeline ends, before it drains. */
export const LIFELINE_LOST_MESSAGE =
  'lifeline lost: the process that started this one is gone; shutting down';

/** The `reason` a process gives for its stop when its lifeline ended. */
export const LIFELINE_REASON = 'lifeline';

/**
 * Takes the lifeline `kind` names (undefined: none, nothing to do) for this process, before
 * anything else runs: checks that stdin can be one — a pipe or a socket, whose other end the
 * process that started this one holds — and removes the variable from `process.env`, so nothing
 * this process loads or starts (an operator's workload module, cluster workers, pool processes)
 * inherits it. A terminal, /dev/null or a file as stdin would end at once or on a keystroke
 * (the variable exported by hand, `docker run -e` without `-i`, systemd, nohup), and the service
 * would stop with exit 0, which no restart policy undoes: that is a configuration error.
 * @throws ConfigError (`ERR_KIT_INVALID_CONFIG`) naming the variable
 */
export function claimLifeline(kind: LifelineKind | undefined, fd = 0): void {
  if (kind === undefined) return;
  let what: string;
  try {
    const stat = fstatSync(fd);
    if (stat.isFIFO() || stat.isSocket()) {
      delete process.env[LIFELINE_VARIABLE];
      return;
    }
    what = stat.isCharacterDevice() ? 'a terminal or a device' : 'a file';
  } catch {
    what = 'closed';
  }
  throw new ConfigError(
    `Invalid configuration: ${LIFELINE_VARIABLE}: stdin is ${what}, not a pipe: set it only where the process that starts this one holds stdin's other end (the launcher does)`,
  );
}

/** What a lifeline is read from: `process.stdin` (a pipe, a socket, a TTY or a file). */
export type LifelineInput = NodeJS.ReadableStream & { unref?(): unknown };

/**
 * Watches the lifeline `kind` names (read from {@link LIFELINE_VARIABLE}; undefined: none, and
 * this does nothing) and calls `onLost` once, when it ends: the end of `input`, its close or an
 * error reading it. Whatever arrives on it is read and dropped. It holds nothing open: the
 * stream's handle is unref'd, so a process that has nothing else to do still exits, and it costs
 * a request nothing. Removes the variable from `process.env` (see the module's comment). Returns
 * a function that disarms it.
 */
export function watchLifeline(
  kind: LifelineKind | undefined,
  onLost: () => void,
  input: LifelineInput = process.stdin,
): () => void {
  if (kind === undefined) return () => undefined;
  delete process.env[LIFELINE_VARIABLE];
  let armed = true;
  const lost = () => {
    if (!armed) return;
    armed = false;
    onLost();
  };
  input.once('end', lost);
  input.once('close', lost);
  // Stays, a no-op once disarmed: a read error nobody listened for would be uncaught.
  input.on('error', lost);
  input.resume();
  input.unref?.();
  return () => {
    armed = false;
  };
}
