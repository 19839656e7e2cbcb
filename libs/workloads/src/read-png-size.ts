import { isUint8Array } from 'node:util/types';
import { InvalidImageError } from './errors';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
// Signature (8) + IHDR length (4) + type (4) + width (4) + height (4).
const HEADER_BYTES = 24;
const IHDR_DATA_LENGTH = 13;
// The PNG spec limits each side to 2^31 - 1.
const MAX_PNG_SIDE = 0x7fffffff;

/**
 * Reads a PNG's dimensions from its IHDR chunk without decompressing anything, so a
 * decompression bomb (tiny file, huge declared size) can be rejected before it allocates.
 *
 * Only the header is checked; a PNG that passes may still fail {@link decodePng}.
 *
 * @throws InvalidImageError when the bytes do not start with a PNG signature followed by a
 *   well-formed IHDR chunk header with non-zero dimensions
 */
export function readPngSize(png: Uint8Array): { width: number; height: number } {
  if (!isUint8Array(png) || png.length < HEADER_BYTES) {
    throw new InvalidImageError('too short to be a PNG');
  }
  for (let i = 0; i < PNG_SIGNATURE.length; i++) {
    if (png[i] !== PNG_SIGNATURE[i]) throw new InvalidImageError('missing PNG signature');
  }

  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  // IHDR must be the first chunk: 13 data bytes, type "IHDR"; both fields are big-endian.
  const isIhdr =
    view.getUint32(8) === IHDR_DATA_LENGTH &&
    png[12] === 0x49 && // I
    png[13] === 0x48 && // H
    png[14] === 0x44 && // D
    png[15] === 0x52; // R
  if (!isIhdr) throw new InvalidImageError('first PNG chunk is not IHDR');

  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0 || width > MAX_PNG_SIDE || height > MAX_PNG_SIDE) {
    throw new InvalidImageError(`invalid PNG dimensions ${width}x${height}`);
  }
  return { width, height };
}
