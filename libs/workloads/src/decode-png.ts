import { isUint8Array } from 'node:util/types';
import { PNG } from 'pngjs';
import { InvalidImageError } from './errors';
import type { RgbaImage } from './rgba-image';

/**
 * Decodes a PNG (any colour type, bit depth or interlacing pngjs supports) to 8-bit RGBA.
 *
 * Decoding allocates width * height * 4 bytes whatever the file size, so run
 * {@link assertImageWithin} on untrusted input first.
 *
 * The returned `data` owns its whole ArrayBuffer (byteOffset 0, no pooled slab), so callers can
 * put `data.buffer` in a postMessage transfer list safely.
 *
 * @throws InvalidImageError when the bytes are not a valid PNG (bad signature, truncated,
 *   corrupt CRC or zlib stream, ...); the pngjs error is kept as `cause`
 */
export function decodePng(png: Uint8Array): RgbaImage {
  if (!isUint8Array(png)) {
    throw new InvalidImageError('PNG input must be a Uint8Array');
  }
  let decoded: { width: number; height: number; data: Buffer };
  try {
    // A view, not a copy: pngjs wants a Buffer, and Buffer.from(arrayBuffer, ...) shares memory.
    decoded = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  } catch (error) {
    // pngjs throws plain Errors (and TypeErrors on some truncations); callers want one type.
    throw new InvalidImageError('not a valid PNG', { cause: error });
  }

  const { width, height, data } = decoded;
  if (data.length !== width * height * 4) {
    throw new InvalidImageError('PNG decoded to an unexpected pixel layout');
  }
  const owned =
    data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
      ? new Uint8Array(data.buffer, 0, data.byteLength)
      : new Uint8Array(data); // copies into a fresh, unshared buffer
  return { width, height, data: owned };
}
