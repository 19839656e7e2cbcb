import { encodePng, generateTestImage } from '@concurrency-lab/workloads';

/** A small valid PNG cut from the deterministic test image. */
export function tinyPng(width = 8, height = 8): Buffer {
  const src = generateTestImage(Math.max(16, width, height));
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    data.set(src.data.subarray(y * src.width * 4, y * src.width * 4 + width * 4), y * width * 4);
  }
  return encodePng({ width, height, data });
}

/** A PNG whose header claims `side`×`side` pixels: the bytes of a small PNG, IHDR patched. */
export function pngClaiming(side: number): Buffer {
  const png = Buffer.from(tinyPng());
  png.writeUInt32BE(side, 16);
  png.writeUInt32BE(side, 20);
  return png;
}
