import { PNG } from 'pngjs';
import { InvalidImageError } from './errors';
import { assertRgbaImage, type RgbaImage } from './rgba-image';

/**
 * Encodes an RGBA image as an 8-bit RGBA PNG (pngjs defaults: adaptive row filters, zlib
 * level 9), so the output is byte-for-byte deterministic for a given zlib.
 *
 * @throws InvalidImageError when the image's data does not match its dimensions, or it has no
 *   pixels (a side of 0)
 */
export function encodePng(image: RgbaImage): Buffer {
  assertRgbaImage(image);
  // An RgbaImage may be empty (a filter maps 0x0 to 0x0), but a PNG may not: its IHDR width and
  // height are 1 to 2^31 - 1 (PNG spec 11.2.2), and decodePng, like any reader, refuses a 0.
  if (image.width === 0 || image.height === 0) {
    throw new InvalidImageError(
      `a PNG has at least one pixel a side, got ${image.width}x${image.height}`,
    );
  }
  // An empty PNG object (no width/height given) skips pngjs's own pixel buffer allocation;
  // the data is a view of the caller's bytes, which pngjs only reads.
  const png = new PNG();
  png.width = image.width;
  png.height = image.height;
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, { colorType: 6, inputColorType: 6, bitDepth: 8 });
}
