import fc from 'fast-check';
import { fib, InvalidArgumentError } from '../src/index';

describe('fib', () => {
  it.each([
    [0, 0],
    [1, 1],
    [2, 1],
    [10, 55],
    [20, 6765],
    [30, 832040],
  ])('returns fib(%i) = %i', (n, expected) => {
    expect(fib(n)).toBe(expected);
  });

  it('satisfies the recurrence fib(n) = fib(n - 1) + fib(n - 2)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 22 }), (n) => fib(n) === fib(n - 1) + fib(n - 2)),
    );
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects %p with ERR_INVALID_ARGUMENT instead of recursing on garbage',
    (n) => {
      expect(() => fib(n)).toThrow(InvalidArgumentError);
      expect(() => fib(n)).toThrow(
        expect.objectContaining({ code: 'ERR_WORKLOAD_INVALID_ARGUMENT' }),
      );
    },
  );
});
