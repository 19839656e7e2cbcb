import { thrownAs } from '@concurrency-lab/errors/testing';
import { PNG } from 'pngjs';
import { crc32 } from 'node:zlib';
import {
  applyFilter,
  assertImageWithin,
  decodePng,
  encodePng,
  generateTestImage,
  imageChecksum,
  ImageTooLargeError,
  InvalidImageError,
  readPngSize,
  runCpuTask,
  type RgbaImage,
} from '../src/index';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Signature + a well-formed IHDR chunk (correct CRC) declaring any size: a bomb's header. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = Buffer.alloc(4 + 4 + 13 + 4);
  chunk.writeUInt32BE(13, 0);
  chunk.write('IHDR', 4, 'latin1');
  chunk.writeUInt32BE(width, 8);
  chunk.writeUInt32BE(height, 12);
  chunk.writeUInt8(8, 16); // bit depth
  chunk.writeUInt8(6, 17); // colour type RGBA
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 21)), 21);
  return Buffer.concat([PNG_SIGNATURE, chunk]);
}

// Alpha varies so the round trip proves it is not flattened.
const small: RgbaImage = {
  width: 3,
  height: 2,
  data: Uint8Array.from([
    255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 1, 2, 3, 4, 250, 251, 252, 253, 9, 99, 199, 255,
  ]),
};

const invalidImage = expect.objectContaining({ code: 'ERR_WORKLOAD_INVALID_IMAGE' });
const tooLarge = expect.objectContaining({ code: 'ERR_WORKLOAD_IMAGE_TOO_LARGE' });

