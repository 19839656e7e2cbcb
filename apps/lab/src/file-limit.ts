import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The open-file limit of this process, and what the lab did about it (the report says). */
export interface FileLimit {
  soft: number | null;
  hard: number | null;
  /** Descriptors the run needs: its largest scenario's connections, plus a margin. */
  needed: number;
  /** The soft limit was raised for this run (and the services it starts inherit it). */
  raised: boolean;
  note: string;
}

/** Files that are not the scenario's sockets: the runtime, logs, /proc reads, scrapes. */
const MARGIN = 256;

/** `Max open files  <soft>  <hard>  files` from /proc/self/limits; null = unlimited/unknown. */
export function readFileLimit(): { soft: number | null; hard: number | null } {
  try {
    const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const value = (raw: string | undefined) =>
      raw === undefined || raw === 'unlimited' ? null : Number(raw);
    return { soft: value(line?.[1]), hard: value(line?.[2]) };
  } catch {
    return { soft: null, hard: null };
  }
}

/**
 * Makes sure `connections` sockets fit under the open-file limit: Node cannot call setrlimit,
 * so when the soft limit is too low it is raised to the hard limit with util-linux's `prlimit`
 * on this very process — before the services start, so they inherit it. Never fails the run:
 * if the OS refuses, the note says so and the report carries it (connections beyond the limit
 * then fail with EMFILE and are counted as failed).
 */
export function ensureFileLimit(connections: number): FileLimit {
  const needed = connections + MARGIN;
  const before = readFileLimit();
  if (before.soft === null || before.soft >= needed) {
    return {
      ...before,
      needed,
      raised: false,
      note: `open-file limit ${before.soft ?? 'unlimited'} ≥ ${needed} needed`,
    };
  }
  const target = before.hard === null ? 'unlimited' : String(before.hard);
  const result = spawnSync(
    'prlimit',
    ['--pid', String(process.pid), `--nofile=${target}:${target}`],
    {
      encoding: 'utf8',
    },
  );
  const after = readFileLimit();
  const raised = after.soft !== before.soft;
  const enough = after.soft === null || after.soft >= needed;
  const why = result.error ? result.error.message : result.stderr.trim();
  return {
    ...after,
    needed,
    raised,
    note: enough
      ? `open-file limit raised from ${before.soft} to ${after.soft ?? 'unlimited'} (≥ ${needed} needed)`
      : `the OS refused an open-file limit of ${needed}: soft ${after.soft}, hard ${after.hard ?? 'unlimited'}${why ? ` (${why})` : ''}; connections beyond it fail`,
  };
}
