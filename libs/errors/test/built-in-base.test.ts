import { rebuildError, serializeError, type SerializedError } from '../src';

/** Across a real boundary: the data a worker sends, as structured clone copies it. */
const crossed = (thrown: unknown): Error => rebuildError(structuredClone(serializeError(thrown)));

/** `class <name> extends <Base>`, as a library writes one, its name on the prototype. */
function subclass<B extends abstract new (...args: never[]) => Error>(Base: B, name: string): B {
  const Sub = class extends (Base as unknown as new (...args: unknown[]) => Error) {};
  Object.defineProperty(Sub, 'name', { value: name });
  Object.defineProperty(Sub.prototype, 'name', { value: name, writable: true, configurable: true });
  return Sub as unknown as B;
}

describe('a DOMException as data and back', () => {
  it('is a DOMException again, with its name, message, legacy code and stack', () => {
    const thrown = new DOMException('stop', 'AbortError');
    const back = crossed(thrown);
    expect(back instanceof DOMException && back.name === 'AbortError').toBe(true);
    expect(back).toMatchObject({ message: 'stop', code: DOMException.ABORT_ERR });
    expect(back.stack).toBe(thrown.stack);
    // The code follows from the name (the prototype's getter), not an own copy of it.
    expect(Object.hasOwn(back, 'code')).toBe(false);
    // What `AbortSignal.abort()` gives a task as its reason, as the web platform makes it.
    expect(crossed(AbortSignal.abort().reason)).toBeInstanceOf(DOMException);
  });

  it("keeps a DOMException's own code, its properties and its cause", () => {
    const coded = Object.defineProperty(new DOMException('no', 'AbortError'), 'code', {
      value: 'E_OWN',
      enumerable: true,
    });
    expect(crossed(coded)).toMatchObject({ name: 'AbortError', code: 'E_OWN' });
    expect(crossed(coded)).toBeInstanceOf(DOMException);
    const caused = Object.assign(
      new DOMException('gone', { name: 'NotFoundError', cause: new RangeError('why') }),
      { detail: 'kept' },
    );
    const back = crossed(caused);
    expect(back).toBeInstanceOf(DOMException);
    expect(back).toMatchObject({ name: 'NotFoundError', code: 8, detail: 'kept' });
    expect(back.cause).toBeInstanceOf(RangeError);
    expect(Object.getOwnPropertyDescriptor(back, 'cause')).toMatchObject({ enumerable: false });
  });

  it('a thrown DataCloneError (structuredClone refusing a function) is one again', () => {
    let thrown: unknown;
    try {
      structuredClone(() => undefined);
    } catch (error) {
      thrown = error;
    }
    const back = crossed(thrown);
    expect(back).toBeInstanceOf(DOMException);
    expect(back).toMatchObject({ name: 'DataCloneError', code: DOMException.DATA_CLONE_ERR });
  });

  it('negative control: an Error merely named AbortError stays a plain Error', () => {
    const lookalike = Object.assign(new Error('just an Error'), { name: 'AbortError' });
    const back = crossed(lookalike);
    expect(back).not.toBeInstanceOf(DOMException);
    expect(Object.getPrototypeOf(back)).toBe(Error.prototype);
    expect(back).toMatchObject({ name: 'AbortError', message: 'just an Error' });
    expect(serializeError(lookalike)).not.toHaveProperty('base');
  });
});

describe('a subclass of a built-in error as data and back', () => {
  it.each(
    [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError].map((Base) => ({
      base: Base.name,
      Base,
    })),
  )(
    'a subclass of $base comes back as one, keeping its name, code and properties',
    ({ base, Base }) => {
      const Sub = subclass(Base, `My${base}`);
      const thrown = Object.assign(new Sub('bad'), { code: 'E_SUB', detail: 'kept' });
      const back = crossed(thrown);
      expect(back).toBeInstanceOf(Base);
      expect(back).toMatchObject({ name: `My${base}`, message: 'bad', code: 'E_SUB' });
      expect(back).toMatchObject({ detail: 'kept' });
      expect(back.stack).toBe(thrown.stack);
    },
  );

  it('a subclass of AggregateError comes back as one, with its errors', () => {
    const BatchError = subclass(AggregateError, 'BatchError');
    const back = crossed(new BatchError([new RangeError('first'), 'second'], 'batch'));
    expect(back).toBeInstanceOf(AggregateError);
    expect(back).toMatchObject({ name: 'BatchError', message: 'batch' });
    expect((back as AggregateError).errors).toEqual([expect.any(RangeError), 'second']);
  });

  it('a subclass two levels down comes back as its nearest built-in', () => {
    const TooDeep = subclass(subclass(RangeError, 'TooDeepBase'), 'TooDeep');
    const back = crossed(new TooDeep('deep'));
    expect(back).toBeInstanceOf(RangeError);
    expect(back).toMatchObject({ name: 'TooDeep', message: 'deep' });
  });

  it('a built-in renamed comes back as its class, keeping the name', () => {
    const renamed = Object.assign(new RangeError('far'), { name: 'TypeError' });
    const back = crossed(renamed);
    expect(back).toBeInstanceOf(RangeError);
    expect(back).not.toBeInstanceOf(TypeError);
    expect(back.name).toBe('TypeError');
  });

  it("negative control: a subclass of Error stays one, a built-in's data gains nothing", () => {
    const back = crossed(new (subclass(Error, 'AppError'))('x'));
    expect(Object.getPrototypeOf(back)).toBe(Error.prototype);
    expect(back.name).toBe('AppError');
    expect(serializeError(new TypeError('plain'))).not.toHaveProperty('base');
    expect(serializeError(new AggregateError([], 'plain'))).not.toHaveProperty('base');
    expect(serializeError(new (subclass(Error, 'AppError'))('x'))).not.toHaveProperty('base');
    expect(serializeError(new (subclass(TypeError, 'ParseError'))('x'))).toMatchObject({
      base: 'TypeError',
    });
  });
});

