import { thrownAs } from '@concurrency-lab/errors/testing';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { PNG, type ColorType } from 'pngjs';
import { decodePng, InvalidImageError } from '../src/index';

// Hand-built PNGs: pngjs writes only non-interlaced 8/16-bit grey, grey+alpha, RGB and RGBA, so
// the interlaced, palette and low-bit-depth inputs, and the malformed ones, are assembled here.

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const framed = Buffer.alloc(4 + typeAndData.length + 4);
  framed.writeUInt32BE(data.length, 0);
  typeAndData.copy(framed, 4);
  framed.writeUInt32BE(crc32(typeAndData), 4 + typeAndData.length);
  return framed;
}

interface PngSpec {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlace: boolean;
  /** The zlib stream, split over this many IDAT chunks (default 1). */
  idat: Buffer;
  idatChunks?: number;
  /** Chunks between IHDR and the first IDAT (PLTE, tRNS). */
  before?: Buffer[];
}

function buildPng({ width, height, depth, colorType, interlace, idat, ...rest }: PngSpec): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(depth, 8);
  ihdr.writeUInt8(colorType, 9);
  ihdr.writeUInt8(interlace ? 1 : 0, 12);
  const parts = rest.idatChunks ?? 1;
  const step = Math.ceil(idat.length / parts);
  const idats = Array.from({ length: parts }, (_, i) =>
    chunk('IDAT', idat.subarray(i * step, (i + 1) * step)),
  );
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    ...(rest.before ?? []),
    ...idats,
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
// [xStart, yStart, xStep, yStep] of Adam7's seven passes.
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** The rows of the (inflated) image data: [pixels per row, rows], per pass when interlaced. */
function scanlines(width: number, height: number, interlace: boolean): [number, number][] {
  if (!interlace) return [[width, height]];
  return ADAM7.map(([x0, y0, dx, dy]): [number, number] => [
    Math.max(0, Math.ceil((width - x0) / dx)),
    Math.max(0, Math.ceil((height - y0) / dy)),
  ]).filter(([w, h]) => w > 0 && h > 0);
}

/** Deterministic bytes for a seed (mulberry32), so fast-check reports a reproducible case. */
function randomBytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}

/** Random but well-formed inflated image data: each row a filter type (0-4) and its bytes. */
function randomImageData(
  spec: { width: number; height: number; depth: number; colorType: number; interlace: boolean },
  seed: number,
): Buffer {
  const channels = CHANNELS[spec.colorType] ?? 0;
  const rows: Buffer[] = [];
  let n = 0;
  for (const [pixels, count] of scanlines(spec.width, spec.height, spec.interlace)) {
    for (let y = 0; y < count; y++) {
      const row = randomBytes(seed + n++, 1 + Math.ceil((pixels * channels * spec.depth) / 8));
      row[0] = (row[0] ?? 0) % 5;
      rows.push(row);
    }
  }
  return Buffer.concat(rows);
}

/** What an 8-bit RGBA header declares (the same sum as the source's, written independently). */
function declaredRgbaSize(width: number, height: number, interlace: boolean): number {
  return scanlines(width, height, interlace).reduce((sum, [w, h]) => sum + h * (1 + w * 4), 0);
}

/** Both decoders on the same bytes: same outcome, same pixels. */
function expectSameAsPngjs(png: Buffer): void {
  const reference = PNG.sync.read(png);
  const decoded = decodePng(png);
  expect(decoded.width).toBe(reference.width);
  expect(decoded.height).toBe(reference.height);
  expect(Buffer.from(decoded.data)).toEqual(reference.data);
}

const invalidImage = expect.objectContaining({ code: 'ERR_WORKLOAD_INVALID_IMAGE' });

