import { convolve3x3, type Kernel3x3 } from './convolve-3x3';
import { InvalidArgumentError } from './errors';
import { assertRgbaImage, type RgbaImage } from './rgba-image';
import { toGrayscale } from './to-grayscale';

/** The filters {@link applyFilter} knows. */
export type FilterName = 'blur' | 'sharpen' | 'contour' | 'emboss' | 'grayscale';

/** Every {@link FilterName}, e.g. for request validation or to iterate in benchmarks. */
export const FILTER_NAMES: readonly FilterName[] = Object.freeze([
  'blur',
  'sharpen',
  'contour',
  'emboss',
  'grayscale',
] as const);

// Weights, scale and offset as PIL's ImageFilter defines them, except BLUR: PIL's is a 5x5
// kernel, and our contract is 3x3 convolutions, so `blur` is the 3x3 box blur instead.
const KERNELS: Readonly<Record<Exclude<FilterName, 'grayscale'>, Kernel3x3>> = {
  blur: { weights: [1, 1, 1, 1, 1, 1, 1, 1, 1], scale: 9, offset: 0 },
  sharpen: { weights: [-2, -2, -2, -2, 32, -2, -2, -2, -2], scale: 16, offset: 0 },
  contour: { weights: [-1, -1, -1, -1, 8, -1, -1, -1, -1], scale: 1, offset: 255 },
  emboss: { weights: [-1, 0, 0, 0, 1, 0, 0, 0, 0], scale: 1, offset: 128 },
};

/**
 * Applies a named filter and returns a NEW image; the input is never modified.
 *
 * Convolution filters work on R, G and B with edge replication at the borders; alpha is copied.
 * `grayscale` is a per-pixel luma conversion, not a convolution.
 *
 * @throws InvalidImageError when the image's data does not match its dimensions
 * @throws InvalidArgumentError when `filter` is not one of {@link FILTER_NAMES}
 */
export function applyFilter(image: RgbaImage, filter: FilterName): RgbaImage {
  assertRgbaImage(image);
  if (filter === 'grayscale') return toGrayscale(image);
  // Own-property check: the name may come straight from a request, and 'toString' must not match.
  if (!Object.hasOwn(KERNELS, filter)) {
    throw new InvalidArgumentError(`unknown filter ${JSON.stringify(filter)}`);
  }
  return convolve3x3(image, KERNELS[filter]);
}