describe('built-in classes below the thrown error', () => {
  it("keeps DOMExceptions and subclasses as a cause and among an AggregateError's errors", () => {
    const cause = new DOMException('gave up', 'AbortError');
    const ParseError = subclass(SyntaxError, 'ParseError');
    const thrown = new AggregateError(
      [new DOMException('too slow', 'TimeoutError'), new ParseError('bad token')],
      'all failed',
      { cause: new (subclass(URIError, 'BadLink'))('no scheme', { cause }) },
    );
    const back = crossed(thrown) as AggregateError;
    expect(back.cause).toBeInstanceOf(URIError);
    expect(back.cause).toMatchObject({ name: 'BadLink', message: 'no scheme' });
    const causeOfCause = (back.cause as Error).cause;
    expect(causeOfCause).toBeInstanceOf(DOMException);
    expect(causeOfCause).toMatchObject({ name: 'AbortError', message: 'gave up' });
    expect(back.errors).toEqual([expect.any(DOMException), expect.any(SyntaxError)]);
    expect(back.errors[0]).toMatchObject({ name: 'TimeoutError', message: 'too slow' });
    expect(back.errors[1]).toMatchObject({ name: 'ParseError', message: 'bad token' });
  });

  it('pairs each error with its class when an item is skipped as already sent (a cycle)', () => {
    const ParseError = subclass(TypeError, 'ParseError');
    const aggregate = new AggregateError([], 'loop');
    aggregate.errors = [aggregate, new ParseError('bad'), new RangeError('far')];
    const back = crossed(aggregate) as AggregateError;
    expect(back.errors).toHaveLength(2);
    expect(back.errors[0]).toBeInstanceOf(TypeError);
    expect(back.errors[0]).toMatchObject({ name: 'ParseError', message: 'bad' });
    expect(back.errors[1]).toBeInstanceOf(RangeError);
  });

  it('an own class from the lookup wins over the built-in one', () => {
    class Jammed extends Error {}
    const thrown = Object.assign(new DOMException('j', 'AbortError'), { code2: 'ERR_JAM' });
    const data = structuredClone(serializeError(thrown));
    const back = rebuildError(data, (s) => (s.props?.['code2'] === 'ERR_JAM' ? Jammed : undefined));
    expect(back).toBeInstanceOf(Jammed);
    expect(back).not.toBeInstanceOf(DOMException);
    expect(back.name).toBe('AbortError');
  });
});

describe("data without the built-in's field (an older sender), or a field it does not know", () => {
  it('revives by the name alone, as before', () => {
    const old = (data: SerializedError) => rebuildError(structuredClone(data));
    const abort = old({ name: 'AbortError', message: 'stop', code: 20 });
    expect(abort).not.toBeInstanceOf(DOMException);
    expect(Object.getPrototypeOf(abort)).toBe(Error.prototype);
    expect(abort).toMatchObject({ name: 'AbortError', message: 'stop', code: 20 });
    expect(old({ name: 'TypeError', message: 't' })).toBeInstanceOf(TypeError);
    const parse = old({ name: 'ParseError', message: 'p' });
    expect(Object.getPrototypeOf(parse)).toBe(Error.prototype);
    expect(old({ name: 'AggregateError', message: 'a', errors: [{ value: 1 }] })).toMatchObject({
      errors: [1],
    });
  });

  it('ignores a base it does not know (a newer sender), never an inherited key', () => {
    for (const base of ['NotABuiltIn', 'constructor', '__proto__', 'toString']) {
      const data = (name: string) => ({ name, message: 'm', base }) as unknown as SerializedError;
      const back = rebuildError(data('X'));
      expect(Object.getPrototypeOf(back)).toBe(Error.prototype);
      expect(back).toMatchObject({ name: 'X', message: 'm' });
      // The name decides then, as it did before the field.
      expect(rebuildError(data('TypeError'))).toBeInstanceOf(TypeError);
    }
  });

  it('a value that is no error, and an unreadable error, travel as before', () => {
    expect(crossed(42)).toMatchObject({ name: 'Error', message: 'non-Error thrown: 42' });
    const unreadable = new (subclass(TypeError, 'Unreadable'))('x');
    Object.defineProperty(unreadable, 'name', {
      get() {
        throw new Error('no name');
      },
    });
    expect(crossed(unreadable)).toMatchObject({ name: 'Error' });
    expect(crossed(unreadable)).not.toBeInstanceOf(TypeError);
  });
});
