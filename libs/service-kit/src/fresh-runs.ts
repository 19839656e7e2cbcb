/**
 * At most one run of a task per key at a time, shared by the callers who ask while it runs —
 * yet never a stale answer: a caller that asks while a run is under way waits for the *next*
 * run, which starts once that one ends and is shared by everyone who asked meanwhile. So each
 * caller's answer comes from a run that started after it asked (a scrape right after a request
 * sees that request counted), and however many callers pile up, at most two runs per key exist:
 * the one under way and the one they wait for.
 *
 * What `/metrics` needs: a burst of scrapes rendered each on its own piled up work on the
 * event loop (and, in a cluster, calls to the primary that timed out behind one another).
 */
export class FreshRuns<K, T> {
  readonly #running = new Map<K, Promise<T>>();
  readonly #next = new Map<K, Promise<T>>();

  /** `task`'s answer, or a sharer's task's, from a run begun now or later: never earlier. */
  run(key: K, task: () => Promise<T>): Promise<T> {
    const next = this.#next.get(key);
    if (next !== undefined) return next;
    const running = this.#running.get(key);
    if (running === undefined) return this.#start(key, task);
    const queued = running.then(
      () => this.#startNext(key, task),
      () => this.#startNext(key, task),
    );
    this.#next.set(key, queued);
    return queued;
  }

  #startNext(key: K, task: () => Promise<T>): Promise<T> {
    this.#next.delete(key);
    return this.#start(key, task);
  }

  #start(key: K, task: () => Promise<T>): Promise<T> {
    let run: Promise<T>;
    try {
      run = task();
    } catch (error) {
      return Promise.reject(error);
    }
    const settled = (): void => {
      if (this.#running.get(key) === tracked) this.#running.delete(key);
    };
    const tracked: Promise<T> = run.finally(settled);
    this.#running.set(key, tracked);
    return tracked;
  }
}
