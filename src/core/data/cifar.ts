/**
 * CIFAR-10, binary version (https://www.cs.toronto.edu/~kriz/cifar.html, `cifar-10-binary.tar.gz`).
 *
 * Each file is a run of 3,073-byte records: 1 label byte (0..9), then 3,072 pixel bytes — the 1,024 red
 * values, then 1,024 green, then 1,024 blue, each plane row-major 32×32 (channels first, CHW).
 * The parsers here convert to channels last (HWC), the layout of {@link ImageSet}.
 *
 * Two ways in:
 * - `scripts/prepare-cifar.mjs` writes `data/cifar10/{train.bin.gz,test.bin.gz,batches.meta.txt}`
 *   ({@link CIFAR_PREPARED_FILES}); the worker fetches them and calls {@link loadCifarFromFiles}.
 * - The user picks `cifar-10-binary.tar.gz` (or the loose `.bin` files) in the app; the same
 *   {@link loadCifarFromFiles} takes them.
 */
import { CIFAR10_CLASSES } from './classes';
import { gunzipIfNeeded, isGzip } from './idx';
import { DataFormatError, type DatasetSplit, type ImageSet } from './types';

export { CIFAR10_CLASSES, FASHION_CLASSES, MNIST_CLASSES } from './classes';

/** Image side in pixels. */
export const CIFAR_SIDE = 32;
/** Colour channels (RGB). */
export const CIFAR_CHANNELS = 3;
/** Pixel bytes per image: 32 × 32 × 3 = 3,072. */
export const CIFAR_IMAGE_BYTES = CIFAR_SIDE * CIFAR_SIDE * CIFAR_CHANNELS;
/** Bytes per record in the official binary files: 1 label byte + 3,072 pixel bytes. */
export const CIFAR_RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES;
/** Records in each official data_batch_N.bin and in test_batch.bin. */
export const CIFAR_RECORDS_PER_BATCH = 10_000;

/**
 * File names of the prepared copy under `data/cifar10/` written by `scripts/prepare-cifar.mjs`:
 * `train.bin.gz` is data_batch_1..5 concatenated (official record format, 50,000 records), gzip'd;
 * `test.bin.gz` is test_batch.bin gzip'd; `batches.meta.txt` is the official class-name file.
 */
