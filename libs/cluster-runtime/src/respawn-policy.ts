export interface RespawnOptions {
  /** First delay before respawning after a crash. @default 100 */
  baseDelayMs: number;
  /** The delay doubles per consecutive crash up to this. @default 10000 */
  maxDelayMs: number;
  /** Crashes allowed within `windowMs`; one more and the primary stops respawning. @default 10 */
  budget: number;
  /** @default 60000 */
  windowMs: number;
  /**
   * A worker that lived this long resets the backoff: its crash is news, not a loop. @default 5000
   */
  stableAfterMs: number;
}

export const DEFAULT_RESPAWN: RespawnOptions = {
  baseDelayMs: 100,
  maxDelayMs: 10_000,
  budget: 10,
  windowMs: 60_000,
  stableAfterMs: 5_000,
};

export type RespawnDecision =
  { action: 'respawn'; delayMs: number } | { action: 'give-up'; crashes: number };

/**
 * When to bring a crashed worker back. Exponential backoff stops a worker that dies at boot
 * from turning into a fork storm; a crash budget per window stops the loop altogether; a worker
 * that ran for a while before crashing is respawned quickly again. Pure: the caller passes
 * the clock, so the policy is tested without timers.
 */
export class RespawnPolicy {
  readonly #options: RespawnOptions;
  #consecutive = 0;
  #crashTimes: number[] = [];

  constructor(options: Partial<RespawnOptions> = {}) {
    this.#options = { ...DEFAULT_RESPAWN, ...options };
  }

  /** @param uptimeMs how long the crashed worker had lived */
  onCrash(now: number, uptimeMs: number): RespawnDecision {
    const { baseDelayMs, maxDelayMs, budget, windowMs, stableAfterMs } = this.#options;
    this.#crashTimes = this.#crashTimes.filter((t) => now - t < windowMs);
    this.#crashTimes.push(now);
    if (this.#crashTimes.length > budget)
      return { action: 'give-up', crashes: this.#crashTimes.length };
    this.#consecutive = uptimeMs >= stableAfterMs ? 1 : this.#consecutive + 1;
    return {
      action: 'respawn',
      delayMs: Math.min(maxDelayMs, baseDelayMs * 2 ** (this.#consecutive - 1)),
    };
  }

  /**
   * When the budget is back after a give-up: the first moment from `now` at which fewer than
   * `budget` crashes lie within the window — a worker forked then may crash once and still be
   * respawned. `now` if that is already so; `Infinity` with a budget of 0 (never respawn).
   */
  recoveredAt(now: number): number {
    const { budget, windowMs } = this.#options;
    const recent = this.#crashTimes.filter((t) => now - t < windowMs);
    if (recent.length < budget) return now;
    // The oldest `recent.length - budget + 1` must leave the window; the last of them leaves at:
    const leaves = recent[recent.length - budget];
    return leaves === undefined ? Number.POSITIVE_INFINITY : leaves + windowMs;
  }
}
