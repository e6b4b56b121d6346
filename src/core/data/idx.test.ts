import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FASHION_CLASSES, MNIST_CLASSES } from './classes';
import { gzipBytes, idxTestPixel, makeIdxImages, makeIdxLabels } from '../testing/fixtures';
import { IDX_FILE_NAMES, buildSplit, gunzipIfNeeded, loadIdxSplit, parseIdxImages, parseIdxLabels, type IdxSplitFiles } from './idx';
import { DataFormatError } from './types';

function tinyFiles(): IdxSplitFiles {
  return {
    trainImages: makeIdxImages(5, 4, 3),
    trainLabels: makeIdxLabels([0, 1, 2, 9, 4]),
    testImages: makeIdxImages(2, 4, 3),
    testLabels: makeIdxLabels([7, 3]),
  };
}

/** Runs `fn` and returns the DataFormatError it throws (fails the test otherwise). */
async function dataError(fn: () => unknown): Promise<DataFormatError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return e as DataFormatError;
  }
  throw new Error('expected a DataFormatError, nothing was thrown');
}

describe('parseIdxImages', () => {
  it('round-trips a generated file: pixel (i, row, col) lands at i*h*w + row*w + col', () => {
    const buf = makeIdxImages(5, 4, 3);
    const parsed = parseIdxImages(buf, 'x');
    expect(parsed).toMatchObject({ count: 5, height: 4, width: 3 });
    expect(parsed.images.length).toBe(5 * 4 * 3);
    expect(parsed.images.byteOffset).toBe(0);
    for (const [i, r, c] of [
      [0, 0, 0],
      [2, 3, 1],
      [4, 1, 2],
    ] as const) {
      expect(parsed.images[i * 12 + r * 3 + c]).toBe(idxTestPixel(i, r, c));
    }
  });

  it('rejects a truncated file, naming the file and expected vs actual bytes', async () => {
    const buf = makeIdxImages(5, 4, 3).subarray(0, 50);
    const e = await dataError(() => parseIdxImages(buf, 'train-images-idx3-ubyte'));
    expect(e.message).toContain('train-images-idx3-ubyte');
    expect(e.message).toMatch(/truncated/);
    expect(e.message).toContain('expected 76 bytes');
    expect(e.message).toContain('got 50');
  });

  it('rejects extra bytes after the images', async () => {
    const buf = new Uint8Array(makeIdxImages(1, 2, 2).length + 3);
    buf.set(makeIdxImages(1, 2, 2));
    const e = await dataError(() => parseIdxImages(buf, 'f'));
    expect(e.message).toMatch(/3 unexpected bytes/);
  });

  it('rejects a label file passed as images, and says so', async () => {
    const e = await dataError(() => parseIdxImages(makeIdxLabels([1, 2]), 'imgs'));
    expect(e.message).toMatch(/bad IDX magic number 0x00000801, expected 0x00000803/);
    expect(e.message).toMatch(/label file/);
  });

  it('rejects gzip bytes, a header-only stub and nonsense dimensions', async () => {
    const gz = await gzipBytes(makeIdxImages(1, 2, 2));
    expect((await dataError(() => parseIdxImages(gz, 'g'))).message).toMatch(/gzip/);
    expect((await dataError(() => parseIdxImages(new Uint8Array(3), 's'))).message).toMatch(/too short/);
    const stub = makeIdxImages(1, 1, 1).subarray(0, 10);
    expect((await dataError(() => parseIdxImages(stub, 's'))).message).toMatch(/too short .* header alone is 16 bytes/);
    const zeroCount = makeIdxImages(0, 2, 2);
    expect((await dataError(() => parseIdxImages(zeroCount, 'z'))).message).toMatch(/no images/);
    const huge = makeIdxImages(1, 1, 1);
    new DataView(huge.buffer).setUint32(8, 100_000, false);
    expect((await dataError(() => parseIdxImages(huge, 'h'))).message).toMatch(/implausible image size/);
  });
});

describe('parseIdxLabels', () => {
  it('round-trips labels', () => {
    const labels = parseIdxLabels(makeIdxLabels([0, 9, 3, 3]), 'l');
    expect([...labels]).toEqual([0, 9, 3, 3]);
    expect(labels.byteOffset).toBe(0);
  });

  it('rejects a label ≥ 10 with its index', async () => {
    const e = await dataError(() => parseIdxLabels(makeIdxLabels([1, 2, 10]), 'labels-file'));
    expect(e.message).toBe('labels-file: label 10 at index 2 is outside 0..9.');
  });

  it('rejects truncation and image files', async () => {
    const cut = makeIdxLabels([1, 2, 3]).subarray(0, 10);
    const e = await dataError(() => parseIdxLabels(cut, 't10k-labels-idx1-ubyte'));
    expect(e.message).toMatch(/^t10k-labels-idx1-ubyte: truncated — expected 11 bytes .* got 10\.$/);
    expect((await dataError(() => parseIdxLabels(makeIdxImages(1, 1, 1), 'x'))).message).toMatch(/image file/);
  });
});

