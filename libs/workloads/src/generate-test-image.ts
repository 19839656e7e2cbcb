import { InvalidArgumentError } from './errors';
import type { RgbaImage } from './rgba-image';

/**
 * A deterministic size x size test picture: a red horizontal and green vertical gradient, an
 * 8x8 blue checkerboard, and a centred circle with inverted colours. It has smooth areas, hard
 * edges and curves, so every filter visibly changes it. Alpha is 255 everywhere.
 *
 * Integer arithmetic only (no Math.sin / Math.sqrt), so the bytes are identical on every call,
 * platform and engine version: benchmarks and pinned checksums rely on that.
 *
 * @param size side length in pixels, a positive integer
 * @throws InvalidArgumentError when size is not a positive integer
 */
export function generateTestImage(size: number): RgbaImage {
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new InvalidArgumentError(`size must be a positive integer, got ${size}`);
  }
  const data = new Uint8Array(size * size * 4);
  const span = Math.max(1, size - 1);
  const cell = Math.max(1, size >> 3);
  // Doubled coordinates keep the centre exact for even sizes: centre = (size - 1) / 2.
  const centre2 = size - 1;
  // Radius size / 3, doubled then squared: (2 * size / 3)^2, floored to stay in integers.
  const radius2Squared = Math.floor((4 * size * size) / 9);

  let i = 0;
  for (let y = 0; y < size; y++) {
    const green = Math.floor((y * 255) / span);
    const dy = 2 * y - centre2;
    for (let x = 0; x < size; x++) {
      let r = Math.floor((x * 255) / span);
      let g = green;
      let b = ((Math.floor(x / cell) + Math.floor(y / cell)) & 1) === 0 ? 48 : 208;
      const dx = 2 * x - centre2;
      if (dx * dx + dy * dy <= radius2Squared) {
        r = 255 - r;
        g = 255 - g;
        b = 255 - b;
      }
      data[i++] = r;
      data[i++] = g;
      data[i++] = b;
      data[i++] = 255;
    }
  }
  return { width: size, height: size, data };
}