describe('decodePng refuses what would get past the size the first IHDR declares', () => {
  const ihdr = (side: number) => {
    const data = Buffer.alloc(13);
    data.writeUInt32BE(side, 0);
    data.writeUInt32BE(side, 4);
    data.writeUInt8(8, 8); // depth
    data.writeUInt8(0, 9); // grey
    return chunk('IHDR', data);
  };
  /** A grey `side`×`side` image of zeros, each row with filter byte 0. */
  const greyIdat = (side: number) => chunk('IDAT', deflateSync(Buffer.alloc((side + 1) * side)));
  const end = chunk('IEND', new Uint8Array(0));
  /** A PLTE chunk of `bytes` bytes, each `fill`. */
  const plte = (bytes: number, fill = 7) => chunk('PLTE', Buffer.alloc(bytes, fill));
  /** A 1×1 palette image whose one pixel is entry `index`, after the given PLTE chunks. */
  const onePixelOf = (index: number, ...palettes: Buffer[]) =>
    buildPng({
      width: 1,
      height: 1,
      depth: 8,
      colorType: 3,
      interlace: false,
      idat: deflateSync(Buffer.from([0, index])),
      before: palettes,
    });

  it('refuses a second IHDR, before the IDAT or after it (pngjs decoded the last one)', () => {
    const before = Buffer.concat([PNG_SIGNATURE, ihdr(2), ihdr(300), greyIdat(300), end]);
    const after = Buffer.concat([PNG_SIGNATURE, ihdr(1), greyIdat(300), ihdr(300), end]);
    for (const png of [before, after]) {
      expect(thrownAs(InvalidImageError, () => decodePng(png)).message).toMatch(/second IHDR/);
    }
  });

  it('refuses a palette of more than 256 entries before pngjs builds it', () => {
    const png = onePixelOf(0, plte(257 * 3));
    expect(thrownAs(InvalidImageError, () => decodePng(png)).message).toMatch(/palette of 771/);
  });

  it('refuses a second PLTE, each within 256 entries (pngjs appended both to one palette)', () => {
    const png = onePixelOf(0, plte(256 * 3), plte(256 * 3, 9));
    expect(thrownAs(InvalidImageError, () => decodePng(png)).message).toMatch(/second PLTE/);
  });

  it('negative control: one IHDR and a full 256-entry palette decode', () => {
    expect(decodePng(Buffer.concat([PNG_SIGNATURE, ihdr(3), greyIdat(3), end]))).toMatchObject({
      width: 3,
      height: 3,
    });
    expect(Array.from(decodePng(onePixelOf(255, plte(256 * 3))).data)).toEqual([7, 7, 7, 255]);
  });
});

describe('decodePng collects the image data of many IDAT chunks into one buffer', () => {
  // An IDAT per byte, an empty IDAT between each: one Buffer kept per chunk was 215-258 MiB of
  // heap for an 8 MiB upload. Memory is not asserted here; this holds the collection exact.
  it('decodes a PNG split into one-byte and empty IDATs exactly as its one-IDAT form', () => {
    const spec = { width: 12, height: 9, depth: 8, colorType: 6, interlace: true };
    const idat = deflateSync(randomImageData(spec, 7));
    const split = buildPng({ ...spec, idat, idatChunks: idat.length });
    // The same with an empty IDAT before each one-byte one (13 bytes each, after the signature
    // and IHDR's 33, before IEND's 12).
    const empty = chunk('IDAT', new Uint8Array(0));
    const at = (i: number) => 33 + i * 13;
    const withEmpty = Buffer.concat([
      split.subarray(0, at(0)),
      ...Array.from({ length: idat.length }, (_, i) => [
        empty,
        split.subarray(at(i), at(i + 1)),
      ]).flat(),
      split.subarray(at(idat.length)),
    ]);
    const whole = decodePng(buildPng({ ...spec, idat }));
    for (const png of [split, withEmpty]) {
      expectSameAsPngjs(png);
      expect(decodePng(png)).toEqual(whole);
    }
  });
});

