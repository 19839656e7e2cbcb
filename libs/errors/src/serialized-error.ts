/**
 * An error as plain data, to cross a thread or process boundary and become a real error again
 * on the other side (the executors' pools, the services' thread pool).
 *
 * Structured clone — a worker thread's messages, and a child's IPC with `serialization:
 * 'advanced'` (v8.serialize) — keeps an Error's message, stack and `cause` (Node 24), and the
 * class of the built-in TypeError, RangeError, SyntaxError, ReferenceError, EvalError and
 * URIError. It drops `code` and every other own property, turns any other class (a subclass,
 * an AggregateError) into plain Error, a custom `name` into 'Error', and loses an
 * AggregateError's `errors`. A worker therefore sends {@link serializeError}'s value, and the
 * caller's side makes an error of it with {@link rebuildError}.
 *
 * The class comes back from the name, which says it for a built-in, but not for two kinds: a
 * subclass of one (`class ParseError extends TypeError`, named 'ParseError') and a DOMException
 * (`AbortError`, `TimeoutError`, `DataCloneError` are names of one class). For those the data
 * also carries `base`, the nearest built-in class on the error's prototype chain, and the
 * caller's side builds that class: `instanceof TypeError` holds for the ParseError, and the
 * web-platform idiom `err instanceof DOMException && err.name === 'AbortError'` for an abort.
 */
import { inspect, types } from 'node:util';

/** A value that crosses as it is (structured clone copies it exactly). */
export type CrossingPrimitive = string | number | boolean | bigint | null | undefined;

/**
 * A `cause`, or an item of an AggregateError's `errors`: an error, or any other value — as
 * itself when it is a primitive, else as its string form.
 */
export type SerializedReason =
  { readonly error: SerializedError } | { readonly value: CrossingPrimitive };

/**
 * The built-in classes an error may come back as by its `base`, besides the ones its name says.
 * Error is none of them: its subclasses come back as an Error keeping their name.
 */
export type BuiltInErrorBase =
  | 'DOMException'
  | 'AggregateError'
  | 'TypeError'
  | 'RangeError'
  | 'SyntaxError'
  | 'ReferenceError'
  | 'EvalError'
  | 'URIError';

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  /**
   * The nearest built-in class on the error's prototype chain, when its `name` does not say it
   * (a DOMException, a subclass of TypeError, …): what {@link rebuildError} builds. Absent from
   * an older sender's data, and ignored when unknown (a newer one's): the name decides then.
   */
  readonly base?: BuiltInErrorBase;
  readonly stack?: string;
  readonly code?: string | number;
  /** Other own primitive properties (errno, syscall, path, ...). */
  readonly props?: Readonly<Record<string, string | number | boolean | null>>;
  readonly cause?: SerializedReason;
  /** An AggregateError's `errors`, cut short past {@link MAX_NESTED_ERRORS}. */
  readonly errors?: readonly SerializedReason[];
}

/** How deep a chain of causes (and errors of an AggregateError) is followed; deeper is cut. */
export const MAX_CAUSE_DEPTH = 4;

/**
 * How many causes and `errors` items below the thrown error travel in all: a wide AggregateError
 * is cut short, so a failure's answer stays small.
 */
export const MAX_NESTED_ERRORS = 32;

/** A class `rebuildError` gives an error instead of the one its name says (a library's own). */
export type ErrorClassLookup = (
  serialized: SerializedError,
) => { readonly prototype: Error } | undefined;

/** The errors structured clone would not keep whole: their data, never a throw. */
export function serializeError(thrown: unknown): SerializedError {
  return serializeAt(thrown, { path: new Set(), left: MAX_NESTED_ERRORS }, 0);
}

/**
 * Where one serialization is: the errors from the thrown one down to the current one (one met
 * again among them is a cycle, which ends there), and how many more may follow. An error met
 * again elsewhere — twice in an AggregateError's `errors`, as `Promise.any([p, p])` rejects, or
 * one item's cause and another item — is no cycle, and travels each time; the depth and the
 * count keep such an answer small.
 */
interface Walk {
  readonly path: Set<object>;
  left: number;
}

