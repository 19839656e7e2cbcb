/**
 * Tasks of the `pool-map` demo — the guide's image batch, one image per task: decode a PNG,
 * apply a filter, encode the result. The executors run them in worker threads and child
 * processes; the demo's serial loop calls `processImage` directly.
 */
import { transfer } from '@concurrency-lab/executors/worker';
import {
  applyFilter,
  decodePng,
  encodePng,
  imageChecksum,
  type FilterName,
} from '@concurrency-lab/workloads';

export interface ImageJob {
  png: Uint8Array;
  filter: FilterName;
}

export interface ImageResult {
  /** The filtered image, PNG-encoded, in a buffer of its own. */
  png: Uint8Array<ArrayBuffer>;
  /** Of the filtered pixels: equal wherever the task ran. */
  checksum: string;
}

export function processImage({ png, filter }: ImageJob): ImageResult {
  const filtered = applyFilter(decodePng(png), filter);
  // encodePng's Buffer may be a view of a shared slab; a copy of its own can be moved.
  return { png: new Uint8Array(encodePng(filtered)), checksum: imageChecksum(filtered) };
}

/** A task: the result's buffer moves back to the caller on a thread (copied by a process). */
export function filterPng(job: ImageJob): ImageResult {
  const result = processImage(job);
  return transfer(result, [result.png.buffer]);
}

/** A task that only sends its argument back: what the trip costs without the work. */
export function echo<T>(value: T): T {
  return value;
}
