import { constants as bufferConstants } from 'node:buffer';
import { isUint8Array } from 'node:util/types';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import { dataToBitMap } from 'pngjs/lib/bitmapper';
import { process as unfilter } from 'pngjs/lib/filter-parse-sync';
import formatNormaliser from 'pngjs/lib/format-normaliser';
import { getImagePasses } from 'pngjs/lib/interlace';
import Parser, { type PngMetadata } from 'pngjs/lib/parser';
import SyncReader from 'pngjs/lib/sync-reader';
import { InvalidImageError } from './errors';
import { readPngSize } from './read-png-size';
import type { RgbaImage } from './rgba-image';

/**
 * Decodes a PNG (any colour type at a bit depth the PNG spec allows for it, interlaced or not) to
 * 8-bit RGBA. A grey or RGB image's tRNS colour decodes as that colour at alpha 0.
 *
 * Decoding allocates width * height * 4 bytes whatever the file size, so run
 * {@link assertImageWithin} on untrusted input first. The compressed image data is never inflated
 * past the size the header declares, so that bound also holds for a decompression bomb (a small
 * IDAT that inflates to gigabytes).
 *
 * The returned `data` owns its whole ArrayBuffer (byteOffset 0, no pooled slab), so callers can
 * put `data.buffer` in a postMessage transfer list safely.
 *
 * @throws InvalidImageError when the bytes are not a valid PNG (bad signature, truncated,
 *   corrupt CRC or zlib stream, a colour type at a bit depth the spec forbids, image data that
 *   inflates to more or fewer bytes than the header declares or holds bytes after its zlib
 *   stream, ...); the underlying error, if any, is kept
 *   as `cause`
 */
export function decodePng(png: Uint8Array): RgbaImage {
  if (!isUint8Array(png)) {
    throw new InvalidImageError('PNG input must be a Uint8Array');
  }
  // Signature, IHDR first, sides 1 to 2^31 - 1: the checks every PNG reader here shares.
  readPngSize(png);
  // What pngjs would take from later chunks, before it reads any (see checkChunks).
  const { idatBytes } = checkChunks(png);
  // A view, not a copy: pngjs wants a Buffer, and Buffer.from(arrayBuffer, ...) shares memory.
  const { metadata, compressed } = readChunks(
    Buffer.from(png.buffer, png.byteOffset, png.byteLength),
    idatBytes,
  );
  checkDepth(metadata);
  const inflated = inflateExactly(compressed, metadata);

  let data: Buffer | Uint16Array;
  try {
    const bitmap = dataToBitMap(unfilter(inflated, metadata), metadata);
    let normalised = metadata;
    if (metadata.transColor !== undefined) {
      // Only an image with a tRNS colour pays for this pass; it takes the place of pngjs's own,
      // which is not run: format-normaliser is not told the colour.
      keepTransparentColour(bitmap, metadata.transColor);
      const { transColor: _applied, ...rest } = metadata;
      normalised = rest;
    }
    data = formatNormaliser(bitmap, normalised);
  } catch (error) {
    // pngjs throws plain Errors (and TypeErrors on some inputs); callers want one type.
    throw new InvalidImageError('not a valid PNG', { cause: error });
  }

  const { width, height } = metadata;
  // A guard: pngjs hands back 16-bit samples for a 16-bit palette image, which checkDepth refuses.
  if (!(data instanceof Uint8Array) || data.length !== width * height * 4) {
    throw new InvalidImageError('PNG decoded to an unexpected pixel layout');
  }
  const owned =
    data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
      ? new Uint8Array(data.buffer, 0, data.byteLength)
      : new Uint8Array(data); // copies into a fresh, unshared buffer
  return { width, height, data: owned };
}

/*
 * Why pngjs's pieces and not `PNG.sync.read`: pngjs 7.0.0's lib/parser-sync.js inflates an
 * interlaced image's data with no output limit (a 261 KB file inflated to 256 MiB before pngjs
 * noticed), and a non-interlaced one through lib/sync-inflate.js, which on Node 24 hands back its
 * whole uninitialised output buffer when the zlib stream ends early (stale process memory in the
 * decoded pixels). Below is the same pipeline as parser-sync.js (Parser over a SyncReader, then
 * filter-parse-sync, bitmapper, format-normaliser) with one bounded inflate in place of pngjs's.
 *
 * Measured before choosing (thread CPU time per decode of generateTestImage, median ratio to
 * PNG.sync.read, on a busy 2-core machine): this pipeline 0.8-1.0x at 256x256 and 0.6-0.8x at
 * 1024x1024 (pngjs's sync-inflate, the part it replaces, is the slower one); the alternative, a
 * bounded inflate to check the data and then PNG.sync.read, inflates twice: 1.2-1.4x and
 * 1.05-1.1x. The price is depending on pngjs's internals, typed in pngjs-internals.d.ts; a test
 * pins the version they were read from.
 */

/** A palette holds at most 256 entries of 3 bytes (PNG spec, 11.2.3). */
const MAX_PLTE_BYTES = 256 * 3;
/** Chunk types as their four bytes read big-endian. */
const IHDR = 0x49484452;
const PLTE = 0x504c5445;
const IDAT = 0x49444154;
const IEND = 0x49454e44;