describe('decodePng refuses image data whose inflated size differs from the header', () => {
  it('refuses an interlaced decompression bomb, inflating no more than the header declares', () => {
    // The probe's bomb, smaller: a 16x16 RGBA interlaced header over 64 MiB of deflated zeros
    // (~64 KB). PNG.sync.read would inflate all 64 MiB before noticing.
    const idat = deflateSync(Buffer.alloc(64 << 20));
    const bomb = buildPng({ width: 16, height: 16, depth: 8, colorType: 6, interlace: true, idat });
    expect(bomb.length).toBeLessThan(128 * 1024);
    expect(declaredRgbaSize(16, 16, true)).toBe(1054);

    const error = thrownAs(InvalidImageError, () => decodePng(bomb));
    expect(error.message).toMatch(
      /inflates beyond the 1054 bytes its header declares \(16x16 RGBA 8-bit interlaced\)/,
    );
    // zlib gave up at the declared size: that is what bounds the memory.
    expect(error.cause).toEqual(
      expect.objectContaining({
        code: 'ERR_BUFFER_TOO_LARGE',
        message: expect.stringContaining('1054 bytes'),
      }),
    );
  });

  it.each([
    ['non-interlaced, one byte too many', false, 1040 + 1],
    ['non-interlaced, a megabyte too many', false, 1 << 20],
    ['interlaced, one byte too many', true, 1054 + 1],
  ])('refuses data that inflates longer than declared (%s)', (_label, interlace, length) => {
    const expected = declaredRgbaSize(16, 16, interlace);
    const idat = deflateSync(Buffer.alloc(length));
    const png = buildPng({ width: 16, height: 16, depth: 8, colorType: 6, interlace, idat });
    expect(() => decodePng(png)).toThrow(
      new RegExp(`inflates beyond the ${expected} bytes its header declares`),
    );
    expect(() => decodePng(png)).toThrow(invalidImage);
  });

  // The probe's 68-byte file: 256x256 RGBA declared, IDAT = deflate(10 zero bytes).
  const truncated = (interlace: boolean) =>
    buildPng({
      width: 256,
      height: 256,
      depth: 8,
      colorType: 6,
      interlace,
      idat: deflateSync(Buffer.alloc(10)),
    });

  it('shows the defect is real: PNG.sync.read "decodes" the truncated non-interlaced file', () => {
    // pngjs's lib/sync-inflate.js returns its whole Buffer.allocUnsafe output chunk when the
    // stream ends early, so the 262 144 "pixels" are whatever that memory held: on a real heap
    // it decodes when the stale bytes happen to be valid filter types (3 times in 4 on one
    // machine, never in 50 tries on another). To make the control certain, this runs it on
    // zero-filled memory, as Node's documented --zero-fill-buffers flag gives: every filter byte
    // is 0 (None), and pngjs returns a full image from 10 inflated bytes, with no error. The
    // interlaced variant has no negative control: pngjs inflates that with zlib.inflateSync,
    // which returns only the 10 bytes, and always throws.
    const png = truncated(false);
    expect(png.length).toBe(68);
    const allocUnsafe = jest
      .spyOn(Buffer, 'allocUnsafe')
      .mockImplementation((size) => Buffer.alloc(size));
    try {
      const { data } = PNG.sync.read(png);
      expect(data.length).toBe(256 * 256 * 4);
      expect(allocUnsafe).toHaveBeenCalled(); // the early-ended stream's buffer came from here
    } finally {
      allocUnsafe.mockRestore();
    }
  });

  it.each([
    ['non-interlaced', false, 256 * (1 + 1024)],
    ['interlaced', true, declaredRgbaSize(256, 256, true)],
  ])('refuses the truncated %s file every time', (_label, interlace, expected) => {
    const png = truncated(interlace);
    const messages = new Set<string>();
    for (let i = 0; i < 50; i++) {
      messages.add(thrownAs(InvalidImageError, () => decodePng(png)).message);
    }
    expect([...messages]).toEqual([
      `PNG image data inflates to 10 bytes, not the ${expected} its header declares ` +
        `(256x256 RGBA 8-bit${interlace ? ' interlaced' : ''})`,
    ]);
  });

  it.each([false, true])('refuses a zlib stream cut short (interlaced: %p)', (interlace) => {
    const full = deflateSync(
      randomImageData({ width: 32, height: 32, depth: 8, colorType: 6, interlace }, 1),
    );
    const png = buildPng({
      width: 32,
      height: 32,
      depth: 8,
      colorType: 6,
      interlace,
      idat: full.subarray(0, full.length - 40),
    });
    const error = thrownAs(InvalidImageError, () => decodePng(png));
    expect(error.message).toBe('PNG image data is not a complete zlib stream');
    expect(error.cause).toEqual(expect.objectContaining({ code: 'Z_BUF_ERROR' }));
  });

  it.each([
    [
      'an empty IDAT (no zlib stream at all)',
      { width: 4, height: 4, idat: Buffer.alloc(0) },
      'PNG image data is not a complete zlib stream',
    ],
    [
      'a zero width, which the PNG spec forbids (pngjs returned an empty image)',
      { width: 0, height: 4, idat: deflateSync(Buffer.alloc(4)) },
      /invalid PNG dimensions 0x4/,
    ],
  ])('refuses %s', (_label, image, error) => {
    const png = buildPng({ ...image, depth: 8, colorType: 6, interlace: false });
    expect(() => decodePng(png)).toThrow(error);
  });

  it('refuses a 16-bit palette image rather than return 16-bit samples as RGBA bytes', () => {
    const png = buildPng({
      width: 4,
      height: 4,
      depth: 16,
      colorType: 3,
      interlace: false,
      idat: deflateSync(Buffer.alloc(4 * (1 + 8))),
      before: [chunk('PLTE', Buffer.alloc(768))],
    });
    expect(PNG.sync.read(png).data).toBeInstanceOf(Uint16Array); // what the old decodePng passed on
    expect(() => decodePng(png)).toThrow(/colour type 3 \(palette\) at bit depth 16/);
  });
});

