/**
 * Types for the pieces of pngjs 7.0.0 (pinned in the root package-lock) that its synchronous
 * reader, lib/parser-sync.js, is assembled from; decode-png.ts assembles them the same way but
 * inflates the image data itself. Only what decode-png.ts uses is declared. pngjs's package.json
 * has no "exports" field, so these deep requires resolve; re-check both on a pngjs upgrade.
 */

declare module 'pngjs/lib/parser' {
  /** Walks the chunks (checking CRCs), reporting each to its dependencies. */
  class Parser {
    constructor(options: { checkCRC?: boolean }, dependencies: Parser.ParserDependencies);
    start(): void;
  }

  namespace Parser {
    /** What IHDR declares, as lib/parser.js reports it (then amended by the callbacks). */
    interface PngMetadata {
      width: number;
      height: number;
      /** Bits per sample: 1, 2, 4, 8 or 16. */
      depth: 1 | 2 | 4 | 8 | 16;
      interlace: boolean;
      /** A flag from IHDR, replaced by the PLTE entries ([r, g, b, a]) once they are read. */
      palette: boolean | number[][];
      color: boolean;
      /** From IHDR, set to true by a tRNS chunk. */
      alpha: boolean;
      /** Samples per pixel (channels): 1, 3, 1, 2 or 4 for colour types 0, 2, 3, 4, 6. */
      bpp: 1 | 2 | 3 | 4;
      colorType: 0 | 2 | 3 | 4 | 6;
      /** The tRNS colour of a grey or RGB image. */
      transColor?: number[];
    }

    interface ParserDependencies {
      /** Queues a read of `length` bytes (at most -length when negative). */
      read(length: number, callback: (data: Buffer) => void): void;
      error(error: Error): void;
      metadata(metadata: PngMetadata): void;
      gamma(gamma: number): void;
      palette(palette: number[][]): void;
      transColor(color: number[]): void;
      /** Called with each IDAT chunk's data, still deflated. */
      inflateData(data: Buffer): void;
      simpleTransparency(): void;
    }
  }

  export = Parser;
}

declare module 'pngjs/lib/sync-reader' {
  /** Serves queued reads from one buffer; process() throws when they do not use it exactly. */
  class SyncReader {
    constructor(buffer: Buffer);
    read(length: number, callback: (data: Buffer) => void): void;
    process(): void;
  }

  export = SyncReader;
}

declare module 'pngjs/lib/filter-parse-sync' {
  import type { PngMetadata } from 'pngjs/lib/parser';

  /** Undoes the row filters of the inflated data (every pass when interlaced). */
  export function process(inflated: Buffer, metadata: PngMetadata): Buffer;
}

declare module 'pngjs/lib/interlace' {
  /** The non-empty Adam7 passes of a width x height image, each as a small image. */
  export function getImagePasses(
    width: number,
    height: number,
  ): { width: number; height: number; index: number }[];
}

declare module 'pngjs/lib/bitmapper' {
  import type { PngMetadata } from 'pngjs/lib/parser';

  /** Unfiltered rows to width * height * 4 samples: bytes up to 8-bit depth, else 16-bit. */
  export function dataToBitMap(unfiltered: Buffer, metadata: PngMetadata): Buffer | Uint16Array;
}

declare module 'pngjs/lib/format-normaliser' {
  import type { PngMetadata } from 'pngjs/lib/parser';

  /** Applies palette and tRNS, and scales samples to 8 bits unless skipRescale. */
  function formatNormaliser(
    bitmap: Buffer | Uint16Array,
    metadata: PngMetadata,
    skipRescale?: boolean,
  ): Buffer | Uint16Array;

  export = formatNormaliser;
}
