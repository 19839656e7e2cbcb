import { inspect } from 'node:util';
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

  it('says what cannot even be inspected by its tag, and what has no tag as unprintable', () => {
    const uninspectable = {
      [inspect.custom]() {
        throw new Error('no inspect');
      },
    };
    // Its tag cannot be read either: Object.prototype.toString throws too.
    const untagged = new Proxy(uninspectable, {
      get: (target, key) => {
        if (key === Symbol.toStringTag) throw new Error('no tag');
        return Reflect.get(target, key) as unknown;
      },
    });
    expect(describeValue(uninspectable)).toBe('[object Object]');
    expect(describeValue(untagged)).toBe('[unprintable value]');
    expect(crossed(uninspectable).message).toBe('non-Error thrown: [object Object]');
    expect(crossed(new Error('x', { cause: untagged })).cause).toBe('[unprintable value]');
  });

  it('says a value on one line, an array of more than six items too', () => {
    const seven = [1, 2, 3, 4, 5, 6, 7];
    expect(describeValue(seven)).toBe('[ 1, 2, 3, 4, 5, 6, 7 ]');
    expect(crossed(seven).message).toBe('non-Error thrown: [ 1, 2, 3, 4, 5, 6, 7 ]');
    // Nested, and with more keys than a line of 80 holds: still one line.
    const wide = { a: seven, b: 'x'.repeat(100), c: { d: [seven, seven] } };
    expect(describeValue(wide)).not.toContain('\n');
  });

  it('keeps the words of a large value short: long strings, long arrays, deep objects cut', () => {
    expect(describeValue({ s: 'x'.repeat(1000) })).toBe(
      `{ s: '${'x'.repeat(200)}'... 800 more characters }`,
    );
    const items = describeValue(Array.from({ length: 100 }, (_, i) => `item ${i}`));
    expect(items).toContain("'item 9'");
    expect(items).not.toContain("'item 10'");
    expect(items).toContain('... 90 more items');
    expect(describeValue({ a: { b: { c: { d: 1 } } } })).toBe('{ a: { b: { c: [Object] } } }');
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

describe('what an error carries across', () => {
  it('keeps a numeric code, a null property as null and a boolean as itself', () => {
    const thrown = Object.assign(new Error('x'), { code: 42, detail: null });
    expect(serializeError(thrown)).toMatchObject({ code: 42, props: { detail: null } });
    // Every primitive JSON takes is a property that travels, a boolean too.
    const flags = Object.assign(new Error('x'), { retryable: false, fatal: true });
    expect(crossed(flags)).toMatchObject({ retryable: false, fatal: true });
    const back = crossed(thrown);
    expect(back).toHaveProperty('code', 42);
    expect(Object.getOwnPropertyDescriptor(back, 'detail')).toMatchObject({
      value: null,
      enumerable: true,
    });
  });

  it('sends a code and a name in their own fields, never again among the props', () => {
    class Jammed extends Error {
      readonly code = 'ERR_JAM';
      constructor() {
        super('jammed');
        this.name = 'Jammed';
      }
    }
    // Both are own enumerable properties of the error: only the fields carry them.
    expect(Object.keys(new Jammed())).toEqual(['code', 'name']);
    const data = serializeError(Object.assign(new Jammed(), { retries: 3 }));
    expect(data).toMatchObject({ name: 'Jammed', code: 'ERR_JAM', props: { retries: 3 } });
    expect(Object.keys(data.props ?? {})).toEqual(['retries']);
  });

  it('cuts a chain below its 4th cause, and nested errors and values at 32 in all', () => {
    // The bounds themselves, not only as the constants say: they keep a failure's answer small.
    expect([MAX_CAUSE_DEPTH, MAX_NESTED_ERRORS]).toEqual([4, 32]);
    let chain = new Error('0');
    for (let i = 1; i <= 7; i++) chain = new Error(String(i), { cause: chain });
    expect(causesBelow(crossed(chain))).toBe(4);
    // Values that are no errors count as much as errors do.
    const values = new AggregateError(
      Array.from({ length: 64 }, (_, i) => `reason ${i}`),
      'wide',
    );
    const back = crossed(values) as AggregateError;
    expect(back.errors).toHaveLength(32);
    expect(back.errors.at(-1)).toBe('reason 31');
  });

  it("counts an AggregateError's errors a level down, as a cause is: cut below the 4th", () => {
    let nested: Error = new Error('leaf');
    for (let i = 1; i <= 7; i++) nested = new AggregateError([nested], `level ${i}`);
    let levels = 0;
    for (let e = crossed(nested); e instanceof AggregateError; levels++) e = e.errors[0] as Error;
    // The thrown one and 4 below it; the 5th below is left out (an empty `errors`).
    expect(levels).toBe(1 + MAX_CAUSE_DEPTH);
  });
});

/** Every error of a rebuilt tree: the error, its causes and its `errors`, each time it is met. */
function errorsIn(error: unknown): Error[] {
  if (!(error instanceof Error)) return [];
  const nested = error instanceof AggregateError ? (error.errors as unknown[]) : [];
  return [error, ...errorsIn(error.cause), ...nested.flatMap(errorsIn)];
}

describe('an error met twice', () => {
  it("travels each time it is met when it is no cycle (Promise.any's [e, e])", async () => {
    const same = new Error('same');
    const rejected = Promise.reject(same);
    const any = await Promise.any([rejected, rejected]).catch((error: unknown) => error);
    expect(crossed(any)).toBeInstanceOf(AggregateError);
    expect((crossed(any) as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      'same',
      'same',
    ]);
    // An item's cause that is also an item: each keeps its place, the second its cause.
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    const [first, second] = (crossed(new AggregateError([a, b, 'x'], 'm')) as AggregateError)
      .errors as [Error, Error, string];
    expect([first.message, second.message, (second.cause as Error).message]).toEqual([
      'a',
      'b',
      'a',
    ]);
    expect((crossed(new AggregateError([a, b, 'x'], 'm')) as AggregateError).errors[2]).toBe('x');
  });

  it('still ends a cycle, and a wide repeat still stops at the count', () => {
    const x1 = new Error('x1');
    const x2 = new Error('x2', { cause: x1 });
    x1.cause = x2;
    const back = crossed(x1);
    expect(errorsIn(back).map((e) => e.message)).toEqual(['x1', 'x2']);
    expect(Object.hasOwn(back.cause as Error, 'cause')).toBe(false);
    // An AggregateError among its own errors: the cycle is left out, its sibling kept.
    const self = new AggregateError([new Error('sibling')], 'self');
    self.errors.unshift(self);
    expect((crossed(self) as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      'sibling',
    ]);
    // The same wide error in every place, four deep: 1 + 8 + 64 + … without the count.
    let wide: Error = new Error('leaf');
    for (let level = 0; level < MAX_CAUSE_DEPTH; level++) {
      wide = new AggregateError(
        Array.from({ length: 8 }, () => wide),
        `level ${level}`,
      );
    }
    expect(errorsIn(crossed(wide))).toHaveLength(1 + MAX_NESTED_ERRORS);
  });
});

describe('untrusted data rebuilt', () => {
  /** Data as a peer may send it: JSON-parsed, so `__proto__` is a key of its own, then cloned. */
  const untrusted = (json: string): SerializedError =>
    structuredClone(JSON.parse(json) as SerializedError);
  const PROPS =
    '"props":{"__proto__":null,"toString":1,"message":"forged","name":"Forged","INDEX_SIZE_ERR":9,"errno":-2}';

  it.each([
    ['Error', '', Error],
    ['TypeError', '', TypeError],
    ['AggregateError', '', AggregateError],
    ['AbortError', ',"base":"DOMException"', DOMException],
  ] as const)('makes %s of its class whatever keys its props hold', (name, base, Class) => {
    const data = untrusted(`{"name":"${name}","message":"m"${base},${PROPS}}`);
    expect(Object.hasOwn(data.props ?? {}, '__proto__')).toBe(true);
    const rebuilt = rebuildError(data);
    expect(Object.getPrototypeOf(rebuilt)).toBe(Class.prototype);
    expect(rebuilt).toBeInstanceOf(Class);
    expect(`${rebuilt}`).toBe(`${name}: m`);
    expect(Object.hasOwn(rebuilt, '__proto__')).toBe(false);
    // The control: a property that hides nothing arrives as the sender's did.
    expect(Object.getOwnPropertyDescriptor(rebuilt, 'errno')).toMatchObject({
      value: -2,
      enumerable: true,
    });
  });

  it('makes an Error of a name that is an inherited key, never throwing', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const rebuilt = rebuildError(untrusted(`{"name":"${name}","message":"m"}`));
      expect(Object.getPrototypeOf(rebuilt)).toBe(Error.prototype);
      expect(rebuilt).toMatchObject({ name, message: 'm' });
    }
  });

  it("gives a DOMException a property named like one of its constants, as the sender's was", () => {
    const data = untrusted(
      '{"name":"AbortError","message":"m","base":"DOMException","props":{"INDEX_SIZE_ERR":9}}',
    );
    const rebuilt = rebuildError(data);
    expect(rebuilt).toBeInstanceOf(DOMException);
    // The prototype's constant is a number, not a method: shadowing it hides nothing.
    expect(DOMException.prototype.INDEX_SIZE_ERR).toBe(1);
    expect(Object.getOwnPropertyDescriptor(rebuilt, 'INDEX_SIZE_ERR')).toMatchObject({
      value: 9,
      enumerable: true,
    });
  });

  it("gives a lookup's class the data's message and fields, never running its constructor", () => {
    // As a library's error with structured fields: its constructor takes those, not a message.
    class TooLarge extends Error {
      readonly width: number;
      constructor(size: { width: number }) {
        super(`a width of ${size.width} is too large`);
        this.width = size.width;
      }
    }
    const data = structuredClone(serializeError(new TooLarge({ width: 9 })));
    const rebuilt = rebuildError(data, () => TooLarge);
    expect(rebuilt).toBeInstanceOf(TooLarge);
    expect(rebuilt).toMatchObject({ message: 'a width of 9 is too large', width: 9 });
  });

  it('keeps the class a lookup gives, and a prototype sent as an object is no prototype', () => {
    class Jammed extends Error {}
    const data = untrusted('{"name":"Jammed","message":"m","props":{"__proto__":{"x":1}}}');
    const rebuilt = rebuildError(data, () => Jammed);
    expect(Object.getPrototypeOf(rebuilt)).toBe(Jammed.prototype);
    expect(rebuilt).not.toHaveProperty('x');
  });
});
