import { NO_FIGURE } from '@concurrency-lab/report-kit';

/**
 * Where the run is. On a terminal: one line rewritten in place (model, scenario, elapsed and
 * remaining time, current req/s). Elsewhere (CI, a pipe): a plain line per step, no escape codes.
 */
export class Progress {
  readonly #tty: boolean;
  readonly #stream: NodeJS.WriteStream;
  readonly #totalSeconds: number;
  readonly #startedAt = Date.now();
  #label = '';

  constructor(stream: NodeJS.WriteStream, totalSeconds: number) {
    this.#stream = stream;
    this.#tty = Boolean(stream.isTTY);
    this.#totalSeconds = totalSeconds;
  }

  step(label: string): void {
    this.#label = label;
    if (this.#tty) this.#render(0);
    else this.#stream.write(`[lab ${this.#clock()}] ${label}\n`);
  }

  /** @param rps the last interval's req/s; null when the driver gives none (k6) */
  tick(rps: number | null): void {
    if (this.#tty) this.#render(rps);
  }

  done(message: string): void {
    if (this.#tty) this.#stream.write('\r\x1b[2K');
    this.#stream.write(`[lab ${this.#clock()}] ${message}\n`);
  }

  #render(rps: number | null): void {
    const elapsed = (Date.now() - this.#startedAt) / 1000;
    const remaining = Math.max(0, this.#totalSeconds - elapsed);
    this.#stream.write(
      `\r\x1b[2K${this.#label} · ${rps === null ? NO_FIGURE : Math.round(rps)} req/s · elapsed ${format(elapsed)} · ~${format(remaining)} left`,
    );
  }

  #clock(): string {
    return format((Date.now() - this.#startedAt) / 1000);
  }
}

function format(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
