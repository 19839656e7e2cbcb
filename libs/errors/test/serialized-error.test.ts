import {
  describeValue,
  MAX_CAUSE_DEPTH,
  MAX_NESTED_ERRORS,
  rebuildError,
  serializeError,
  type SerializedError,
} from '../src';

/** Across a real boundary: what a worker's message does to the value. */
const crossed = (error: unknown): Error => rebuildError(structuredClone(serializeError(error)));

/** How many causes follow the error, one below the other. */
function causesBelow(error: unknown): number {
  let depth = 0;
  for (let e = (error as Error).cause; e instanceof Error; e = e.cause) depth++;
  return depth;
}

const unprintable = {
  toString() {
    throw new Error('no words');
  },
};

describe('an error as data', () => {
  it('keeps a cause that is no error as itself when primitive, else as words', () => {
    expect(crossed(new Error('a', { cause: 42n })).cause).toBe(42n);
    expect(crossed(new Error('a', { cause: undefined }))).toHaveProperty('cause', undefined);
    expect(crossed(new Error('b', { cause: { retry: true } })).cause).toBe('{ retry: true }');
    expect(crossed(new Error('c')).cause).toBeUndefined();
  });

  it('follows causes to a depth, and nested errors to a count', () => {
    let chain = new Error('0');
    for (let i = 1; i <= MAX_CAUSE_DEPTH + 3; i++) chain = new Error(String(i), { cause: chain });
    expect(causesBelow(crossed(chain))).toBe(MAX_CAUSE_DEPTH);
    const wide = new AggregateError(
      Array.from({ length: MAX_NESTED_ERRORS * 2 }, (_, i) => new Error(String(i))),
      'wide',
    );
    expect((crossed(wide) as AggregateError).errors).toHaveLength(MAX_NESTED_ERRORS);
  });

  it('never throws for what has no string form, thrown or as a cause', () => {
    const nullProto = Object.create(null) as object;
    for (const value of [nullProto, unprintable, Symbol('s')]) {
      expect(crossed(value).message).toMatch(/^non-Error thrown: /);
      expect(typeof crossed(new Error('x', { cause: value })).cause).toBe('string');
      expect(typeof describeValue(value)).toBe('string');
    }
  });

  it("rebuilds as the class a lookup gives, a code's own, and others by their name", () => {
    class Jammed extends Error {}
    const own = (serialized: SerializedError) =>
      serialized.code === 'ERR_JAM' ? Jammed : undefined;
    const data = structuredClone(
      serializeError(
        new TypeError('t', { cause: Object.assign(new Error('j'), { code: 'ERR_JAM' }) }),
      ),
    );
    const rebuilt = rebuildError(data, own);
    expect(rebuilt).toBeInstanceOf(TypeError);
    expect(rebuilt.cause).toBeInstanceOf(Jammed);
  });
});