/**
 * Walks the chunk headers (lengths and types only, nothing inflated or copied) and refuses what
 * pngjs would otherwise act on before any check of ours:
 * - a second IHDR: pngjs takes every IHDR and reports the last, so a file whose first IHDR (the
 *   one `readPngSize` and `assertImageWithin` read) says 16×16 decoded to 10000×10000 from a
 *   379 KiB upload, 1.2 GiB of memory (an 8000×8000 one through a live service);
 * - a PLTE over 256 entries, or a second PLTE (the spec allows one, 11.2.3): pngjs makes an
 *   array per entry and appends every PLTE's entries to the same palette, so an 8 MiB PLTE, or
 *   10,700 PLTEs of 256 entries in an 8 MiB upload, cost a pool thread 240-320 MiB of heap (its
 *   limit is 256) for a 1×1 image.
 * A chunk cut short is left to pngjs, which refuses it as truncated.
 *
 * @returns how many bytes of image data the IDAT chunks (those before IEND, whole) hold, so
 *   readChunks can collect them into one buffer of that size
 */
function checkChunks(png: Uint8Array): { idatBytes: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let headers = 0;
  let palettes = 0;
  let idatBytes = 0;
  for (let at = 8; at + 8 <= png.length;) {
    const length = view.getUint32(at);
    const type = view.getUint32(at + 4);
    if (type === IHDR && ++headers > 1) throw new InvalidImageError('PNG has a second IHDR chunk');
    if (type === PLTE && length > MAX_PLTE_BYTES)
      throw new InvalidImageError(`PNG palette of ${length} bytes (at most ${MAX_PLTE_BYTES})`);
    if (type === PLTE && ++palettes > 1) throw new InvalidImageError('PNG has a second PLTE chunk');
    // Only whole chunks: the sum then never exceeds the input, whatever a length field says.
    if (type === IDAT && at + 12 + length <= png.length) idatBytes += length;
    if (type === IEND) break;
    at += 12 + length;
  }
  return { idatBytes };
}

/**
 * The header and the concatenated IDAT data, as lib/parser-sync.js collects them, except that
 * the data is copied into one buffer of `idatBytes` (checkChunks's sum) as it arrives:
 * parser-sync.js keeps a Buffer per IDAT chunk until the end, and a valid 400×400 PNG split into
 * 640,501 one-byte IDATs (or 699,034 empty ones) in an 8 MiB upload held 215-258 MiB of heap.
 * Chunks still cost pngjs some work each (about 0.3 s for 700,000 in an 8 MiB upload, as long as
 * decoding a valid 8 MiB image takes, 11-58 MiB of heap): no worse than a valid upload of that
 * size, so their number has no cap (the spec sets none; some encoders write an IDAT per row).
 */
function readChunks(
  input: Buffer,
  idatBytes: number,
): { metadata: PngMetadata; compressed: Buffer } {
  let metadata: PngMetadata | undefined;
  let parseError: Error | undefined;
  const compressed = Buffer.alloc(idatBytes);
  let collected = 0;
  // The Parser reports IHDR first or fails, so the callbacks after it always have metadata.
  const header = (): PngMetadata => {
    if (metadata === undefined) throw new Error('PNG chunk before IHDR');
    return metadata;
  };
  try {
    const reader = new SyncReader(input);
    const parser = new Parser(
      {},
      {
        read: (length, callback) => reader.read(length, callback),
        error: (error) => (parseError = error),
        metadata: (value) => (metadata = value),
        gamma: () => undefined, // decodePng does not report gamma
        palette: (palette) => (header().palette = palette),
        transColor: (color) => (header().transColor = color),
        // Buffer#copy stops at the end of `compressed`: an IDAT cut short, which checkChunks did
        // not count, cannot overrun it, and pngjs then refuses the file as truncated.
        inflateData: (data) => (collected += data.copy(compressed, collected)),
        simpleTransparency: () => (header().alpha = true),
      },
    );
    parser.start();
    reader.process();
    if (parseError !== undefined) throw parseError;
    return { metadata: header(), compressed: compressed.subarray(0, collected) };
  } catch (error) {
    throw new InvalidImageError('not a valid PNG', { cause: error });
  }
}

/** The largest zlib output chunk inflateExactly asks for (see there). */
const MAX_INFLATE_CHUNK = 2 ** 30;

/**
 * Inflates the image data, refusing it unless it inflates to exactly the size the header
 * declares. Memory stays within that size whatever the data: zlib stops at maxOutputLength.
 */