function serializeAt(thrown: unknown, walk: Walk, depth: number): SerializedError {
  if (!isError(thrown)) {
    return { name: 'Error', message: `non-Error thrown: ${describeValue(thrown)}` };
  }
  walk.path.add(thrown);
  try {
    const { name, message, stack } = thrown;
    const base = baseOf(thrown);
    const code = (thrown as { code?: unknown }).code;
    let props: Record<string, string | number | boolean | null> | undefined;
    for (const [key, value] of Object.entries(thrown)) {
      if (SPECIAL_KEYS.has(key)) continue;
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
        (props ??= {})[key] = value as string | number | boolean | null;
      }
    }
    const cause = Object.hasOwn(thrown, 'cause')
      ? serializeReason(thrown.cause, walk, depth + 1)
      : undefined;
    const errors =
      thrown instanceof AggregateError && Array.isArray(thrown.errors)
        ? serializeErrors(thrown.errors as unknown[], walk, depth + 1)
        : undefined;
    return {
      name: String(name),
      message: String(message),
      ...(base !== undefined && base !== String(name) ? { base } : {}),
      ...(typeof stack === 'string' ? { stack } : {}),
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      ...(props ? { props } : {}),
      ...(cause ? { cause } : {}),
      ...(errors ? { errors } : {}),
    };
  } catch {
    // A getter that throws, a name whose toString throws: what is left is its string form.
    return { name: 'Error', message: `unreadable error: ${describeValue(thrown)}` };
  } finally {
    walk.path.delete(thrown);
  }
}

const SPECIAL_KEYS = new Set(['code', 'name', 'message', 'stack', 'cause', 'errors']);

/** The built-in errors a name rebuilds by their constructor (AggregateError takes its errors). */
const BUILT_IN = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
} as const satisfies Readonly<Record<string, ErrorConstructor>>;

/**
 * The classes a `base` names: those, Error aside (its subclasses stay Errors), and two more.
 * DOMException is built by its own constructor (see below).
 */
const { Error: _error, ...BUILT_IN_BELOW_ERROR } = BUILT_IN;
const BASES: Readonly<Record<BuiltInErrorBase, { readonly prototype: Error }>> = {
  DOMException,
  AggregateError,
  ...BUILT_IN_BELOW_ERROR,
};

const BASE_BY_PROTOTYPE: ReadonlyMap<object, BuiltInErrorBase> = new Map(
  Object.entries(BASES).map(([base, { prototype }]) => [prototype, base as BuiltInErrorBase]),
);

/**
 * The nearest built-in class of `error` below Error, if any. By identity of this realm's
 * prototypes: an error of another realm (a vm context) finds none, and its name decides.
 */
function baseOf(error: Error): BuiltInErrorBase | undefined {
  for (
    let prototype: unknown = Object.getPrototypeOf(error);
    prototype !== null && prototype !== Error.prototype;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    const base = BASE_BY_PROTOTYPE.get(prototype as object);
    if (base !== undefined) return base;
  }
  return undefined;
}

function serializeErrors(errors: readonly unknown[], walk: Walk, depth: number) {
  const serialized: SerializedReason[] = [];
  for (const item of errors) {
    const reason = serializeReason(item, walk, depth);
    if (reason) serialized.push(reason);
    if (walk.left <= 0) break;
  }
  return serialized;
}

/** Undefined past the depth or the count, and for an error the walk is inside of (a cycle). */
function serializeReason(value: unknown, walk: Walk, depth: number): SerializedReason | undefined {
  if (depth > MAX_CAUSE_DEPTH || walk.left <= 0) return undefined;
  if (!isError(value)) {
    walk.left--;
    return { value: isPrimitive(value) ? value : describeValue(value) };
  }
  if (walk.path.has(value)) return undefined;
  walk.left--;
  return { error: serializeAt(value, walk, depth) };
}

/** Realm-proof: an error made in a vm context or jest's sandbox fails `instanceof Error`. */
function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

