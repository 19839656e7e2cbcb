import { ImageTooLargeError, InvalidArgumentError } from './errors';
import { readPngSize } from './read-png-size';

/**
 * Rejects a PNG whose header declares a side longer than `maxSide`, without decoding it.
 * Call this on untrusted bytes before {@link decodePng}.
 *
 * @param maxSide largest allowed width and height in pixels, a positive integer
 * @returns the declared dimensions
 * @throws InvalidImageError when the bytes are not a PNG
 * @throws ImageTooLargeError when width or height exceeds maxSide
 * @throws InvalidArgumentError when maxSide is not a positive integer (a NaN limit would
 *   otherwise silently let everything through)
 */
export function assertImageWithin(
  png: Uint8Array,
  maxSide: number,
): { width: number; height: number } {
  if (!Number.isSafeInteger(maxSide) || maxSide < 1) {
    throw new InvalidArgumentError(`maxSide must be a positive integer, got ${maxSide}`);
  }
  const size = readPngSize(png);
  if (size.width > maxSide || size.height > maxSide) throw new ImageTooLargeError(size, maxSide);
  return size;
}
