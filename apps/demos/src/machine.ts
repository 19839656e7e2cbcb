import { availableParallelism, loadavg } from 'node:os';
import type { DemoResult, Figures } from './demo';
import { fixed } from './format';

/** Cores this process may use. */
export const cores = (): number => availableParallelism();

/** "load 9.8 on 2 cores": said beside a timing verdict that other jobs may have disturbed. */
export const loadNote = (): string => `load ${fixed(loadavg()[0] ?? 0)} on ${cores()} cores`;

/**
 * Why a parallel speedup could not show: while its threads ran, this process got `cpuPerWall`
 * CPU-seconds per second — fewer than the speedup needs, so other jobs had the cores.
 */
export const busyCores = (cpuPerWall: number): string =>
  `its threads got ${fixed(cpuPerWall, 2)} cores' worth of CPU (${loadNote()}): cores busy`;

/** CPU-seconds this process (all its threads) burnt while `fn` ran, per wall-clock second. */
export async function cpuPerWall<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; cpuPerWall: number; cpuMs: number; ms: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  return { value, cpuPerWall: cpuMs / ms, cpuMs, ms };
}

/** The figures of a demo that did not run for want of cores: the cores it had and needed. */
export type TooFewCores = { readonly cores: number; readonly coresNeeded: number };

/**
 * The `run` of a demo whose lesson needs `needed` cores: on a machine with fewer it says so and
 * fails (its figures are then `TooFewCores`), rather than showing a figure that would mean
 * nothing here.
 */
export function needingCores<P extends object, F extends Figures>(
  needed: number,
  run: (options: Readonly<P>) => Promise<DemoResult<F>>,
): (options: Readonly<P>) => Promise<DemoResult<F | TooFewCores>> {
  return async (options) => {
    const have = cores();
    if (have >= needed) return run(options);
    return {
      figures: { cores: have, coresNeeded: needed },
      table: {
        header: ['cores available', 'cores needed'],
        rows: [[String(have), String(needed)]],
      },
      verdict: {
        holds: false,
        why: `it needs ${needed} cores and this machine gives ${have}: cannot be shown here`,
      },
    };
  };
}