describe('decodePng keeps the colour of a tRNS-transparent pixel, at alpha 0 (PNG spec 11.3.2.1)', () => {
  /** A one-row image of the given depth and colour type, its row `bytes` with filter byte 0. */
  const row = (depth: number, colorType: number, bytes: number[], trns: number[], width: number) =>
    buildPng({
      width,
      height: 1,
      depth,
      colorType,
      interlace: false,
      idat: deflateSync(Buffer.from([0, ...bytes])),
      before: [chunk('tRNS', Buffer.from(trns))],
    });
  const rgba = (png: Buffer) => [...decodePng(png).data];

  it('8-bit grey: the transparent grey stays grey (pngjs made it 0,0,0,0)', () => {
    expect(rgba(row(8, 0, [200, 100, 200], [0, 100], 3))).toEqual([
      200, 200, 200, 255, 100, 100, 100, 0, 200, 200, 200, 255,
    ]);
  });

  it('16-bit grey: matched on all 16 bits, scaled to 8 after', () => {
    // 0x8080 and 0x8081 both scale to 128: only the first is the tRNS value.
    expect(rgba(row(16, 0, [0x80, 0x80, 0x80, 0x81], [0x80, 0x80], 2))).toEqual([
      128, 128, 128, 0, 128, 128, 128, 255,
    ]);
  });

  it.each([
    [1, [0b0100_0000], [0, 1], [0, 0, 0, 255, 255, 255, 255, 0]],
    [
      2,
      [0b0001_1011],
      [0, 1],
      [0, 0, 0, 255, 85, 85, 85, 0, 170, 170, 170, 255, 255, 255, 255, 255],
    ],
    [4, [0x0f, 0x70], [0, 7], [0, 0, 0, 255, 255, 255, 255, 255, 119, 119, 119, 0, 0, 0, 0, 255]],
  ])(
    '%i-bit grey: the tRNS value is a sample at that depth, its grey scaled to 8 bits',
    (depth, bytes, trns, expected) => {
      expect(rgba(row(depth, 0, bytes, trns, expected.length / 4))).toEqual(expected);
    },
  );

  it('8-bit RGB: only the exact colour turns transparent', () => {
    const pixels = [10, 20, 30, 10, 20, 31, 10, 20, 30];
    expect(rgba(row(8, 2, pixels, [0, 10, 0, 20, 0, 30], 3))).toEqual([
      10, 20, 30, 0, 10, 20, 31, 255, 10, 20, 30, 0,
    ]);
  });

  it('16-bit RGB: matched on all 16 bits of each sample', () => {
    const pixels = [0xff, 0xff, 0, 0, 0x80, 0x80, 0xff, 0xff, 0, 0, 0x80, 0x81];
    expect(rgba(row(16, 2, pixels, [0xff, 0xff, 0, 0, 0x80, 0x81], 2))).toEqual([
      255, 0, 128, 255, 255, 0, 128, 0,
    ]);
  });

  it('negative control: without the tRNS chunk every pixel is opaque, the colours the same', () => {
    const idat = deflateSync(Buffer.from([0, 200, 100, 200]));
    const png = buildPng({ width: 3, height: 1, depth: 8, colorType: 0, interlace: false, idat });
    expect(rgba(png)).toEqual([200, 200, 200, 255, 100, 100, 100, 255, 200, 200, 200, 255]);
  });
});