describe('buildSplit', () => {
  it('builds a 1-channel split with class names', () => {
    const split = buildSplit(tinyFiles(), MNIST_CLASSES);
    expect(split.train).toMatchObject({ count: 5, height: 4, width: 3, channels: 1 });
    expect(split.test).toMatchObject({ count: 2, height: 4, width: 3, channels: 1 });
    expect([...split.train.labels]).toEqual([0, 1, 2, 9, 4]);
    expect(split.classNames).toEqual(MNIST_CLASSES);
  });

  it('rejects image/label count mismatch, naming both files', async () => {
    const files = { ...tinyFiles(), testLabels: makeIdxLabels([1, 2, 3]) };
    const e = await dataError(() => buildSplit(files, MNIST_CLASSES));
    expect(e.message).toContain(IDX_FILE_NAMES.testImages);
    expect(e.message).toContain(IDX_FILE_NAMES.testLabels);
    expect(e.message).toMatch(/2 images but .* 3 labels/);
  });

  it('rejects train and test of different image sizes', async () => {
    const files = { ...tinyFiles(), testImages: makeIdxImages(2, 3, 4) };
    expect((await dataError(() => buildSplit(files, MNIST_CLASSES))).message).toMatch(/different datasets/);
  });
});

describe('gunzipIfNeeded', () => {
  it('passes plain bytes through untouched (same array)', async () => {
    const plain = makeIdxLabels([1, 2]);
    expect(await gunzipIfNeeded(plain)).toBe(plain);
  });

  it('decompresses gzip bytes', async () => {
    const plain = makeIdxImages(3, 5, 5);
    const out = await gunzipIfNeeded(await gzipBytes(plain));
    expect(out).toEqual(plain);
  });

  it('turns a truncated or corrupt gzip stream into a DataFormatError', async () => {
    const gz = await gzipBytes(makeIdxImages(3, 20, 20));
    const cut = gz.subarray(0, gz.length - 12);
    const e = await dataError(() => gunzipIfNeeded(cut, 'train-images-idx3-ubyte.gz'));
    expect(e.message).toMatch(/^train-images-idx3-ubyte\.gz: corrupt or truncated gzip/);
    const corrupt = gz.slice();
    for (let i = 12; i < 40; i++) corrupt[i] = 0xff;
    await dataError(() => gunzipIfNeeded(corrupt));
    await dataError(() => gunzipIfNeeded(new Uint8Array([0x1f, 0x8b, 1, 2, 3])));
  });
});

describe('loadIdxSplit', () => {
  it('accepts a mix of gzip and plain files', async () => {
    const files = tinyFiles();
    const mixed: IdxSplitFiles = {
      ...files,
      trainImages: await gzipBytes(files.trainImages),
      testLabels: await gzipBytes(files.testLabels),
    };
    const split = await loadIdxSplit(mixed, FASHION_CLASSES);
    expect(split.train.count).toBe(5);
    expect([...split.test.labels]).toEqual([7, 3]);
    expect(split.train.images).toEqual(parseIdxImages(files.trainImages, 'x').images);
    expect(split.classNames[9]).toBe('Ankle boot');
  });
});

// Real data, present after `npm run prepare-data`.
const dataDir = fileURLToPath(new URL('../../../public/data/', import.meta.url));
function readPrepared(dataset: string): IdxSplitFiles {
  const read = (name: string): Uint8Array => new Uint8Array(readFileSync(`${dataDir}${dataset}/${name}.gz`));
  return {
    trainImages: read(IDX_FILE_NAMES.trainImages),
    trainLabels: read(IDX_FILE_NAMES.trainLabels),
    testImages: read(IDX_FILE_NAMES.testImages),
    testLabels: read(IDX_FILE_NAMES.testLabels),
  };
}
function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const l of labels) counts[l]!++;
  return counts;
}

describe('prepared data in public/data', () => {
  it.skipIf(!existsSync(`${dataDir}mnist/${IDX_FILE_NAMES.trainImages}.gz`))(
    'MNIST: 60,000 + 10,000 images of 28×28 with the official label counts',
    async () => {
      const split = await loadIdxSplit(readPrepared('mnist'), MNIST_CLASSES);
      expect(split.train).toMatchObject({ count: 60_000, height: 28, width: 28, channels: 1 });
      expect(split.test.count).toBe(10_000);
      expect(classCounts(split.train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    },
  );

  it.skipIf(!existsSync(`${dataDir}fashion/${IDX_FILE_NAMES.trainImages}.gz`))(
    'Fashion-MNIST: 6,000 train and 1,000 test images per class',
    async () => {
      const split = await loadIdxSplit(readPrepared('fashion'), FASHION_CLASSES);
      expect(classCounts(split.train.labels)).toEqual(new Array(10).fill(6000));
      expect(classCounts(split.test.labels)).toEqual(new Array(10).fill(1000));
    },
  );
});
