import { runInNewContext } from 'node:vm';
import {
  applyFilter,
  assertRgbaImage,
  FILTER_NAMES,
  type FilterName,
  type RgbaImage,
} from '../src/index';

/** Builds an image from [r, g, b, a] pixels given row by row. */
function imageOf(width: number, height: number, pixels: number[][]): RgbaImage {
  return { width, height, data: Uint8Array.from(pixels.flat()) };
}

/** The pixels of an image as [r, g, b, a] tuples, row by row, for readable assertions. */
function pixelsOf(image: RgbaImage): number[][] {
  const pixels: number[][] = [];
  for (let i = 0; i < image.data.length; i += 4)
    pixels.push(Array.from(image.data.subarray(i, i + 4)));
  return pixels;
}

function uniform(width: number, height: number, pixel: number[]): RgbaImage {
  return imageOf(
    width,
    height,
    Array.from({ length: width * height }, () => pixel),
  );
}

// 3x3, all black except a centre pixel whose channels differ, so each channel is checked
// independently. Alpha is 255 except the centre's.
const O = [0, 0, 0, 255];
const dot = imageOf(3, 3, [O, O, O, O, [90, 45, 0, 200], O, O, O, O]);

// 2x1 grey ramp: with edge replication the left pixel's 3x3 window is (L L R) x 3 rows and the
// right pixel's is (L R R) x 3 rows.
const ramp = imageOf(2, 1, [
  [100, 100, 100, 255],
  [130, 130, 130, 255],
]);