describe('decodePng refuses a colour type at a bit depth the PNG spec forbids (Table 11.1)', () => {
  /** A 2×1 image of zeros whose data is the right size for its type and depth. */
  const blank = (colorType: number, depth: number) =>
    buildPng({
      width: 2,
      height: 1,
      depth,
      colorType,
      interlace: false,
      idat: deflateSync(Buffer.alloc(1 + Math.ceil((2 * (CHANNELS[colorType] ?? 0) * depth) / 8))),
      before: colorType === 3 ? [chunk('PLTE', Buffer.alloc(3))] : [],
    });

  it.each([
    [2, 1, 'RGB', '8, 16'],
    [2, 4, 'RGB', '8, 16'],
    [4, 2, 'grey+alpha', '8, 16'],
    [6, 4, 'RGBA', '8, 16'],
    [6, 1, 'RGBA', '8, 16'],
    [3, 16, 'palette', '1, 2, 4, 8'],
  ])('refuses colour type %i at %i bits', (colorType, depth, name, allowed) => {
    const error = thrownAs(InvalidImageError, () => decodePng(blank(colorType, depth)));
    expect(error.message).toBe(
      `PNG colour type ${colorType} (${name}) at bit depth ${depth}, which the PNG spec ` +
        `forbids (allowed: ${allowed})`,
    );
  });

  it('negative control: every pair the spec allows decodes', () => {
    const allowed: [number, number[]][] = [
      [0, [1, 2, 4, 8, 16]],
      [2, [8, 16]],
      [3, [1, 2, 4, 8]],
      [4, [8, 16]],
      [6, [8, 16]],
    ];
    for (const [colorType, depths] of allowed) {
      for (const depth of depths) expect(decodePng(blank(colorType, depth)).width).toBe(2);
    }
  });
});

describe('decodePng refuses data after the end of the zlib stream', () => {
  // The PNG spec (1.2, section 5): "the concatenation of the contents of all the IDAT chunks
  // makes up a zlib datastream", and a zlib datastream (RFC 1950) ends with its Adler-32. zlib
  // stops at the stream's end and Node's inflateSync drops what follows without a word.
  const spec = { width: 9, height: 7, depth: 8, colorType: 6, interlace: false };
  const stream = deflateSync(randomImageData(spec, 3));
  /** `png` with `extra` inserted before its IEND chunk (the last 12 bytes). */
  const beforeIend = (png: Buffer, ...extra: Buffer[]) =>
    Buffer.concat([png.subarray(0, png.length - 12), ...extra, png.subarray(png.length - 12)]);

  it.each([
    [
      'one zero byte in the same IDAT',
      buildPng({ ...spec, idat: Buffer.concat([stream, Buffer.alloc(1)]) }),
      1,
    ],
    [
      'text in the same IDAT',
      buildPng({ ...spec, idat: Buffer.concat([stream, Buffer.from('junk!')]) }),
      5,
    ],
    [
      'a second zlib stream, split over the IDATs',
      buildPng({ ...spec, idat: Buffer.concat([stream, deflateSync('x')]), idatChunks: 3 }),
      deflateSync('x').length,
    ],
    [
      'an IDAT of its own after the stream',
      beforeIend(buildPng({ ...spec, idat: stream }), chunk('IDAT', Buffer.from('tail'))),
      4,
    ],
  ])('refuses %s', (_label, png, extra) => {
    const error = thrownAs(InvalidImageError, () => decodePng(png));
    expect(error.message).toBe(
      `PNG image data has ${extra} bytes after the end of its zlib stream`,
    );
  });

  it('negative control: the same image, whole or split, with an empty IDAT or text after it', () => {
    const whole = decodePng(buildPng({ ...spec, idat: stream }));
    const valid = [
      buildPng({ ...spec, idat: stream, idatChunks: 4 }),
      // An empty IDAT adds no byte to the stream; ancillary chunks may follow the IDATs.
      beforeIend(buildPng({ ...spec, idat: stream }), chunk('IDAT', Buffer.alloc(0))),
      beforeIend(buildPng({ ...spec, idat: stream }), chunk('tEXt', Buffer.from('Comment\0ok'))),
    ];
    for (const png of valid) expect(decodePng(png)).toEqual(whole);
  });
});