function inflateExactly(compressed: Buffer, metadata: PngMetadata): Buffer {
  const { width, height } = metadata;
  const expected = inflatedSize(metadata);
  // Only reachable without assertImageWithin; zlib takes no larger limit, Buffer holds no more.
  if (expected > bufferConstants.MAX_LENGTH || width * height * 4 > bufferConstants.MAX_LENGTH) {
    throw new InvalidImageError(`PNG declares a ${width}x${height} image, too large to decode`);
  }

  let inflated: Buffer;
  let consumed: number;
  try {
    // One output chunk one byte longer than expected: a valid stream then inflates into a single
    // allocation with no final copy (zlib's default 16 KiB chunks are concatenated at the end,
    // twice the memory at the peak and ~20 % slower at 1024x1024), and ends with room to spare,
    // so zlib does not allocate a further chunk to look for more output. The chunk is
    // uninitialised (never read past what zlib wrote), so a stream that ends early commits only
    // the pages it wrote; one that runs on stops at maxOutputLength. Capped at 1 GiB: Node 24's
    // zlib passes the chunk size to C++ as a uint32, and a chunk of 4 GiB or more wraps round
    // (inflateSync then reports output it never wrote).
    // `info: true` hands back the engine too: its bytesWritten is how much input zlib consumed,
    // which stops at the end of the zlib stream (Node's inflate drops anything after it).
    const { buffer, engine } = inflateSync(compressed, {
      chunkSize: Math.min(Math.max(expected + 1, zlibConstants.Z_MIN_CHUNK), MAX_INFLATE_CHUNK),
      maxOutputLength: expected,
      info: true,
    }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    inflated = buffer;
    consumed = engine.bytesWritten;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InvalidImageError(
        `PNG image data inflates beyond the ${expected} bytes its header declares ` +
          `(${describe(metadata)})`,
        { cause: error },
      );
    }
    throw new InvalidImageError('PNG image data is not a complete zlib stream', { cause: error });
  }
  // The IDAT data is one zlib stream (PNG spec 1.2, section 5) and that ends with its Adler-32
  // (RFC 1950): bytes after it make the file invalid, however libpng's defaults treat them.
  if (consumed !== compressed.length) {
    throw new InvalidImageError(
      `PNG image data has ${compressed.length - consumed} bytes after the end of its zlib stream`,
    );
  }
  if (inflated.length !== expected) {
    throw new InvalidImageError(
      `PNG image data inflates to ${inflated.length} bytes, not the ${expected} its header ` +
        `declares (${describe(metadata)})`,
    );
  }
  return inflated;
}

/** The bit depths the PNG spec allows for each colour type (Table 11.1). */
const DEPTHS_OF: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/**
 * Refuses a colour type and bit depth the spec forbids together. pngjs checks each alone and
 * decoded RGB at 1 bit or RGBA at 4 bits as if they were allowed (a 16-bit palette image it
 * handed back as 16-bit samples).
 */
function checkDepth(metadata: PngMetadata): void {
  const allowed = DEPTHS_OF[metadata.colorType] ?? [];
  if (!allowed.includes(metadata.depth)) {
    throw new InvalidImageError(
      `PNG colour type ${metadata.colorType} (${typeName(metadata)}) at bit depth ${metadata.depth}, which ` +
        `the PNG spec forbids (allowed: ${allowed.join(', ')})`,
    );
  }
}

/**
 * A grey or RGB image's tRNS colour made transparent: alpha 0, the colour kept (PNG spec,
 * 11.3.2.1). pngjs's format-normaliser set all four samples to 0 instead, and a blur then smeared
 * black onto the opaque pixels next to them. Runs on the bitmap before its samples are scaled to
 * 8 bits, so the colour is matched at the image's own depth (a 16-bit one exactly, a 2-bit grey's
 * tRNS value in 0-3); a grey's R, G and B are one sample, so R alone is compared.
 */
function keepTransparentColour(bitmap: Buffer | Uint16Array, transColor: number[]): void {
  const [red, green = red, blue = red] = transColor;
  const grey = transColor.length === 1;
  for (let at = 0; at < bitmap.length; at += 4) {
    if (bitmap[at] === red && (grey || (bitmap[at + 1] === green && bitmap[at + 2] === blue))) {
      bitmap[at + 3] = 0;
    }
  }
}

/** `16x16 RGBA 8-bit interlaced`: what the size was computed from, for error messages. */
function describe(metadata: PngMetadata): string {
  const { width, height, depth, interlace } = metadata;
  return `${width}x${height} ${typeName(metadata)} ${depth}-bit${interlace ? ' interlaced' : ''}`;
}

/** `RGBA` for colour type 6, and so on. */
function typeName({ colorType }: PngMetadata): string {
  return ['grey', '', 'RGB', 'palette', 'grey+alpha', '', 'RGBA'][colorType] ?? 'unknown';
}

/**
 * The exact length of the inflated image data: per row (per pass row when interlaced) one
 * filter-type byte plus the row's samples packed to whole bytes. `bpp` is pngjs's name for the
 * number of channels. The Adam7 passes are pngjs's own (`getImagePasses`, which drops the empty
 * ones of images narrower or shorter than 8 pixels): the size is then exactly what its
 * filter-parse-sync will read.
 */
function inflatedSize({ width, height, bpp: channels, depth, interlace }: PngMetadata): number {
  const rowBytes = (pixels: number) => 1 + Math.ceil((pixels * channels * depth) / 8);
  if (!interlace) return height * rowBytes(width);
  return getImagePasses(width, height).reduce(
    (size, pass) => size + pass.height * rowBytes(pass.width),
    0,
  );
}
