import { performance } from 'node:perf_hooks';
import { isShed, type Outcome } from './load-stats';

/**
 * Sheds grouped into episodes: a run of shed answers that no 2xx answer interrupts (in the order
 * the answers arrive). It tells a passing stall — the loop held up for a moment, admission
 * refusing until its next calm sample, a fraction of a second — from admission that keeps
 * refusing, which a count of sheds alone cannot.
 */
export class ShedEpisodes {
  #count = 0;
  #longestMs = 0;
  /** When the open episode's first shed answer arrived; undefined between episodes. */
  #startedAt: number | undefined;

  /** Takes every outcome of a load (`Load.onOutcome`); `at`: when it arrived (ms). */
  record(outcome: Outcome, at = performance.now()): void {
    if (isShed(outcome)) {
      if (this.#startedAt === undefined) {
        this.#startedAt = at;
        this.#count++;
      }
      this.#longestMs = Math.max(this.#longestMs, at - this.#startedAt);
    } else if (outcome.kind === 'answer' && outcome.status >= 200 && outcome.status < 300) {
      this.#startedAt = undefined;
    }
  }

  /** How many episodes began. */
  get count(): number {
    return this.#count;
  }

  /** From the first to the last shed of the longest episode (ms); 0 for a lone shed. */
  get longestMs(): number {
    return this.#longestMs;
  }
}
