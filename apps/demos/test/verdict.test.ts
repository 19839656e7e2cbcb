import { verdictOf } from '../src/verdict';

describe('verdictOf', () => {
  it('holds when every check held, with the lesson’s own words', () => {
    expect(verdictOf({ ordered: true, bounded: true }, 'it holds')).toEqual({
      holds: true,
      why: 'it holds',
    });
  });

  it('does not hold when one check of two failed, and names that one only', () => {
    expect(verdictOf({ ordered: true, bounded: false }, 'it holds')).toEqual({
      holds: false,
      why: 'not shown: bounded',
    });
  });

  it('names every failed check, in the order given', () => {
    expect(verdictOf({ leakyGrew: false, fixedExited: false, ran: true }, 'it holds')).toEqual({
      holds: false,
      why: 'not shown: leakyGrew, fixedExited',
    });
  });
});
