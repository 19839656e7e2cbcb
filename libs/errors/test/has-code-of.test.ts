import { runInNewContext } from 'node:vm';
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
});
