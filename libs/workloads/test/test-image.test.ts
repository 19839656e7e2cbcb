import { applyFilter, FILTER_NAMES, generateTestImage, imageChecksum } from '../src/index';

describe('generateTestImage', () => {
  it('produces a size x size opaque RGBA image', () => {
    const image = generateTestImage(17);
    expect(image.width).toBe(17);
    expect(image.height).toBe(17);
    expect(image.data).toHaveLength(17 * 17 * 4);
    for (let i = 3; i < image.data.length; i += 4) expect(image.data[i]).toBe(255);
  });

  it('produces the same bytes on every call', () => {
    expect(imageChecksum(generateTestImage(64))).toBe(imageChecksum(generateTestImage(64)));
  });

  it('produces the pinned bytes for size 64, so benchmarks compare like with like', () => {
    expect(imageChecksum(generateTestImage(64))).toBe('84b9eb45');
  });

  it('has enough variation that every filter changes it, each differently', () => {
    const image = generateTestImage(64);
    const original = imageChecksum(image);
    const filtered = FILTER_NAMES.map((filter) => imageChecksum(applyFilter(image, filter)));
    expect(filtered).not.toContain(original);
    expect(new Set(filtered).size).toBe(FILTER_NAMES.length);
  });

  it.each([0, -3, 2.5, Number.NaN])('rejects size %p with ERR_INVALID_ARGUMENT', (size) => {
    expect(() => generateTestImage(size)).toThrow(
      expect.objectContaining({ code: 'ERR_WORKLOAD_INVALID_ARGUMENT' }),
    );
  });
});

describe('imageChecksum', () => {
  it('is 8 lowercase hex characters', () => {
    expect(imageChecksum(generateTestImage(5))).toMatch(/^[0-9a-f]{8}$/);
  });

  it('matches the FNV-1a 32-bit reference value for an empty image', () => {
    // FNV-1a over eight zero bytes (width 0, height 0), computed independently with BigInt.
    let hash = 0x811c9dc5n;
    for (let i = 0; i < 8; i++) hash = (hash * 0x01000193n) & 0xffffffffn;
    expect(imageChecksum({ width: 0, height: 0, data: new Uint8Array(0) })).toBe(
      hash.toString(16).padStart(8, '0'),
    );
  });

  it('covers the dimensions, not only the bytes', () => {
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(imageChecksum({ width: 2, height: 1, data })).not.toBe(
      imageChecksum({ width: 1, height: 2, data }),
    );
  });

  it('changes when a single byte changes', () => {
    const image = generateTestImage(8);
    const before = imageChecksum(image);
    image.data[100] = (image.data[100] ?? 0) ^ 1;
    expect(imageChecksum(image)).not.toBe(before);
  });
});