export const CIFAR_PREPARED_FILES = Object.freeze({
  train: 'train.bin.gz',
  test: 'test.bin.gz',
  meta: 'batches.meta.txt',
} as const);

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** One file's bytes with the name used in error messages. */
export interface NamedBytes {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * Parses one or more CIFAR-10 binary files and concatenates their records, in the given order, into one
 * ImageSet of 32×32×3 images in HWC order: pixel (row r, column c, channel k) of image i is at
 * `images[((i * 32 + r) * 32 + c) * 3 + k]`.
 *
 * @param parts uncompressed files, each a whole number of 3,073-byte records.
 * @throws DataFormatError when a file is empty, its length is not a multiple of 3,073, or a label is ≥ 10.
 */
export function parseCifarBatches(parts: readonly NamedBytes[]): ImageSet {
  let count = 0;
  for (const { name, bytes } of parts) {
    if (isGzip(bytes)) {
      throw new DataFormatError(`${name}: still gzip-compressed; decompress it before parsing (see gunzipIfNeeded).`);
    }
    if (bytes.length === 0) throw new DataFormatError(`${name}: the file is empty.`);
    if (bytes.length % CIFAR_RECORD_BYTES !== 0) {
      const whole = Math.floor(bytes.length / CIFAR_RECORD_BYTES);
      throw new DataFormatError(
        `${name}: ${fmt(bytes.length)} bytes is not a whole number of CIFAR-10 records ` +
          `(${fmt(CIFAR_RECORD_BYTES)} bytes each: 1 label + 3,072 pixels); ${fmt(whole)} whole records and ` +
          `${fmt(bytes.length - whole * CIFAR_RECORD_BYTES)} bytes left over — truncated, or not the binary version of CIFAR-10.`,
      );
    }
    count += bytes.length / CIFAR_RECORD_BYTES;
  }
  if (count === 0) throw new DataFormatError('CIFAR-10: no records to parse.');

  const plane = CIFAR_SIDE * CIFAR_SIDE;
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let i = 0;
  for (const { name, bytes } of parts) {
    const n = bytes.length / CIFAR_RECORD_BYTES;
    for (let j = 0; j < n; j++, i++) {
      const rec = j * CIFAR_RECORD_BYTES;
      const label = bytes[rec]!;
      if (label >= 10) {
        throw new DataFormatError(
          `${name}: record ${fmt(j)} has label ${label}, outside 0..9 — not a CIFAR-10 binary file ` +
            '(CIFAR-100 binary records have 2 label bytes).',
        );
      }
      labels[i] = label;
      const r = rec + 1;
      const g = r + plane;
      const b = g + plane;
      let o = i * CIFAR_IMAGE_BYTES;
      for (let p = 0; p < plane; p++, o += 3) {
        images[o] = bytes[r + p]!;
        images[o + 1] = bytes[g + p]!;
        images[o + 2] = bytes[b + p]!;
      }
    }
  }
  return { images, labels, count, height: CIFAR_SIDE, width: CIFAR_SIDE, channels: CIFAR_CHANNELS };
}

/**
 * Parses one uncompressed CIFAR-10 binary file (e.g. data_batch_1.bin, test_batch.bin, or a
 * concatenation of them such as the prepared train.bin).
 *
 * @param buf the file: N records of 3,073 bytes.
 * @param what the file's name, used in error messages.
 * @returns N images of 32×32×3 bytes in HWC order (`images`, N × 3,072 bytes) and N labels 0..9.
 * @throws DataFormatError when the length is not a positive multiple of 3,073 or a label is ≥ 10.
 */
export function parseCifarBatch(buf: Uint8Array, what: string): ImageSet {
  return parseCifarBatches([{ name: what, bytes: buf }]);
}

/**
 * Parses `batches.meta.txt`: one class name per line (the official file has 10 names and a blank line).
 *
 * @throws DataFormatError unless it holds exactly 10 non-empty lines.
 */
export function parseCifarMeta(text: string, what = 'batches.meta.txt'): string[] {
  const names = text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length !== 10) {
    throw new DataFormatError(`${what}: expected 10 class names, one per line, found ${names.length}.`);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------------
// tar

const BLOCK = 512;

function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

const utf8 = new TextDecoder('utf-8');

/** A NUL-terminated string field of a tar header. */
function cString(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return utf8.decode(end === -1 ? field : field.subarray(0, end));
}

/** A numeric field of a tar header: octal ASCII (NUL/space padded) or GNU base-256 (high bit set). */
function tarNumber(block: Uint8Array, offset: number, length: number, what: string): number {
  const field = block.subarray(offset, offset + length);
  if ((field[0]! & 0x80) !== 0) {
    if (field[0] === 0xff) throw new DataFormatError(`${what}: negative number in a tar header.`);
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    if (!Number.isSafeInteger(n)) throw new DataFormatError(`${what}: number too large in a tar header.`);
    return n;
  }
  let n = 0;
  let i = 0;
  while (i < field.length && field[i] === 0x20) i++; // leading spaces
  let digits = 0;
  for (; i < field.length; i++) {
    const c = field[i]!;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) throw new DataFormatError(`${what}: malformed tar header (non-octal number).`);
    n = n * 8 + (c - 0x30);
    digits++;
  }
  for (; i < field.length; i++) {
    if (field[i] !== 0 && field[i] !== 0x20) {
      throw new DataFormatError(`${what}: malformed tar header (garbage after a number).`);
    }
  }
  if (digits === 0) throw new DataFormatError(`${what}: malformed tar header (empty number field).`);
  return n;
}

/** Verifies a header's checksum (sum of its bytes with the checksum field read as spaces; signed or unsigned). */
function checksumOk(block: Uint8Array, stored: number): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** Reads `path=` from a pax extended header's records ("<len> <key>=<value>\n"). */
function paxPath(data: Uint8Array, what: string): string | null {
  let path: string | null = null;
  let off = 0;
  while (off < data.length) {
    const space = data.indexOf(0x20, off);
    if (space === -1) break;
    const len = Number(utf8.decode(data.subarray(off, space)));
    if (!Number.isInteger(len) || len <= 0 || off + len > data.length) {
      throw new DataFormatError(`${what}: malformed pax extended header.`);
    }
    const record = utf8.decode(data.subarray(space + 1, off + len - 1)); // drop the trailing \n
    const eq = record.indexOf('=');
    if (eq !== -1 && record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    off += len;
  }
  return path;
}

/**
 * A minimal reader for POSIX ustar / GNU tar archives (uncompressed): 512-byte headers with octal sizes,
 * data padded to 512 bytes, ended by zero blocks. Understands regular files, directories (skipped),
 * GNU long names ('L') and pax `path` records ('x'); other entry types (links, devices) are skipped.
 *
 * @param bytes the whole uncompressed archive.
 * @returns file path inside the archive (e.g. `cifar-10-batches-bin/data_batch_1.bin`) → its bytes
 *   (a view into `bytes`, no copy).
 * @throws DataFormatError on a bad header checksum, a malformed number, an entry running past the end,
 *   or an archive that ends without its end-of-archive zero block (truncated).
 */
export function readTar(bytes: Uint8Array, what = 'tar archive'): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let off = 0;
  let longName: string | null = null;
  let nextPaxPath: string | null = null;
  for (;;) {
    if (off + BLOCK > bytes.length) {
      throw new DataFormatError(
        off === 0
          ? `${what}: too short to be a tar archive (${fmt(bytes.length)} bytes).`
          : `${what}: ends without its end-of-archive marker after ${files.size} file(s) — truncated?`,
      );
    }
    const header = bytes.subarray(off, off + BLOCK);
    if (isZeroBlock(header)) return files; // end of archive (a second zero block usually follows)
    const stored = tarNumber(header, 148, 8, what);
    if (!checksumOk(header, stored)) {
      throw new DataFormatError(
        off === 0
          ? `${what}: not a tar archive (header checksum mismatch).`
          : `${what}: corrupt tar header at byte ${fmt(off)} (checksum mismatch).`,
      );
    }
    const size = tarNumber(header, 124, 12, what);
    const type = String.fromCharCode(header[156]!);
    let name = cString(header, 0, 100);
    const magic = cString(header, 257, 6);
    if (magic.startsWith('ustar')) {
      const prefix = cString(header, 345, 155);
      if (prefix && magic === 'ustar') name = `${prefix}/${name}`; // POSIX prefix (GNU uses that space otherwise)
    }
    const start = off + BLOCK;
    if (start + size > bytes.length) {
      throw new DataFormatError(
        `${what}: entry "${name}" needs ${fmt(size)} bytes but only ${fmt(Math.max(0, bytes.length - start))} ` +
          'remain — the archive is truncated.',
      );
    }
    const data = bytes.subarray(start, start + size);
    if (type === 'L') {
      longName = cString(data, 0, data.length);
    } else if (type === 'x') {
      nextPaxPath = paxPath(data, what);
    } else if (type === 'g') {
      // global pax header: nothing we need
    } else {
      const path = nextPaxPath ?? longName ?? name;
      nextPaxPath = null;
      longName = null;
      if (type === '0' || type === '\0' || type === '7') files.set(path, data);
    }
    off = start + Math.ceil(size / BLOCK) * BLOCK;
  }
}

/** True when `bytes` looks like an uncompressed tar archive (ustar magic or a valid first header checksum). */
export function looksLikeTar(bytes: Uint8Array): boolean {
  if (bytes.length < BLOCK) return false;
  const header = bytes.subarray(0, BLOCK);
  if (cString(header, 257, 6).startsWith('ustar')) return true;
  try {
    return !isZeroBlock(header) && checksumOk(header, tarNumber(header, 148, 8, 'tar'));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// whole dataset

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

/**
 * Loads CIFAR-10 from whatever the user or the server provides, in any order:
 * - the official archive `cifar-10-binary.tar.gz` (or an uncompressed `.tar`), whose
 *   `cifar-10-batches-bin/` holds `data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`, `batches.meta.txt`;
 * - those loose files, each plain or gzip'd (e.g. `data_batch_1.bin.gz`);
 * - the prepared files {@link CIFAR_PREPARED_FILES} (`train.bin.gz`, `test.bin.gz`, `batches.meta.txt`).
 * Files are recognised by content (gzip, tar) and then by base name; other files are ignored.
 * Training data: data_batch_N.bin in order of N (any subset, at least one), else train.bin.
 *
 * @returns the train and test sets (32×32×3 HWC images) and the class names from batches.meta.txt when
 *   present, else {@link CIFAR10_CLASSES}.
 * @throws DataFormatError naming what is missing (test_batch.bin, any data batch) or malformed.
 */
export async function loadCifarFromFiles(files: readonly NamedBytes[]): Promise<DatasetSplit> {
  const found = new Map<string, NamedBytes>(); // base name → file
  const seen: string[] = [];
  for (const file of files) {
    const plain = await gunzipIfNeeded(file.bytes, file.name);
    if (looksLikeTar(plain)) {
      for (const [path, bytes] of readTar(plain, file.name)) {
        const name = baseName(path);
        seen.push(path);
        if (!found.has(name)) found.set(name, { name: `${file.name}:${path}`, bytes });
      }
    } else {
      const name = baseName(file.name).replace(/\.gz$/i, '');
      seen.push(file.name);
      if (!found.has(name)) found.set(name, { name: file.name, bytes: plain });
    }
  }

  const batchNames = [...found.keys()]
    .map((name) => ({ name, m: /^data_batch_(\d+)\.bin$/.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]))
    .map((x) => x.name);
  const trainParts = batchNames.length > 0 ? batchNames.map((n) => found.get(n)!) : found.has('train.bin') ? [found.get('train.bin')!] : [];
  const testFile = found.get('test_batch.bin') ?? found.get('test.bin');

  if (trainParts.length === 0 || testFile === undefined) {
    const missing: string[] = [];
    if (trainParts.length === 0) missing.push('the training batches (data_batch_1.bin … data_batch_5.bin)');
    if (testFile === undefined) missing.push('test_batch.bin');
    const names = [...found.keys()];
    let hint = 'Use the binary version, cifar-10-binary.tar.gz, or the .bin files from its cifar-10-batches-bin folder.';
    if (names.some((n) => /^data_batch_\d+$/.test(n) || n === 'test_batch')) {
      hint = 'These look like the Python (pickle) version of CIFAR-10; ' + hint;
    } else if (names.some((n) => n.endsWith('.mat'))) {
      hint = 'These look like the MATLAB version of CIFAR-10; ' + hint;
    }
    const got = seen.length > 0 ? seen.slice(0, 12).join(', ') + (seen.length > 12 ? ', …' : '') : 'no files';
    throw new DataFormatError(`CIFAR-10: missing ${missing.join(' and ')}. Got: ${got}. ${hint}`);
  }

  const meta = found.get('batches.meta.txt');
  const classNames = meta ? parseCifarMeta(utf8.decode(meta.bytes), meta.name) : [...CIFAR10_CLASSES];
  const train = parseCifarBatches(trainParts);
  const test = parseCifarBatches([testFile]);
  return { train, test, classNames };
}
