import { isUint8Array } from 'node:util/types';
import { InvalidImageError } from './errors';

/** A decoded image: 8-bit RGBA, 4 bytes per pixel, rows top to bottom, no padding. */
export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes. */
  data: Uint8Array;
}

/**
 * Checks that an image's shape is self-consistent before code indexes into it; an image that
 * crossed a thread or process boundary is only as trustworthy as whoever built it. (isUint8Array
 * rather than instanceof, so arrays from another realm, e.g. a vm context, are accepted.)
 *
 * @throws InvalidImageError when the dimensions are not non-negative integers or
 *   data.length !== width * height * 4
 */
export function assertRgbaImage(image: RgbaImage): void {
  const { width, height, data } = image;
  if (!Number.isSafeInteger(width) || width < 0 || !Number.isSafeInteger(height) || height < 0) {
    throw new InvalidImageError(
      `image dimensions must be non-negative integers, got ${width}x${height}`,
    );
  }
  if (!isUint8Array(data) || data.length !== width * height * 4) {
    throw new InvalidImageError(`image data must be ${width * height * 4} RGBA bytes`);
  }
}