describe('decodePng decodes valid PNGs exactly as PNG.sync.read does', () => {
  it('pngjs is the 7.0.0 whose internals decode-png.ts assembles, deep requires allowed', () => {
    const manifest = JSON.parse(readFileSync(require.resolve('pngjs/package.json'), 'utf8')) as {
      version: string;
      exports?: unknown;
    };
    expect(manifest.version).toBe('7.0.0');
    expect(manifest.exports).toBeUndefined();
  });

  it('PNGs written by pngjs: grey, grey+alpha, RGB, RGBA at 8 and 16 bits, any row filter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom<ColorType>(0, 2, 4, 6),
        fc.constantFrom<8 | 16>(8, 16),
        fc.boolean(),
        fc.constantFrom(-1, 0, 1, 2, 3, 4),
        fc.integer(),
        (width, height, colorType, bitDepth, inputHasAlpha, filterType, seed) => {
          const samples = width * height * (inputHasAlpha ? 4 : 3);
          const bytes = randomBytes(seed, samples * (bitDepth / 8));
          const source = new PNG({ width, height });
          // 16-bit input is read as a Uint16Array over the Buffer's whole ArrayBuffer.
          source.data = bitDepth === 16 ? Buffer.from(new Uint8Array(bytes).buffer) : bytes;
          const png = PNG.sync.write(source, { colorType, bitDepth, inputHasAlpha, filterType });
          expectSameAsPngjs(png);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('hand-built PNGs: every colour type and bit depth, palette, tRNS, interlaced or not', () => {
    const depthsOf: Record<number, number[]> = {
      0: [1, 2, 4, 8, 16],
      2: [8, 16],
      3: [1, 2, 4, 8],
      4: [8, 16],
      6: [8, 16],
    };
    const layouts = Object.entries(depthsOf).flatMap(([type, depths]) =>
      depths.map((depth) => ({ colorType: Number(type), depth })),
    );
    fc.assert(
      fc.property(
        // 1..20 pixels a side: below 8 some Adam7 passes are empty, above 8 they repeat.
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom(...layouts),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        fc.integer(),
        (width, height, { colorType, depth }, interlace, transparency, idatChunks, seed) => {
          const spec = { width, height, depth, colorType, interlace };
          const before: Buffer[] = [];
          if (colorType === 3) {
            // A full palette, so every index the random data holds is in it.
            const entries = 2 ** depth;
            before.push(chunk('PLTE', randomBytes(seed ^ 0x5a5a, entries * 3)));
            if (transparency) {
              before.push(chunk('tRNS', randomBytes(seed ^ 0xa5a5, 1 + ((seed >>> 0) % entries))));
            }
          } else if (transparency && (colorType === 0 || colorType === 2)) {
            // A transparent colour with small samples, so low-depth images actually contain it.
            const trns = Buffer.alloc(colorType === 0 ? 2 : 6);
            for (let i = 1; i < trns.length; i += 2) trns[i] = (seed >>> i) & (depth < 8 ? 1 : 3);
            before.push(chunk('tRNS', trns));
          }
          const idat = deflateSync(randomImageData(spec, seed));
          const png = buildPng({ ...spec, idat, idatChunks, before });
          if (colorType === 3 || before.length === 0) return expectSameAsPngjs(png);
          // A tRNS colour: pngjs finds the right pixels (its alpha) but zeroes their colour; the
          // colour is the same image's without the tRNS chunk.
          const alpha = PNG.sync.read(png).data;
          const expected = PNG.sync.read(buildPng({ ...spec, idat, idatChunks })).data;
          for (let at = 3; at < expected.length; at += 4) expected[at] = alpha[at] ?? -1;
          expect(Buffer.from(decodePng(png).data)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
