/**
 * Parsers for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), plus the
 * gzip step in front of them.
 *
 * The app serves the four official files of each dataset gzip'd, as prepared by `scripts/prepare-data.mjs`:
 *   `data/mnist/<IDX_FILE_NAMES.x>.gz` and `data/fashion/<IDX_FILE_NAMES.x>.gz`.
 * The worker `fetch()`es those four files and hands the bytes to {@link loadIdxSplit}, which gunzips
 * them where needed ({@link gunzipIfNeeded}) and parses them ({@link buildSplit}).
 *
 * IDX layout (all integers big-endian):
 *   images: magic 0x00000803, count, rows, cols, then count × rows × cols pixel bytes (0..255, row-major);
 *   labels: magic 0x00000801, count, then count label bytes.
 */
import { DataFormatError, type DatasetSplit, type ImageSet } from './types';

/** The official base names of the four IDX files of MNIST and Fashion-MNIST (uncompressed names). */
export const IDX_FILE_NAMES = Object.freeze({
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const);

/** Which of the four IDX files: a key of {@link IDX_FILE_NAMES}. */
export type IdxFileKey = keyof typeof IDX_FILE_NAMES;

/** The raw bytes of the four IDX files of one dataset, each either plain or gzip'd. */
export type IdxSplitFiles = Readonly<Record<IdxFileKey, Uint8Array>>;

/** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
export const IDX_LABELS_MAGIC = 0x00000801;

const IMAGES_HEADER_BYTES = 16;
const LABELS_HEADER_BYTES = 8;
/** Largest image side accepted; a guard against nonsense headers, far above 28. */
const MAX_IMAGE_SIDE = 4096;

/** Formats a byte count or item count with thousands separators, for messages. */
function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** True when `bytes` starts with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip data with the platform's `DecompressionStream('gzip')` (browsers, workers, Node ≥ 18),
 * but only when `bytes` starts with the gzip magic 1f 8b; otherwise returns `bytes` itself unchanged
 * (a server may already have decoded a `.gz` file because of a `Content-Encoding: gzip` header).
 *
 * @param bytes the file as fetched or read.
 * @param what the file's name, used in error messages.
 * @returns the decompressed bytes (a new array), or `bytes` when it was not gzip'd.
 * @throws DataFormatError "corrupt or truncated gzip" when decompression fails.
 */
export async function gunzipIfNeeded(bytes: Uint8Array, what = 'file'): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    // Blob copies the bytes; the cast only narrows the buffer type (TS lib: BlobPart wants ArrayBuffer).
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    const detail = e instanceof Error && e.message ? ` (${e.message})` : '';
    throw new DataFormatError(`${what}: corrupt or truncated gzip data${detail}. Download or prepare the file again.`);
  }
}

/** Checks the 4-byte IDX magic at the start of `buf`; throws a DataFormatError saying what the file looks like. */
function checkMagic(buf: Uint8Array, expected: number, headerBytes: number, what: string, kind: string): DataView {
  if (isGzip(buf)) {
    throw new DataFormatError(`${what}: still gzip-compressed; decompress it before parsing (see gunzipIfNeeded).`);
  }
  const tooShort = (): DataFormatError =>
    new DataFormatError(`${what}: too short for an IDX ${kind} file — ${fmt(buf.length)} bytes, the header alone is ${headerBytes} bytes.`);
  if (buf.length < 4) throw tooShort();
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expected) {
    const hex = (m: number): string => '0x' + m.toString(16).padStart(8, '0');
    let hint = '';
    if (magic === IDX_LABELS_MAGIC) hint = ' — this is an IDX label file, not an image file';
    else if (magic === IDX_IMAGES_MAGIC) hint = ' — this is an IDX image file, not a label file';
    else if ((magic & 0xffff0000) !== 0) hint = ' — not an IDX file';
    throw new DataFormatError(`${what}: bad IDX magic number ${hex(magic)}, expected ${hex(expected)}${hint}.`);
  }
  if (buf.length < headerBytes) throw tooShort();
  return view;
}

/** Checks that `buf` is exactly `expected` bytes long. */
function checkLength(buf: Uint8Array, expected: number, what: string, layout: string): void {
  if (buf.length < expected) {
    throw new DataFormatError(`${what}: truncated — expected ${fmt(expected)} bytes (${layout}), got ${fmt(buf.length)}.`);
  }
  if (buf.length > expected) {
    throw new DataFormatError(
      `${what}: ${fmt(buf.length - expected)} unexpected bytes after the data — expected ${fmt(expected)} bytes ` +
        `(${layout}), got ${fmt(buf.length)}.`,
    );
  }
}

/** Images parsed from an IDX image file. */
export interface IdxImages {
  /** count × height × width bytes, 0..255, one image after another, row-major; its own buffer (byteOffset 0). */
  readonly images: Uint8Array;
  /** Number of images. */
  readonly count: number;
  /** Image height in pixels (rows). */
  readonly height: number;
  /** Image width in pixels (columns). */
  readonly width: number;
}

/**
 * Parses an uncompressed IDX image file (magic 0x00000803).
 *
 * @param buf the whole file, uncompressed.
 * @param what the file's name, used in error messages.
 * @throws DataFormatError on a wrong magic number, impossible dimensions, or a byte length that is not
 *   exactly 16 + count × rows × cols (a truncated file names the expected and actual byte counts).
 */
