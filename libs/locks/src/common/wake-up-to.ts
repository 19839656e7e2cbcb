/** A condition's `notify(count)`: wakes waiters, oldest first, until `count` or none is left. */
export function wakeUpTo(count: number, wakeOne: () => boolean): number {
  let woken = 0;
  while (woken < count && wakeOne()) woken++;
  return woken;
}