function isPrimitive(value: unknown): value is CrossingPrimitive {
  return (
    value === null ||
    (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')
  );
}

/**
 * A value as words, for a message or a log line; never throws. `String(value)` would, for
 * `Object.create(null)` or an object whose `toString` throws.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return inspect(value, {
      depth: 2,
      maxArrayLength: 10,
      maxStringLength: 200,
      // One line, whatever the value: `breakLength` alone still groups an array of more than six
      // items over several lines (inspect's default `compact: 3`).
      breakLength: Infinity,
      compact: true,
    });
  } catch {
    // A custom inspect, or a proxy, that throws.
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return '[unprintable value]';
    }
  }
}

/**
 * The error a {@link SerializedError} describes: the class `own` gives it, or its built-in
 * `base` (a real DOMException, or the built-in a subclass extends), or the built-in its name
 * says (`instanceof TypeError`, an AggregateError with its `errors`), or an Error; keeping the
 * name, with its `code`, other properties, the stack of where it was thrown, and its `cause` and
 * `errors` rebuilt the same way, non-enumerable as `new Error(message, { cause })` makes them.
 */
export function rebuildError(serialized: SerializedError, own?: ErrorClassLookup): Error {
  const OwnClass = own?.(serialized);
  const { name, message, base } = serialized;
  // Only a base this side knows, and never an inherited key ('constructor'): data is untrusted.
  const kind = base !== undefined && Object.hasOwn(BASES, base) ? base : name;
  if (!OwnClass && kind === 'DOMException') {
    return withNested(rebuildDomException(serialized), serialized, own);
  }
  // An own class is given its prototype without running its constructor (some take fields,
  // not a message): the fields arrive with the other properties below.
  const error = (
    OwnClass
      ? Reflect.construct(Error, [message], OwnClass as unknown as new () => Error)
      : kind === 'AggregateError'
        ? new AggregateError([], message)
        : new (Object.hasOwn(BUILT_IN, kind) ? BUILT_IN[kind as keyof typeof BUILT_IN] : Error)(
            message,
          )
  ) as Error & Record<string, unknown>;
  if (error.name !== name) {
    Object.defineProperty(error, 'name', { value: name, configurable: true, writable: true });
  }
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  if (serialized.props) defineProps(error, serialized.props);
  if (serialized.code !== undefined) error['code'] = serialized.code;
  return withNested(error, serialized, own);
}

/**
 * A real DOMException: the class keeps its name and message in internal slots, so it is built by
 * its constructor (an Error given its prototype would throw on `.name`). Its legacy numeric
 * `code` follows from the name; only a code of its own (one that differs) is set on it.
 */
function rebuildDomException(serialized: SerializedError): DOMException {
  const error = new DOMException(serialized.message, serialized.name);
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  if (serialized.props) defineProps(error, serialized.props);
  if (serialized.code !== undefined && serialized.code !== error.code) {
    // Defined, not assigned: the prototype's `code` is a getter without a setter.
    Object.defineProperty(error, 'code', {
      value: serialized.code,
      writable: true,
      configurable: true,
      enumerable: true,
    });
  }
  return error;
}

/**
 * The data's other properties, each made an own property of `error` (enumerable, writable), as
 * the sender's were. Defined, not assigned: data is untrusted, and an assignment runs a setter —
 * `__proto__`'s would replace the error's prototype (no `instanceof Error` then, and `${error}`
 * throws), a getter-only accessor's (DOMException's `name`) would throw. Skipped, as no
 * serialized error carries them: `__proto__` itself (an own key of that name would do the same
 * harm to whoever copies the error with Object.assign), the keys the data holds in fields of their
 * own (`code`, `name`, `message`, `stack`, `cause`, `errors`: set from those), and a key that
 * would hide a method the error inherits (a `toString` of 1 makes `${error}` throw).
 */
function defineProps(error: Error, props: NonNullable<SerializedError['props']>): void {
  for (const [key, value] of Object.entries(props)) {
    if (key === '__proto__' || SPECIAL_KEYS.has(key) || inheritsMethod(error, key)) continue;
    Object.defineProperty(error, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
}

/** Whether `object` inherits a function as `key`: read by descriptor, running no getter. */
function inheritsMethod(object: object, key: string): boolean {
  for (
    let prototype: object | null = Object.getPrototypeOf(object) as object | null;
    prototype !== null;
    prototype = Object.getPrototypeOf(prototype) as object | null
  ) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    if (descriptor) return typeof descriptor.value === 'function';
  }
  return false;
}

/** `error` with its `cause` and `errors` rebuilt from `serialized`'s. */
function withNested(error: Error, serialized: SerializedError, own?: ErrorClassLookup): Error {
  if (serialized.cause) hide(error, 'cause', rebuildReason(serialized.cause, own));
  if (serialized.errors) {
    hide(
      error,
      'errors',
      serialized.errors.map((reason) => rebuildReason(reason, own)),
    );
  }
  return error;
}

function rebuildReason(reason: SerializedReason, own: ErrorClassLookup | undefined): unknown {
  return 'error' in reason ? rebuildError(reason.error, own) : reason.value;
}

/** As the language installs `cause` and `errors`: own, writable, configurable, not enumerable. */
function hide(error: Error, key: string, value: unknown): void {
  Object.defineProperty(error, key, {
    value,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
