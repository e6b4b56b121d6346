/**
 * TEST-ONLY helpers: tiny dataset files in the exact official formats (IDX, CIFAR-10 binary, ustar tar,
 * gzip), for tests of the parsers and of the prepare scripts. Not imported by app code.
 */

/** Pixel value generator for IDX images: image i, row r, column c → 0..255. */
export type IdxPixel = (i: number, row: number, col: number) => number;
/** Pixel value generator for CIFAR images: image i, row r, column c, channel k (0 R, 1 G, 2 B) → 0..255. */
export type CifarPixel = (i: number, row: number, col: number, channel: number) => number;

/** Default IDX pattern: distinct enough that a transposed or shifted read shows. */
export const idxTestPixel: IdxPixel = (i, row, col) => (i * 31 + row * 7 + col * 3) & 0xff;

/** Default CIFAR pattern: every (image, row, col, channel) combination of a tiny fixture differs. */
export const cifarTestPixel: CifarPixel = (i, row, col, channel) => (i * 17 + row * 5 + col * 3 + channel * 101) & 0xff;

function writeU32BE(out: Uint8Array, offset: number, value: number): void {
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(offset, value, false);
}

/** An IDX image file (magic 0x00000803): count images of height × width from `pixel`. */
export function makeIdxImages(count: number, height: number, width: number, pixel: IdxPixel = idxTestPixel): Uint8Array {
  const out = new Uint8Array(16 + count * height * width);
  writeU32BE(out, 0, 0x00000803);
  writeU32BE(out, 4, count);
  writeU32BE(out, 8, height);
  writeU32BE(out, 12, width);
  let o = 16;
  for (let i = 0; i < count; i++) {
    for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) out[o++] = pixel(i, r, c);
  }
  return out;
}

/** An IDX label file (magic 0x00000801) holding `labels`. */
export function makeIdxLabels(labels: readonly number[]): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  writeU32BE(out, 0, 0x00000801);
  writeU32BE(out, 4, labels.length);
  out.set(labels, 8);
  return out;
}

/**
 * A CIFAR-10 binary file in the official record format: per record 1 label byte, then the 32×32 red plane,
 * green plane, blue plane (row-major), pixel values from `pixel`.
 */
export function makeCifarBatch(labels: readonly number[], pixel: CifarPixel = cifarTestPixel): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, i) => {
    const rec = i * 3073;
    out[rec] = label;
    for (let k = 0; k < 3; k++) {
      for (let r = 0; r < 32; r++) {
        for (let c = 0; c < 32; c++) out[rec + 1 + k * 1024 + r * 32 + c] = pixel(i, r, c, k);
      }
    }
  });
  return out;
}

/** One entry of {@link makeTar}. `type` '0' is a regular file (default), '5' a directory. */
export interface TarEntry {
  readonly name: string;
  readonly bytes?: Uint8Array;
  readonly type?: '0' | '5';
}

function writeString(block: Uint8Array, offset: number, length: number, s: string): void {
  const bytes = new TextEncoder().encode(s);
  if (bytes.length > length) throw new Error(`tar fixture: "${s}" does not fit in ${length} bytes`);
  block.set(bytes, offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

/**
 * A POSIX ustar archive of `entries` (as GNU tar or Python's tarfile write it), ended by two zero blocks.
 * Names longer than 100 bytes are split into the ustar prefix field.
 */
export function makeTar(entries: readonly TarEntry[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    const data = entry.bytes ?? new Uint8Array(0);
    const header = new Uint8Array(512);
    let name = entry.name;
    let prefix = '';
    if (name.length > 100) {
      const cut = name.lastIndexOf('/', name.length - 2);
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
    writeString(header, 0, 100, name);
    writeOctal(header, 100, 8, entry.type === '5' ? 0o755 : 0o644);
    writeOctal(header, 108, 8, 1000);
    writeOctal(header, 116, 8, 1000);
    writeOctal(header, 124, 12, data.length);
    writeOctal(header, 136, 12, 1_230_000_000);
    header.fill(0x20, 148, 156);
    header[156] = (entry.type ?? '0').charCodeAt(0);
    writeString(header, 257, 6, 'ustar\0');
    writeString(header, 263, 2, '00');
    writeString(header, 265, 32, 'user');
    writeString(header, 297, 32, 'user');
    writeString(header, 345, 155, prefix);
    let sum = 0;
    for (const b of header) sum += b;
    writeString(header, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
    blocks.push(header);
    if (data.length > 0) {
      const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
      padded.set(data);
      blocks.push(padded);
    }
  }
  blocks.push(new Uint8Array(1024));
  const total = blocks.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const b of blocks) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/** gzip-compresses `bytes` with the platform's CompressionStream (Node ≥ 18, browsers). */
export async function gzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The official class-name file of the binary version: 10 names, one per line, then a blank line. */
export function makeCifarMeta(names: readonly string[]): Uint8Array {
  return new TextEncoder().encode(names.join('\n') + '\n\n');
}

/** Options of {@link makeCifarArchive}. */
export interface CifarArchiveOptions {
  /** Labels of each training batch; batch k (0-based) is written as data_batch_{k+1}.bin. */
  readonly trainBatches: readonly (readonly number[])[];
  /** Labels of test_batch.bin; omit to leave test_batch.bin out of the archive. */
  readonly testLabels?: readonly number[];
  /** Class names for batches.meta.txt; omit to leave the file out. */
  readonly metaNames?: readonly string[];
  /** Pixel pattern; the test batch uses image indices offset by 1,000 so it differs from training data. */
  readonly pixel?: CifarPixel;
  /** gzip the tar (default true), like the official cifar-10-binary.tar.gz. */
  readonly gzip?: boolean;
}

/**
 * A miniature `cifar-10-binary.tar.gz` with the official layout: directory `cifar-10-batches-bin/` holding
 * data_batch_N.bin, test_batch.bin, batches.meta.txt and a readme.html.
 */
export async function makeCifarArchive(opts: CifarArchiveOptions): Promise<Uint8Array> {
  const pixel = opts.pixel ?? cifarTestPixel;
  const dir = 'cifar-10-batches-bin/';
  const entries: TarEntry[] = [{ name: dir, type: '5' }];
  if (opts.metaNames) entries.push({ name: dir + 'batches.meta.txt', bytes: makeCifarMeta(opts.metaNames) });
  opts.trainBatches.forEach((labels, k) => {
    entries.push({ name: `${dir}data_batch_${k + 1}.bin`, bytes: makeCifarBatch(labels, pixel) });
  });
  if (opts.testLabels) {
    entries.push({
      name: dir + 'test_batch.bin',
      bytes: makeCifarBatch(opts.testLabels, (i, r, c, k) => pixel(i + 1000, r, c, k)),
    });
  }
  entries.push({ name: dir + 'readme.html', bytes: new TextEncoder().encode('<html>fixture</html>\n') });
  const tar = makeTar(entries);
  return opts.gzip === false ? tar : gzipBytes(tar);
}
