import type { RgbaImage } from './rgba-image';

/**
 * Luma per ITU-R 601-2, L = round((R * 299 + G * 587 + B * 114) / 1000), the formula PIL
 * documents for convert('L'); written back to R, G and B so the result stays RGBA. Alpha is
 * copied unchanged. Pure integer arithmetic, so results are identical on every platform.
 * Input is assumed valid (callers run assertRgbaImage).
 */
export function toGrayscale(image: RgbaImage): RgbaImage {
  const { width, height, data: src } = image;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const weighted =
      (src[i] as number) * 299 + (src[i + 1] as number) * 587 + (src[i + 2] as number) * 114;
    // + 500 then truncate = round half up; weighted is non-negative so `/ 1000 | 0` truncates.
    const luma = ((weighted + 500) / 1000) | 0;
    out[i] = luma;
    out[i + 1] = luma;
    out[i + 2] = luma;
    out[i + 3] = src[i + 3] as number;
  }
  return { width, height, data: out };
}