describe('encodePng and decodePng', () => {
  it.each([
    ['a small image with varying alpha', small],
    ['the generated test image', generateTestImage(48)],
  ])('round-trip %s byte for byte', (_label, image) => {
    const decoded = decodePng(encodePng(image));
    expect(decoded.width).toBe(image.width);
    expect(decoded.height).toBe(image.height);
    expect(decoded.data).toEqual(image.data);
  });

  // A PNG's sides are 1 or more (decodePng refuses a 0), so the encoder must not write one: it
  // did, and its own decoder then refused the file. The 1-pixel sides are the control.
  it.each([
    [0, 5, false],
    [5, 0, false],
    [0, 0, false],
    [1, 5, true],
    [5, 1, true],
  ])('encodes a %ix%i image only if it has pixels (%s)', (width, height, encodes) => {
    const image = { width, height, data: new Uint8Array(width * height * 4) };
    if (encodes) expect(decodePng(encodePng(image))).toEqual(image);
    else expect(() => encodePng(image)).toThrow(InvalidImageError);
  });

  it('encodes a PNG that starts with the PNG signature', () => {
    expect(encodePng(small).subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });

  it('encodes a view into a larger buffer without reading outside the view', () => {
    const backing = new Uint8Array(small.data.length + 8).fill(7);
    backing.set(small.data, 4);
    const view = { ...small, data: backing.subarray(4, 4 + small.data.length) };
    expect(decodePng(encodePng(view)).data).toEqual(small.data);
  });

  it('decodes into a plain Uint8Array that owns its whole buffer (safe to transfer)', () => {
    const decoded = decodePng(encodePng(small));
    expect(decoded.data.constructor).toBe(Uint8Array);
    expect(decoded.data.byteOffset).toBe(0);
    expect(decoded.data.buffer.byteLength).toBe(decoded.data.byteLength);
  });

  it('decodes an RGB PNG without alpha to RGBA with alpha 255', () => {
    const png = new PNG({ width: 2, height: 1 });
    png.data = Buffer.from([10, 20, 30, 255, 40, 50, 60, 255]);
    const rgb = PNG.sync.write(png, { colorType: 2, inputColorType: 6 });
    expect(Array.from(decodePng(rgb).data)).toEqual([10, 20, 30, 255, 40, 50, 60, 255]);
  });

  it('rejects garbage with ERR_WORKLOAD_INVALID_IMAGE', () => {
    expect(() => decodePng(Buffer.from('definitely not a png, just some text'))).toThrow(
      InvalidImageError,
    );
    expect(() => decodePng(new Uint8Array(0))).toThrow(invalidImage);
  });

  it('rejects input that is not bytes at all with ERR_WORKLOAD_INVALID_IMAGE', () => {
    expect(() => decodePng('\x89PNG' as unknown as Uint8Array)).toThrow(invalidImage);
    expect(() => readPngSize(null as unknown as Uint8Array)).toThrow(invalidImage);
  });

  it('rejects a truncated PNG with ERR_WORKLOAD_INVALID_IMAGE', () => {
    const png = encodePng(generateTestImage(32));
    for (const length of [8, 33, Math.floor(png.length / 2), png.length - 12]) {
      expect(() => decodePng(png.subarray(0, length))).toThrow(invalidImage);
    }
  });

  it('rejects a PNG with a corrupted chunk with ERR_WORKLOAD_INVALID_IMAGE and keeps the cause', () => {
    const png = Buffer.from(encodePng(generateTestImage(32)));
    png[png.length - 30] = (png[png.length - 30] ?? 0) ^ 0xff; // inside the IDAT chunk
    const error = thrownAs(Error, () => decodePng(png));
    expect(error).toEqual(invalidImage);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('refuses to encode an image whose data does not match its dimensions', () => {
    expect(() => encodePng({ width: 4, height: 4, data: new Uint8Array(10) })).toThrow(
      invalidImage,
    );
  });
});

describe('readPngSize', () => {
  it('reads the dimensions of an encoded image', () => {
    const png = encodePng({ width: 40, height: 25, data: new Uint8Array(40 * 25 * 4) });
    expect(readPngSize(png)).toEqual({ width: 40, height: 25 });
  });

  it('needs only the first 24 bytes, so it never touches the compressed data', () => {
    expect(readPngSize(pngHeader(70_000, 3).subarray(0, 24))).toEqual({ width: 70_000, height: 3 });
  });

  it('works on a view that does not start at offset 0 of its buffer', () => {
    const header = pngHeader(5, 6);
    const backing = new Uint8Array(header.length + 3);
    backing.set(header, 3);
    expect(readPngSize(backing.subarray(3))).toEqual({ width: 5, height: 6 });
  });

  it.each([
    ['garbage', Buffer.from('GIF89a and then some more bytes to pass 24')],
    ['an empty input', new Uint8Array(0)],
    ['a signature alone', PNG_SIGNATURE],
    ['a header cut short', pngHeader(10, 10).subarray(0, 20)],
  ])('rejects %s with ERR_WORKLOAD_INVALID_IMAGE', (_label, bytes) => {
    expect(() => readPngSize(bytes)).toThrow(invalidImage);
  });

  it('rejects a signature wrong in its last byte only', () => {
    const header = pngHeader(10, 10);
    header[7] = 0x0b;
    expect(() => readPngSize(header)).toThrow(
      expect.objectContaining({
        code: 'ERR_WORKLOAD_INVALID_IMAGE',
        message: 'missing PNG signature',
      }),
    );
  });

  it('rejects an IHDR whose length is not 13', () => {
    const header = pngHeader(10, 10);
    header.writeUInt32BE(14, 8);
    expect(() => readPngSize(header)).toThrow(
      expect.objectContaining({
        code: 'ERR_WORKLOAD_INVALID_IMAGE',
        message: 'first PNG chunk is not IHDR',
      }),
    );
  });

  it('rejects a side over 2^31 - 1, the most the PNG spec allows, on either side', () => {
    for (const [width, height] of [
      [2 ** 31, 1],
      [1, 2 ** 31],
    ] as const) {
      expect(() => readPngSize(pngHeader(width, height))).toThrow(
        expect.objectContaining({ message: `invalid PNG dimensions ${width}x${height}` }),
      );
    }
    // The control: the largest side allowed is read.
    expect(readPngSize(pngHeader(2 ** 31 - 1, 1))).toEqual({ width: 2 ** 31 - 1, height: 1 });
  });

  it('rejects a PNG whose first chunk is not IHDR', () => {
    const header = pngHeader(10, 10);
    header.write('IDAT', 12, 'latin1');
    expect(() => readPngSize(header)).toThrow(invalidImage);
  });

  it('rejects a zero dimension, on either side', () => {
    // Each side alone: a check of only the width let a 4x0 header through as {width 4, height 0}.
    for (const [width, height] of [
      [0, 10],
      [10, 0],
      [4, 0],
    ] as const) {
      expect(() => readPngSize(pngHeader(width, height))).toThrow(
        expect.objectContaining({
          code: 'ERR_WORKLOAD_INVALID_IMAGE',
          message: `invalid PNG dimensions ${width}x${height}`,
        }),
      );
    }
  });
});

describe('assertImageWithin', () => {
  const png = encodePng(generateTestImage(16));

  it('returns the size when both sides are within the limit, the limit included', () => {
    expect(assertImageWithin(png, 16)).toEqual({ width: 16, height: 16 });
    expect(assertImageWithin(png, 1000)).toEqual({ width: 16, height: 16 });
  });

  it('rejects an image wider or taller than the limit with ERR_WORKLOAD_IMAGE_TOO_LARGE', () => {
    expect(() => assertImageWithin(png, 15)).toThrow(ImageTooLargeError);
    expect(() => assertImageWithin(pngHeader(100, 2000), 1000)).toThrow(tooLarge);
    expect(() => assertImageWithin(pngHeader(2000, 100), 1000)).toThrow(tooLarge);
  });

  it('rejects a tiny file declaring a huge image (decompression bomb) before decoding', () => {
    const bomb = pngHeader(100_000, 100_000);
    expect(bomb.length).toBeLessThan(64);
    expect(() => assertImageWithin(bomb, 4096)).toThrow(
      expect.objectContaining({
        code: 'ERR_WORKLOAD_IMAGE_TOO_LARGE',
        width: 100_000,
        height: 100_000,
        maxSide: 4096,
      }),
    );
  });

  it('rejects input that is not a PNG with ERR_WORKLOAD_INVALID_IMAGE', () => {
    expect(() => assertImageWithin(Buffer.from('<html></html> padding padding'), 100)).toThrow(
      invalidImage,
    );
  });

  it.each([0, -1, 1.5, Number.NaN])(
    'rejects the limit %p with ERR_INVALID_ARGUMENT rather than letting everything through',
    (maxSide) => {
      expect(() => assertImageWithin(png, maxSide)).toThrow(
        expect.objectContaining({ code: 'ERR_WORKLOAD_INVALID_ARGUMENT' }),
      );
    },
  );
});

// What a pool thread or process runs for each kind of task: the same as calling the workload.
describe('runCpuTask', () => {
  it('runs fib and primes', () => {
    expect(runCpuTask({ kind: 'fib', n: 20 })).toBe(6765);
    expect(runCpuTask({ kind: 'primes', limit: 100 })).toBe(25);
  });

  it('filters a PNG into a PNG of the filtered image, as a plain Uint8Array', () => {
    const image = generateTestImage(16);
    const out = runCpuTask({ kind: 'filter', filter: 'emboss', png: encodePng(image) });
    expect(out.constructor).toBe(Uint8Array);
    expect(decodePng(out)).toEqual(applyFilter(image, 'emboss'));
    // The control: the filter changed the picture.
    expect(decodePng(out).data).not.toEqual(image.data);
  });

  it('filters a generated image, answering its size and the checksum of the filtered pixels', () => {
    expect(runCpuTask({ kind: 'filter-generated', filter: 'blur', size: 16 })).toEqual({
      width: 16,
      height: 16,
      checksum: imageChecksum(applyFilter(generateTestImage(16), 'blur')),
    });
    // The control: the checksum is not the unfiltered image's.
    expect(imageChecksum(applyFilter(generateTestImage(16), 'blur'))).not.toBe(
      imageChecksum(generateTestImage(16)),
    );
  });
});
