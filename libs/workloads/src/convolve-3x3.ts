import type { RgbaImage } from './rgba-image';

// Nine weights, row-major; a tuple so destructuring yields numbers, not number | undefined.
type Weights3x3 = readonly [number, number, number, number, number, number, number, number, number];

/** A 3x3 kernel, applied as: clamp(round(sum(weights[i] * pixel[i]) / scale + offset)). */
export interface Kernel3x3 {
  readonly weights: Weights3x3;
  readonly scale: number;
  readonly offset: number;
}

/**
 * Convolves R, G and B with a 3x3 kernel into a new image; alpha is copied unchanged.
 * Pixels outside the image take the value of the nearest edge pixel (edge replication), so a
 * uniform image stays uniform under a kernel whose weights sum to `scale`.
 *
 * Hot loop: the kernel lives in locals and neighbour offsets are precomputed per row and per
 * column, so there is no allocation and no bounds logic per sample. Input is assumed valid
 * (callers run assertRgbaImage).
 */
export function convolve3x3(image: RgbaImage, kernel: Kernel3x3): RgbaImage {
  const { width, height, data: src } = image;
  const out = new Uint8Array(src.length);
  const [k0, k1, k2, k3, k4, k5, k6, k7, k8] = kernel.weights;
  const { scale, offset } = kernel;
  const stride = width * 4;
  const lastX = width - 1;
  const lastY = height - 1;

  for (let y = 0; y < height; y++) {
    const rowMid = y * stride;
    const rowUp = (y > 0 ? y - 1 : 0) * stride;
    const rowDown = (y < lastY ? y + 1 : lastY) * stride;

    for (let x = 0; x < width; x++) {
      const colMid = x * 4;
      const colLeft = (x > 0 ? x - 1 : 0) * 4;
      const colRight = (x < lastX ? x + 1 : lastX) * 4;
      const a0 = rowUp + colLeft;
      const a1 = rowUp + colMid;
      const a2 = rowUp + colRight;
      const a3 = rowMid + colLeft;
      const a4 = rowMid + colMid;
      const a5 = rowMid + colRight;
      const a6 = rowDown + colLeft;
      const a7 = rowDown + colMid;
      const a8 = rowDown + colRight;

      for (let c = 0; c < 3; c++) {
        // `as number`: every index is in range by construction, which noUncheckedIndexedAccess
        // cannot see; a `?? 0` here would cost a branch per sample.
        const sum =
          k0 * (src[a0 + c] as number) +
          k1 * (src[a1 + c] as number) +
          k2 * (src[a2 + c] as number) +
          k3 * (src[a3 + c] as number) +
          k4 * (src[a4 + c] as number) +
          k5 * (src[a5 + c] as number) +
          k6 * (src[a6 + c] as number) +
          k7 * (src[a7 + c] as number) +
          k8 * (src[a8 + c] as number);
        const value = Math.round(sum / scale + offset);
        // Explicit clamp: a Uint8Array store would wrap (256 -> 0), not saturate.
        out[a4 + c] = value < 0 ? 0 : value > 255 ? 255 : value;
      }
      out[a4 + 3] = src[a4 + 3] as number;
    }
  }

  return { width, height, data: out };
}
