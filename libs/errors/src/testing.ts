import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import type { CatalogEntry } from './index';

/** A project's error module as {@link describeErrorCatalog} checks it. */
export interface ErrorModule {
  /** Its `ERROR_NAMESPACE` (`'ERR_LOCK_'`): every code not fixed by the contract starts with it. */
  readonly namespace: string;
  /** Its `ERROR_CATALOG`. */
  readonly catalog: readonly CatalogEntry[];
  /** What the project exports: each class row's `className` must name a class found here. */
  readonly exports: object;
  /** The project's own base class, which every error must be an instance of. @default Error */
  readonly base?: abstract new (...args: never[]) => Error;
  /**
   * The project's list of its classes (`LOCK_ERRORS`, `EXECUTOR_ERRORS`, …), when it keeps one:
   * it must hold exactly the catalog's classes. @default none
   */
  readonly classes?: readonly unknown[];
  /**
   * How to build the classes whose constructor takes fields instead of a message, by class
   * name. Every other class is built with no argument (its message must then be non-empty) and
   * with a message and a cause (both must be kept). @default none
   */
  readonly examples?: Readonly<Record<string, () => Error>>;
  /**
   * True when a class built without a message says its catalog `meaning` (locks make the
   * meaning the default message). @default false
   */
  readonly meaningIsDefaultMessage?: boolean;
  /**
   * The project's `isLockError(error, code?)`-style guard (a {@link hasCodeOf} of its codes),
   * when it has one: it must accept each of its errors, by its code, and refuse what only looks
   * like one. @default none
   */
  readonly guard?: ErrorGuard;
}

/** A project's guard as {@link guardProblems} checks it. */
export interface ErrorGuard {
  /** The guard (`isLockError`); a method, so that one taking only the project's codes fits. */
  is(this: void, error: unknown, code?: string): boolean;
  /**
   * Codes it must refuse on a real Error though they look like its own: another library's code
   * for the same kind of error (`ERR_QUEUE_INVALID_ARGUMENT` for locks), an old unprefixed one.
   */
  readonly foreignCodes: readonly string[];
}

type CodedInstance = Error & { readonly code?: unknown };
type CodedClass = (new (message?: string, options?: ErrorOptions) => CodedInstance) & {
  readonly code?: unknown;
};

/**
 * What is wrong with an error module, one sentence a problem (empty when nothing is): codes
 * unique and namespaced, each with a meaning; class names unique; each class row exported under
 * its `className` with its code on the class and on every instance, the class's name as the
 * error's `name`, a message, a cause kept; the class list and the examples naming only catalog
 * classes.
 */
export function errorCatalogProblems(module: ErrorModule): string[] {
  const { namespace, catalog, base = Error, examples = {} } = module;
  const problems: string[] = [];
  if (catalog.length === 0) problems.push('the catalog is empty');

  const seenCodes = new Set<string>();
  for (const { code, meaning, contract } of catalog) {
    if (seenCodes.has(code)) problems.push(`${code} is listed twice`);
    seenCodes.add(code);
    if (!contract && !new RegExp(`^${namespace}[A-Z0-9_]+$`).test(code)) {
      problems.push(`${code} is outside ${namespace}`);
    }
    if (meaning.length === 0) problems.push(`${code} has no meaning`);
  }

  const classRows = catalog.filter((entry) => (entry.carrier ?? 'class') === 'class');
  const names = classRows.map((entry) => entry.className);
  for (const name of new Set(names.filter((name, i) => names.indexOf(name) !== i))) {
    problems.push(`${name} names two codes`);
  }
  for (const name of Object.keys(examples).filter((name) => !names.includes(name))) {
    problems.push(`an example builds ${name}, which the catalog does not list`);
  }

  const exported = new Map<string, CodedClass>();
  for (const entry of classRows) {
    const found = (module.exports as Record<string, unknown>)[entry.className];
    if (typeof found !== 'function') {
      problems.push(`${entry.className} is not exported`);
      continue;
    }
    exported.set(entry.className, found as CodedClass);
    problems.push(...classProblems(entry, found as CodedClass, module, base));
  }

  if (module.classes) {
    const listed = new Set(module.classes);
    for (const [name, errorClass] of exported) {
      if (!listed.has(errorClass)) problems.push(`${name} is missing from the class list`);
    }
    const catalogued = new Set<unknown>(exported.values());
    for (const errorClass of listed) {
      if (!catalogued.has(errorClass)) {
        problems.push(`${(errorClass as { name?: string }).name} is listed but not catalogued`);
      }
    }
  }
  return problems;
}

