import { assertRgbaImage, type RgbaImage } from './rgba-image';

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * FNV-1a (32-bit) over width and height (each as 4 big-endian bytes) then the pixel data, as 8
 * lowercase hex characters. Cheap and stable, for comparing results across threads/processes
 * and pinning expected outputs in tests; not a cryptographic hash.
 *
 * @throws InvalidImageError when the image's data does not match its dimensions
 */
export function imageChecksum(image: RgbaImage): string {
  assertRgbaImage(image);
  let hash = FNV_OFFSET_BASIS;
  for (const word of [image.width, image.height]) {
    for (let shift = 24; shift >= 0; shift -= 8) {
      hash = Math.imul(hash ^ ((word >>> shift) & 0xff), FNV_PRIME);
    }
  }
  const data = image.data;
  for (let i = 0; i < data.length; i++) {
    // Math.imul keeps the multiply in 32 bits; a plain `*` would lose low bits past 2^53.
    hash = Math.imul(hash ^ (data[i] as number), FNV_PRIME);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