describe('applyFilter', () => {
  it('lists exactly the five filters', () => {
    expect([...FILTER_NAMES].sort()).toEqual(['blur', 'contour', 'emboss', 'grayscale', 'sharpen']);
  });

  describe('on a single bright centre pixel', () => {
    it('blur spreads the centre over every pixel, because each window holds it exactly once', () => {
      // 90/9 = 10, 45/9 = 5.
      const out = pixelsOf(applyFilter(dot, 'blur'));
      expect(out).toEqual([
        ...Array(4).fill([10, 5, 0, 255]),
        [10, 5, 0, 200],
        ...Array(4).fill([10, 5, 0, 255]),
      ]);
    });

    it('sharpen doubles the centre and clamps the negative neighbours to 0', () => {
      // Centre: 32*90/16 = 180; neighbours: -2*90/16 = -11.25 -> 0.
      const out = pixelsOf(applyFilter(dot, 'sharpen'));
      expect(out[4]).toEqual([180, 90, 0, 200]);
      for (const i of [0, 1, 2, 3, 5, 6, 7, 8]) expect(out[i]).toEqual([0, 0, 0, 255]);
    });

    it('contour saturates the centre and offsets the neighbours from 255', () => {
      // Centre: 8*90 + 255 > 255; neighbours: -90 + 255 = 165, -45 + 255 = 210.
      const out = pixelsOf(applyFilter(dot, 'contour'));
      expect(out[4]).toEqual([255, 255, 255, 200]);
      for (const i of [0, 1, 2, 3, 5, 6, 7, 8]) expect(out[i]).toEqual([165, 210, 255, 255]);
    });

    it('emboss lights the centre and darkens the pixel whose upper-left neighbour it is', () => {
      // out = p - p(upper-left) + 128: centre 90 - 0 + 128 = 218; bottom-right 0 - 90 + 128 = 38.
      const out = pixelsOf(applyFilter(dot, 'emboss'));
      expect(out[4]).toEqual([218, 173, 128, 200]);
      expect(out[8]).toEqual([38, 83, 128, 255]);
      for (const i of [0, 1, 2, 3, 5, 6, 7]) expect(out[i]).toEqual([128, 128, 128, 255]);
    });
  });

  describe('on a uniform image', () => {
    const flat = uniform(4, 3, [37, 200, 123, 77]);

    it.each<[FilterName, number[]]>([
      ['blur', [37, 200, 123, 77]],
      ['sharpen', [37, 200, 123, 77]],
      // Kernel sums to 0, so only the offset is left.
      ['contour', [255, 255, 255, 77]],
      ['emboss', [128, 128, 128, 77]],
    ])('%s gives %p everywhere, borders included', (filter, expected) => {
      expect(pixelsOf(applyFilter(flat, filter))).toEqual(Array(12).fill(expected));
    });
  });

  describe('on a 2-pixel ramp, with edge replication', () => {
    it.each<[FilterName, number, number]>([
      // (100+100+130)*3/9 = 110 and (100+130+130)*3/9 = 120.
      ['blur', 110, 120],
      // (32*100 - 2*890)/16 = 88.75 -> 89 and (32*130 - 2*950)/16 = 141.25 -> 141.
      ['sharpen', 89, 141],
      // 8*100 - 890 + 255 = 165 and 8*130 - 950 + 255 = 345 -> 255.
      ['contour', 165, 255],
      // Upper-left of the left pixel is itself (replicated): 128; right: 130 - 100 + 128 = 158.
      ['emboss', 128, 158],
    ])('%s gives %i then %i', (filter, left, right) => {
      expect(pixelsOf(applyFilter(ramp, filter))).toEqual([
        [left, left, left, 255],
        [right, right, right, 255],
      ]);
    });
  });

  it('leaves a 1x1 image unchanged under blur and sharpen', () => {
    const one = imageOf(1, 1, [[12, 34, 56, 78]]);
    expect(pixelsOf(applyFilter(one, 'blur'))).toEqual([[12, 34, 56, 78]]);
    expect(pixelsOf(applyFilter(one, 'sharpen'))).toEqual([[12, 34, 56, 78]]);
  });

  describe('grayscale', () => {
    it.each([
      [[255, 0, 0], 76],
      [[0, 255, 0], 150],
      [[0, 0, 255], 29],
      [[255, 255, 255], 255],
      [[0, 0, 0], 0],
      // (100*299 + 150*587 + 200*114) / 1000 = 140.75 -> 141.
      [[100, 150, 200], 141],
      // 250*114 / 1000 = 28.5 -> 29: a half rounds up.
      [[0, 0, 250], 29],
    ])('maps %p to luma %i on all three channels', (rgb, luma) => {
      const out = applyFilter(imageOf(1, 1, [[...rgb, 9]]), 'grayscale');
      expect(pixelsOf(out)).toEqual([[luma, luma, luma, 9]]);
    });
  });

  describe.each(FILTER_NAMES)('%s', (filter) => {
    const varied = imageOf(3, 2, [
      [10, 20, 30, 0],
      [200, 10, 90, 1],
      [50, 250, 5, 128],
      [0, 0, 0, 254],
      [255, 255, 255, 255],
      [70, 80, 90, 17],
    ]);

    it('copies alpha unchanged', () => {
      const out = applyFilter(varied, filter);
      expect(pixelsOf(out).map((p) => p[3])).toEqual([0, 1, 128, 254, 255, 17]);
    });

    it('returns a new image and does not mutate its input', () => {
      const before = varied.data.slice();
      const out = applyFilter(varied, filter);
      expect(out).not.toBe(varied);
      expect(out.data).not.toBe(varied.data);
      expect(out.data.buffer).not.toBe(varied.data.buffer);
      expect(varied.data).toEqual(before);
      expect({ width: out.width, height: out.height }).toEqual({ width: 3, height: 2 });
    });
  });

  it('rejects an image whose data does not match its dimensions with ERR_WORKLOAD_INVALID_IMAGE', () => {
    const broken = { width: 2, height: 2, data: new Uint8Array(15) };
    expect(() => applyFilter(broken, 'blur')).toThrow(
      expect.objectContaining({ code: 'ERR_WORKLOAD_INVALID_IMAGE' }),
    );
  });

  // Each with as many bytes as width * height * 4 says: only the dimensions themselves are wrong.
  it.each([
    ['a negative width', -1, 0, 0],
    ['a negative height', 0, -1, 0],
    ['a fractional width', 0.5, 8, 16],
    ['a fractional height', 8, 0.5, 16],
  ])('rejects %s with ERR_WORKLOAD_INVALID_IMAGE', (_what, width, height, bytes) => {
    const image = { width, height, data: new Uint8Array(bytes) };
    expect(() => assertRgbaImage(image)).toThrow(
      expect.objectContaining({
        code: 'ERR_WORKLOAD_INVALID_IMAGE',
        message: `image dimensions must be non-negative integers, got ${width}x${height}`,
      }),
    );
  });

  it('rejects pixel data that is not a Uint8Array with ERR_WORKLOAD_INVALID_IMAGE', () => {
    const plain = { width: 1, height: 1, data: [1, 2, 3, 4] as unknown as Uint8Array };
    expect(() => applyFilter(plain, 'blur')).toThrow(
      expect.objectContaining({ code: 'ERR_WORKLOAD_INVALID_IMAGE' }),
    );
  });

  it('accepts pixel data created in another realm (e.g. a vm context)', () => {
    const foreign = runInNewContext('new Uint8Array([10, 20, 30, 40])') as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    expect(pixelsOf(applyFilter({ width: 1, height: 1, data: foreign }, 'blur'))).toEqual([
      [10, 20, 30, 40],
    ]);
  });

  it.each(['median', 'toString', '__proto__'])(
    'rejects the unknown filter %p with ERR_INVALID_ARGUMENT',
    (name) => {
      expect(() => applyFilter(dot, name as FilterName)).toThrow(
        expect.objectContaining({ code: 'ERR_WORKLOAD_INVALID_ARGUMENT' }),
      );
    },
  );
});