/** The problems of one class row whose class was found. */
function classProblems(
  entry: CatalogEntry,
  errorClass: CodedClass,
  module: ErrorModule,
  base: abstract new (...args: never[]) => Error,
): string[] {
  const { className, code } = entry;
  const problems: string[] = [];
  if (errorClass.code !== code) {
    problems.push(`${className}.code is ${String(errorClass.code)}, the catalog says ${code}`);
  }
  const build = module.examples?.[className];
  const error: CodedInstance = build ? build() : new errorClass();
  if (!(error instanceof errorClass) || !(error instanceof base)) {
    problems.push(`a ${className} is not an instance of its class and of ${base.name}`);
  }
  if (error.code !== code) problems.push(`a ${className} carries ${String(error.code)}`);
  if (error.name !== className) problems.push(`a ${className} is named ${error.name}`);
  if (error.message.length === 0) problems.push(`a ${className} has no message`);
  if (!build) {
    if (module.meaningIsDefaultMessage && error.message !== entry.meaning) {
      problems.push(`a ${className} built without a message does not say its meaning`);
    }
    const cause = new Error('root');
    const wrapped = new errorClass('wrapped', { cause });
    if (wrapped.message !== 'wrapped' || wrapped.cause !== cause) {
      problems.push(`a ${className} drops the message or the cause it is given`);
    }
  }
  return problems;
}

/**
 * What is wrong with a module's guard, one sentence a problem (empty when nothing is, or when it
 * has no guard): it must accept each class's error, with and without its code, and an Error
 * carrying its first code; and refuse that Error asked for another of its codes, a plain object
 * carrying its code (also as posted to another thread), an Error carrying a foreign code, a plain
 * Error and null. Realms and threads are {@link hasCodeOf}'s own tests.
 */
export function guardProblems(module: ErrorModule): string[] {
  const { guard, examples = {} } = module;
  if (!guard) return [];
  const { is } = guard;
  const name = guardName(guard);
  const problems: string[] = [];
  const classRows = module.catalog.filter((entry) => (entry.carrier ?? 'class') === 'class');
  for (const { className, code } of classRows) {
    const errorClass = (module.exports as Record<string, unknown>)[className];
    if (typeof errorClass !== 'function') continue; // errorCatalogProblems says so
    const build = examples[className];
    const error = build ? build() : new (errorClass as new () => Error)();
    if (!is(error)) problems.push(`${name} refuses a ${className}`);
    if (!is(error, code)) problems.push(`${name} refuses a ${className} asked for ${code}`);
  }

  const [own, other] = classRows.map((entry) => entry.code);
  if (own === undefined) return problems;
  // Real Errors, so that only the code can refuse them.
  const withCode = (code: string) => Object.assign(new Error('x'), { code });
  if (!is(withCode(own))) problems.push(`${name} refuses an Error carrying ${own}`);
  if (!is(withCode(own), own)) {
    problems.push(`${name} refuses an Error carrying ${own} asked for it`);
  }
  if (other !== undefined && is(withCode(own), other)) {
    problems.push(`${name} takes an Error carrying ${own} for ${other}`);
  }
  const refused: [string, unknown, string?][] = [
    [`a plain object carrying ${own}`, { code: own, message: 'x' }],
    [`a plain object carrying ${own} asked for it`, { code: own }, own],
    // What a `{ code, message }` posted to another thread arrives as.
    [`a clone of a plain object carrying ${own}`, structuredClone({ code: own, message: 'x' })],
    ...guard.foreignCodes.map((code): [string, unknown] => [
      `an Error carrying ${code}`,
      withCode(code),
    ]),
    ['a plain Error', new Error('plain')],
    ['null', null],
  ];
  for (const [what, value, code] of refused) {
    if (is(value, code)) problems.push(`${name} accepts ${what}`);
  }
  return problems;
}

/** What the problems and the test title call a guard: its function's name. */
function guardName(guard: ErrorGuard): string {
  return guard.is.name || 'the guard';
}

/**
 * The checks every project's error catalog owes docs/errors.md and its callers
 * ({@link errorCatalogProblems}), and its guard owes its callers ({@link guardProblems}), as jest
 * tests: a project's own errors test calls this and adds only what is its own (structured
 * fields, what another library's real errors look like to its guard).
 */
export function describeErrorCatalog(project: string, module: ErrorModule): void {
  describe(`${project}: ERROR_CATALOG`, () => {
    it('lists unique namespaced codes, each class exported with its code, name, message and cause', () => {
      expect(errorCatalogProblems(module)).toEqual([]);
    });

    const { guard } = module;
    if (guard) {
      it(`${guardName(guard)} accepts its own errors by their code, refuses look-alikes`, () => {
        expect(guardProblems(module)).toEqual([]);
      });
    }
  });
}

/** What `fn` throws, or `undefined` when it returns. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * What `fn` throws, which must be an instance of `type`: anything else, or nothing, fails the
 * test with what came instead.
 */
export function thrownAs<E>(type: abstract new (...args: never[]) => E, fn: () => unknown): E {
  const error = thrown(fn);
  if (!(error instanceof type)) {
    throw new Error(
      `expected a ${type.name}, got ${error === undefined ? 'no error' : inspect(error)}`,
    );
  }
  return error;
}
