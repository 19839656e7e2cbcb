import { describe, expect, it } from '@jest/globals';
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
   * name. Every other class is built with no argument, and its message must then be non-empty.
   * @default none
   */
  readonly examples?: Readonly<Record<string, () => Error>>;
  /**
   * True when a class built without a message says its catalog `meaning` (locks and queues
   * make the meaning the default message). @default false
   */
  readonly meaningIsDefaultMessage?: boolean;
}

type CodedInstance = Error & { readonly code?: unknown };
type CodedClass = (new () => CodedInstance) & { readonly code?: unknown };

/**
 * The checks every project's error catalog owes docs/errors.md and its callers, as one jest
 * suite: codes unique and namespaced, class names unique, each class row exported under its
 * `className` with its code on the class and on every instance, the class's name as the error's
 * `name`, a message, a cause kept. A project's own test adds only what is its own (structured
 * fields, an `isXError` guard).
 */
export function describeErrorCatalog(project: string, module: ErrorModule): void {
  const { namespace, catalog, base = Error, examples = {} } = module;
  const classRows = catalog.filter((entry) => (entry.carrier ?? 'class') === 'class');

  const exported = (className: string): CodedClass => {
    const found = (module.exports as Record<string, unknown>)[className];
    if (typeof found !== 'function') throw new Error(`${project} exports no ${className}`);
    return found as CodedClass;
  };
  const example = (className: string): CodedInstance =>
    examples[className]?.() ?? new (exported(className))();

  describe(`${project}: ERROR_CATALOG`, () => {
    it(`lists unique codes, each within ${namespace} unless the contract fixes it`, () => {
      const codes = catalog.map((entry) => entry.code);
      expect(codes.length).toBeGreaterThan(0);
      expect(new Set(codes).size).toBe(codes.length);
      for (const entry of catalog) {
        if (!entry.contract) expect(entry.code).toMatch(new RegExp(`^${namespace}[A-Z0-9_]+$`));
        expect(entry.meaning.length).toBeGreaterThan(0);
      }
    });

    it('names a different class for every class row, and builds examples only for those', () => {
      const names = classRows.map((entry) => entry.className);
      expect(new Set(names).size).toBe(names.length);
      expect(Object.keys(examples).filter((name) => !names.includes(name))).toEqual([]);
      if (module.classes) {
        expect(new Set(module.classes)).toEqual(new Set(names.map(exported)));
        expect(module.classes).toHaveLength(names.length);
      }
    });

    it.each(classRows.map((entry) => [entry.className, entry] as const))(
      '%s carries its code on the class and on each instance, its name and a message',
      (className, entry) => {
        const errorClass = exported(className);
        expect(errorClass.code).toBe(entry.code);
        const error = example(className);
        expect(error).toBeInstanceOf(errorClass);
        expect(error).toBeInstanceOf(base);
        expect([error.code, error.name]).toEqual([entry.code, className]);
        expect(error.message.length).toBeGreaterThan(0);
        if (module.meaningIsDefaultMessage && !(className in examples)) {
          expect(error.message).toBe(entry.meaning);
        }
      },
    );

    it.each(classRows.filter((entry) => !(entry.className in examples)).map((e) => e.className))(
      '%s keeps the message and the cause it is given',
      (className) => {
        const cause = new Error('root');
        const error = new (
          exported(className) as new (message: string, options: ErrorOptions) => CodedInstance
        )('wrapped', { cause });
        expect([error.message, error.cause]).toEqual(['wrapped', cause]);
      },
    );
  });
}