export function parseIdxImages(buf: Uint8Array, what: string): IdxImages {
  const view = checkMagic(buf, IDX_IMAGES_MAGIC, IMAGES_HEADER_BYTES, what, 'image');
  const count = view.getUint32(4, false);
  const height = view.getUint32(8, false);
  const width = view.getUint32(12, false);
  if (count === 0) throw new DataFormatError(`${what}: the file holds no images.`);
  if (height === 0 || width === 0 || height > MAX_IMAGE_SIDE || width > MAX_IMAGE_SIDE) {
    throw new DataFormatError(`${what}: implausible image size ${height}×${width} in the IDX header.`);
  }
  const pixels = count * height * width;
  checkLength(
    buf,
    IMAGES_HEADER_BYTES + pixels,
    what,
    `${fmt(count)} images of ${height}×${width} plus a ${IMAGES_HEADER_BYTES}-byte header`,
  );
  return { images: buf.slice(IMAGES_HEADER_BYTES), count, height, width };
}

/**
 * Parses an uncompressed IDX label file (magic 0x00000801).
 *
 * @param buf the whole file, uncompressed.
 * @param what the file's name, used in error messages.
 * @param numClasses labels must be in 0..numClasses-1 (default 10).
 * @returns one class index per example (its own buffer, byteOffset 0).
 * @throws DataFormatError on a wrong magic number, a byte length other than 8 + count, or a label ≥ numClasses.
 */
export function parseIdxLabels(buf: Uint8Array, what: string, numClasses = 10): Uint8Array {
  const view = checkMagic(buf, IDX_LABELS_MAGIC, LABELS_HEADER_BYTES, what, 'label');
  const count = view.getUint32(4, false);
  if (count === 0) throw new DataFormatError(`${what}: the file holds no labels.`);
  checkLength(buf, LABELS_HEADER_BYTES + count, what, `${fmt(count)} labels plus an ${LABELS_HEADER_BYTES}-byte header`);
  const labels = buf.slice(LABELS_HEADER_BYTES);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label >= numClasses) {
      throw new DataFormatError(`${what}: label ${label} at index ${fmt(i)} is outside 0..${numClasses - 1}.`);
    }
  }
  return labels;
}

/** Combines one parsed image file and its label file into an ImageSet (1 channel). */
function toImageSet(images: IdxImages, labels: Uint8Array, imagesName: string, labelsName: string): ImageSet {
  if (images.count !== labels.length) {
    throw new DataFormatError(
      `${imagesName} holds ${fmt(images.count)} images but ${labelsName} holds ${fmt(labels.length)} labels; ` +
        'the two files do not belong together.',
    );
  }
  return {
    images: images.images,
    labels,
    count: images.count,
    height: images.height,
    width: images.width,
    channels: 1,
  };
}

/**
 * Parses the four uncompressed IDX files of one dataset into its official train/test split.
 * Images are grayscale: `channels` is 1, so each ImageSet's `images` is N × height × width bytes.
 *
 * @param files the four files, uncompressed (use {@link loadIdxSplit} for gzip'd bytes).
 * @param classNames names of the classes, indexed by label (e.g. MNIST_CLASSES); labels must be below its length.
 * @throws DataFormatError when a file is malformed, image and label counts differ, or train and test
 *   image sizes differ.
 */
export function buildSplit(files: IdxSplitFiles, classNames: readonly string[]): DatasetSplit {
  const n = IDX_FILE_NAMES;
  const trainImages = parseIdxImages(files.trainImages, n.trainImages);
  const trainLabels = parseIdxLabels(files.trainLabels, n.trainLabels, classNames.length);
  const testImages = parseIdxImages(files.testImages, n.testImages);
  const testLabels = parseIdxLabels(files.testLabels, n.testLabels, classNames.length);
  const train = toImageSet(trainImages, trainLabels, n.trainImages, n.trainLabels);
  const test = toImageSet(testImages, testLabels, n.testImages, n.testLabels);
  if (train.height !== test.height || train.width !== test.width) {
    throw new DataFormatError(
      `${n.trainImages} has ${train.height}×${train.width} images but ${n.testImages} has ` +
        `${test.height}×${test.width}; the files come from different datasets.`,
    );
  }
  return { train, test, classNames: [...classNames] };
}

/**
 * The whole load path for MNIST-style datasets: gunzips each of the four files when gzip'd, then
 * {@link buildSplit}. Typical use in the worker: fetch `data/mnist/${IDX_FILE_NAMES.trainImages}.gz` etc.
 *
 * @param files the four files as fetched, gzip'd or plain.
 * @param classNames names of the classes, indexed by label.
 */
export async function loadIdxSplit(files: IdxSplitFiles, classNames: readonly string[]): Promise<DatasetSplit> {
  const keys = Object.keys(IDX_FILE_NAMES) as IdxFileKey[];
  const plain = await Promise.all(keys.map((k) => gunzipIfNeeded(files[k], `${IDX_FILE_NAMES[k]}.gz`)));
  const byKey = Object.fromEntries(keys.map((k, i) => [k, plain[i]!])) as Record<IdxFileKey, Uint8Array>;
  return buildSplit(byKey, classNames);
}
