import { PNG } from 'pngjs';
import { assertRgbaImage, type RgbaImage } from './rgba-image';

/**
 * Encodes an RGBA image as an 8-bit RGBA PNG (pngjs defaults: adaptive row filters, zlib
 * level 9), so the output is byte-for-byte deterministic for a given zlib.
 *
 * @throws InvalidImageError when the image's data does not match its dimensions
 */
export function encodePng(image: RgbaImage): Buffer {
  assertRgbaImage(image);
  // An empty PNG object (no width/height given) skips pngjs's own pixel buffer allocation;
  // the data is a view of the caller's bytes, which pngjs only reads.
  const png = new PNG();
  png.width = image.width;
  png.height = image.height;
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, { colorType: 6, inputColorType: 6, bitDepth: 8 });
}
