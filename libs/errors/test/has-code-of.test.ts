import { once } from 'node:events';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { coded, hasCodeOf } from '../src';

class WidgetJammedError extends coded('ERR_WIDGET_JAMMED', 'The widget is jammed') {}
const CODES: ReadonlySet<string> = new Set(['ERR_WIDGET_JAMMED', 'ERR_WIDGET_LOST']);

describe('hasCodeOf, the test behind isLockError-style guards', () => {
  it("is true for an Error carrying one of the codes, and for `code` only that one's", () => {
    expect(hasCodeOf(new WidgetJammedError(), CODES)).toBe(true);
    expect(hasCodeOf(new WidgetJammedError(), CODES, 'ERR_WIDGET_JAMMED')).toBe(true);
    expect(hasCodeOf(new WidgetJammedError(), CODES, 'ERR_WIDGET_LOST')).toBe(false);
    // The control: an Error with another library's code.
    expect(hasCodeOf(Object.assign(new Error('x'), { code: 'ERR_OTHER' }), CODES)).toBe(false);
  });

  it('is true for an Error of another realm (instanceof fails there), false for a plain object', () => {
    const foreign: unknown = runInNewContext("Object.assign(new Error('x'), { code: c })", {
      c: 'ERR_WIDGET_LOST',
    });
    expect(foreign instanceof Error).toBe(false);
    expect(hasCodeOf(foreign, CODES)).toBe(true);
    expect(hasCodeOf({ code: 'ERR_WIDGET_LOST', message: 'x' }, CODES)).toBe(false);
    expect(hasCodeOf(structuredClone({ code: 'ERR_WIDGET_LOST' }), CODES)).toBe(false);
    for (const value of [null, undefined, 'ERR_WIDGET_LOST', 7])
      expect(hasCodeOf(value, CODES)).toBe(false);
  });

  it('is false for an error that was structured-cloned: the clone has no code', () => {
    const clone = structuredClone(new WidgetJammedError());
    // An Error still (of the outer realm: jest's sandbox is another), so only its code is gone.
    expect(Object.prototype.toString.call(clone)).toBe('[object Error]');
    expect((clone as { code?: unknown }).code).toBeUndefined();
    expect(hasCodeOf(clone, CODES)).toBe(false);
  });

  describe('across a real worker thread', () => {
    const workers: Worker[] = [];
    afterEach(() => Promise.all(workers.splice(0).map((w) => w.terminate())));
    const start = (via: 'postMessage' | 'throw') => {
      const worker = new Worker(join(__dirname, 'fixtures', 'error-crossing.cjs'), {
        workerData: { via },
      });
      workers.push(worker);
      return worker;
    };
    /** Error.isError is in Node 24 but not in the workspace's ES2023 TypeScript lib. */
    const isError = (value: unknown): boolean =>
      (Error as ErrorConstructor & { isError(value: unknown): boolean }).isError(value);

    // Pins what the doc says: if Node ever kept own properties in a clone, this fails and the
    // docs (and perhaps the guards' callers) must change.
    it('is false for a coded error posted from the thread: the clone drops its code', async () => {
      const [{ error, codeHere }] = (await once(start('postMessage'), 'message')) as [
        { error: unknown; codeHere: string },
      ];
      expect(codeHere).toBe('ERR_WIDGET_JAMMED');
      expect(isError(error)).toBe(true);
      // The message survives; the subclass's name does not (only built-in names are kept).
      expect(error).toMatchObject({ name: 'Error', message: 'The widget is jammed' });
      expect((error as { code?: unknown }).code).toBeUndefined();
      expect(hasCodeOf(error, CODES)).toBe(false);
    });

    it("is true for the thread's uncaught coded error: the 'error' event keeps its code", async () => {
      const [error] = (await once(start('throw'), 'error')) as [unknown];
      // Node rebuilds it on Error.prototype, tagged 'Error', but no native error: a test by
      // `Error.isError` (or by instanceof, in jest's realm) would refuse it.
      expect(isError(error)).toBe(false);
      expect(hasCodeOf(error, CODES, 'ERR_WIDGET_JAMMED')).toBe(true);
    });
  });
});
