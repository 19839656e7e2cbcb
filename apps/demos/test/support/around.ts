// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function's arguments
type Method = (...args: any[]) => unknown;

/**
 * Spies on the method `name` of `target` (a prototype, an object): each call goes to `wrap`, with
 * the method's own implementation bound to the call's `this` as `original`, so a test can change
 * what goes in or comes out. Restore it with `jest.restoreAllMocks()`.
 */
export function around<T extends object, K extends keyof T>(
  target: T,
  name: K,
  wrap: T[K] extends Method
    ? (this: T, original: T[K], ...args: Parameters<T[K]>) => ReturnType<T[K]>
    : never,
): void {
  const original = target[name] as Method;
  jest.spyOn(target, name as never).mockImplementation(function (this: T, ...args: unknown[]) {
    return (wrap as Method).call(this, original.bind(this), ...args);
  } as never);
}
