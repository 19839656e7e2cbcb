import { availableParallelism, loadavg } from 'node:os';
import type { DemoResult } from './demo';
import { fixed } from './format';

/** Cores this process may use. */
export const cores = (): number => availableParallelism();

/** "load 9.8 on 2 cores": said beside a timing verdict that other jobs may have disturbed. */
export const loadNote = (): string => `load ${fixed(loadavg()[0] ?? 0)} on ${cores()} cores`;

/**
 * The result of a demo whose lesson needs `needed` cores on a machine with fewer: it says so
 * and fails, rather than showing a figure that would mean nothing here.
 */
export function needsCores(needed: number): DemoResult | undefined {
  const have = cores();
  if (have >= needed) return undefined;
  return {
    figures: { cores: have, coresNeeded: needed },
    table: { header: ['cores available', 'cores needed'], rows: [[String(have), String(needed)]] },
    verdict: {
      holds: false,
      why: `it needs ${needed} cores and this machine gives ${have}: cannot be shown here`,
    },
  };
}
