/**
 * The one way every project declares the errors it throws on purpose (undici's and fastify's
 * habit): a class per code, the code on the class and on each instance, the class's name as the
 * error's `name`, a default message — and a catalog of every code with what it means, from which
 * docs/errors.md is generated and a workspace test checks that no two projects share a code.
 *
 *   export const ERROR_NAMESPACE = 'ERR_LAB_';
 *   export class UsageError extends coded('ERR_LAB_USAGE', 'Invalid command-line usage') {}
 *   export const ERROR_CATALOG = catalog([UsageError, 'An option of `lab` is out of its domain.']);
 *
 * Callers branch on `code`, never on the message.
 */

/** A row of a project's `ERROR_CATALOG` (docs/errors.md). */
export interface CatalogEntry {
  readonly code: string;
  /** The class that carries it (`ProblemError` for the HTTP problems). */
  readonly className: string;
  readonly meaning: string;
  /** HTTP status, for the contract's problem codes. */
  readonly status?: number;
  /** A code the contract fixes (docs/contract.md): exempt from the project's namespace. */
  readonly contract?: boolean;
  /**
   * `value`: the code travels in an answer's body, carried by no class of its own; `className`
   * then names the type that holds it. @default 'class'
   */
  readonly carrier?: 'class' | 'value';
}

/** An error class made by {@link coded}: its code is on the class and on every instance. */
export interface CodedErrorClass<C extends string = string> {
  readonly code: C;
  readonly name: string;
  new (message?: string, options?: ErrorOptions): Error & { readonly code: C };
}

/**
 * An entry of a library's list of its error classes (`LOCK_ERRORS`, `EXECUTOR_ERRORS`, …): a
 * class whose instances are `Base`s carrying a `Code`, whatever its constructor takes — the
 * classes with structured fields take those fields, not a message, so the list cannot ask for
 * {@link CodedErrorClass}'s constructor.
 */
export interface ErrorClassOf<Base extends Error = Error, Code extends string = string> {
  readonly code: Code;
  readonly name: string;
  readonly prototype: Base & { readonly code: Code };
}

/** A constructor of errors a coded class may extend (a library's own base, for `instanceof`). */
export type ErrorBase = new (message?: string, options?: ErrorOptions) => Error;

/**
 * The base class of a coded error: `class X extends coded('ERR_LIB_WHAT', 'default message') {}`.
 * The instance's `name` is the subclass's own name (`X`), so a stack trace and a log line say
 * which error it is; a subclass may add fields and its own constructor. `base` lets a library
 * keep one class of its own above all its errors (`error instanceof ExecutorError`).
 */
export function coded<const C extends string>(
  code: C,
  defaultMessage: string,
  base: ErrorBase = Error,
): CodedErrorClass<C> {
  return class CodedError extends base {
    static readonly code: C = code;
    readonly code: C = code;

    constructor(message: string = defaultMessage, options?: ErrorOptions) {
      super(message, options);
      this.name = new.target.name;
    }
  };
}

/**
 * A project's catalog from `[class, meaning]` pairs: each row's code and class come from the class.
 */
export function catalog(
  ...rows: readonly (readonly [{ readonly code: string; readonly name: string }, string])[]
): readonly CatalogEntry[] {
  return rows.map(([cls, meaning]) => ({ code: cls.code, className: cls.name, meaning }));
}

/**
 * A library's error classes with what each means, written once: `classes` in the rows' order
 * (its `EXECUTOR_ERRORS`, `WORKLOAD_ERRORS`, … list, e.g. to map codes to statuses exhaustively)
 * and `catalog`, its `ERROR_CATALOG`. A library keeping both lists by hand wrote every class twice.
 */
export function registry<C extends { readonly code: string; readonly name: string }>(
  ...rows: readonly (readonly [C, string])[]
): { readonly classes: readonly C[]; readonly catalog: readonly CatalogEntry[] } {
  return { classes: rows.map(([errorClass]) => errorClass), catalog: catalog(...rows) };
}

/**
 * The test behind a library's `isLockError(error, code?)`-style guard: true for an Error whose
 * `code` is one of `codes` (and is `code`, when given). An Error by its `Object.prototype.toString`
 * tag, not `instanceof`, so it holds for an error of another realm of this thread (a `vm`
 * context, jest's sandbox) and for a worker's uncaught error as the Worker's `'error'` event hands
 * it over (Node rebuilds it on Error.prototype with its own properties, `code` included; it is no
 * native error, so `Error.isError` and `util.types.isNativeError` refuse it). A plain object
 * carrying such a code is not an Error: false (unless it claims the tag itself, with a
 * `Symbol.toStringTag` of 'Error': the tag is what is tested).
 *
 * Not an error posted to another thread (`postMessage`, `structuredClone`): the clone keeps
 * `message`, `stack`, `cause` and only a built-in class, and drops own properties, `code`
 * included, so this is false for it. To tell a code across threads, send {@link serializeError}'s
 * value (or `{ code, message }`) and compare `code`.
 */
export function hasCodeOf(error: unknown, codes: ReadonlySet<string>, code?: string): boolean {
  if (Object.prototype.toString.call(error) !== '[object Error]') return false;
  const found = (error as { code?: unknown }).code;
  if (typeof found !== 'string' || !codes.has(found)) return false;
  return code === undefined || found === code;
}

export * from './serialized-error';
