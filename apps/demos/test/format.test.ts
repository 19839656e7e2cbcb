import { bytes } from '../src/format';

describe('bytes', () => {
  it('gives a whole unit from its first byte: 1 KiB, 1 MiB, 1 GiB', () => {
    expect([bytes(1024), bytes(2 ** 20), bytes(2 ** 30)]).toEqual(['1 KiB', '1 MiB', '1 GiB']);
  });

  it('keeps the smaller unit below it, and one decimal between whole units', () => {
    expect([bytes(0), bytes(1023), bytes(1536), bytes(64 * 2 ** 20)]).toEqual([
      '0 B',
      '1023 B',
      '1.5 KiB',
      '64 MiB',
    ]);
    // GiB is the largest unit: 1 TiB reads as 1024 of them.
    expect(bytes(2 ** 40)).toBe('1024 GiB');
  });
});
