import { describe, expect, it } from 'vitest';
import {
  CIFAR10_CLASSES,
  CIFAR_RECORD_BYTES,
  loadCifarFromFiles,
  parseCifarBatch,
  parseCifarBatches,
  parseCifarMeta,
  readTar,
} from './cifar';
import { cifarTestPixel, gzipBytes, makeCifarArchive, makeCifarBatch, makeCifarMeta, makeTar } from '../testing/fixtures';
import { DataFormatError, type ImageSet } from './types';

async function dataError(fn: () => unknown): Promise<DataFormatError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return e as DataFormatError;
  }
  throw new Error('expected a DataFormatError, nothing was thrown');
}

/** Pixel (row, col, channel) of image i of an HWC ImageSet. */
function px(set: ImageSet, i: number, row: number, col: number, channel: number): number {
  return set.images[((i * set.height + row) * set.width + col) * set.channels + channel]!;
}

const ANIMALS = ['a0', 'b1', 'c2', 'd3', 'e4', 'f5', 'g6', 'h7', 'i8', 'j9'];

describe('parseCifarBatch', () => {
  it('converts CHW records to HWC: a pixel at (row, col, channel) lands where expected', () => {
    // Record 1 has a single marked pixel in the green plane at row 5, column 17.
    const buf = makeCifarBatch([3, 7], (i, r, c, k) => (i === 1 && r === 5 && c === 17 && k === 1 ? 250 : 0));
    const set = parseCifarBatch(buf, 'data_batch_1.bin');
    expect(set).toMatchObject({ count: 2, height: 32, width: 32, channels: 3 });
    expect(set.images.length).toBe(2 * 3072);
    expect([...set.labels]).toEqual([3, 7]);
    // Raw position: record 1, after the label byte, green plane (offset 1024), row 5, column 17.
    expect(buf[CIFAR_RECORD_BYTES + 1 + 1024 + 5 * 32 + 17]).toBe(250);
    expect(set.images[3072 + (5 * 32 + 17) * 3 + 1]).toBe(250);
    expect(set.images.reduce((a, b) => a + b, 0)).toBe(250); // nowhere else
  });

  it('keeps every pixel of a patterned batch', () => {
    const set = parseCifarBatch(makeCifarBatch([0, 1, 2]), 'b');
    for (let i = 0; i < 3; i++) {
      for (const [r, c] of [
        [0, 0],
        [31, 31],
        [0, 31],
        [31, 0],
        [12, 20],
      ] as const) {
        for (let k = 0; k < 3; k++) expect(px(set, i, r, c, k)).toBe(cifarTestPixel(i, r, c, k));
      }
    }
  });

  it('rejects a length that is not a multiple of 3,073, naming the file', async () => {
    const buf = makeCifarBatch([1, 2]).subarray(0, 5000);
    const e = await dataError(() => parseCifarBatch(buf, 'data_batch_3.bin'));
    expect(e.message).toMatch(/^data_batch_3\.bin: 5,000 bytes is not a whole number of CIFAR-10 records/);
    expect(e.message).toContain('3,073');
  });

  it('rejects labels ≥ 10, empty and gzip input', async () => {
    const e = await dataError(() => parseCifarBatch(makeCifarBatch([1, 10]), 'test_batch.bin'));
    expect(e.message).toMatch(/record 1 has label 10/);
    await dataError(() => parseCifarBatch(new Uint8Array(0), 'empty.bin'));
    const gz = await gzipBytes(makeCifarBatch([1]));
    expect((await dataError(() => parseCifarBatch(gz, 'z'))).message).toMatch(/gzip/);
  });

  it('concatenates several files in order', () => {
    const set = parseCifarBatches([
      { name: 'a', bytes: makeCifarBatch([1, 2]) },
      { name: 'b', bytes: makeCifarBatch([3], (i, r, c, k) => cifarTestPixel(i + 2, r, c, k)) },
    ]);
    expect([...set.labels]).toEqual([1, 2, 3]);
    expect(px(set, 2, 4, 9, 2)).toBe(cifarTestPixel(2, 4, 9, 2));
  });
});

describe('parseCifarMeta', () => {
  it('reads the official layout (names then blank lines, maybe CRLF)', () => {
    expect(parseCifarMeta(new TextDecoder().decode(makeCifarMeta(CIFAR10_CLASSES)))).toEqual(CIFAR10_CLASSES);
    expect(parseCifarMeta(ANIMALS.join('\r\n') + '\r\n')).toEqual(ANIMALS);
  });
  it('rejects a file without 10 names', async () => {
    expect((await dataError(() => parseCifarMeta('a\nb\n'))).message).toMatch(/expected 10 class names.*found 2/);
  });
});

describe('readTar', () => {
  const enc = new TextEncoder();
  const longName = 'some/deeply/nested/folder/'.repeat(5) + 'file-with-a-long-name.bin';

  it('reads files of sizes 0, 1, 512, 513 and long (prefix) names, skipping directories', () => {
    const sizes = [0, 1, 512, 513];
    const entries = sizes.map((n) => ({ name: `d/f${n}`, bytes: new Uint8Array(n).fill(n & 0xff) }));
    const tar = makeTar([{ name: 'd/', type: '5' }, ...entries, { name: longName, bytes: enc.encode('x') }]);
    const files = readTar(tar);
    expect([...files.keys()]).toEqual([...sizes.map((n) => `d/f${n}`), longName]);
    for (const n of sizes) expect(files.get(`d/f${n}`)).toEqual(new Uint8Array(n).fill(n & 0xff));
  });

  it('rejects a corrupt header, truncation and a missing end marker', async () => {
    const tar = makeTar([
      { name: 'a.bin', bytes: new Uint8Array(1000) },
      { name: 'b.bin', bytes: new Uint8Array(10) },
    ]);
    const corrupt = tar.slice();
    corrupt[3] = 0x41; // "a.bin" becomes "a.bAn": the header checksum no longer matches
    expect((await dataError(() => readTar(corrupt))).message).toMatch(/not a tar archive \(header checksum mismatch\)/);
    expect((await dataError(() => readTar(tar.subarray(0, 900)))).message).toMatch(/"a\.bin" needs 1,000 bytes but only 388 remain/);
    // Cut right after the last entry's data: no end-of-archive block.
    expect((await dataError(() => readTar(tar.subarray(0, 512 * 5)))).message).toMatch(/end-of-archive marker/);
    expect((await dataError(() => readTar(new Uint8Array(100)))).message).toMatch(/too short/);
  });
});

describe('loadCifarFromFiles', () => {
  const train = [[0, 1, 2], [3, 4], [5, 6, 7, 8], [9], [0, 9]];

  it('loads the gzip archive with batches.meta.txt: all batches in order, names from meta', async () => {
    const archive = await makeCifarArchive({ trainBatches: train, testLabels: [8, 2], metaNames: ANIMALS });
    const split = await loadCifarFromFiles([{ name: 'cifar-10-binary.tar.gz', bytes: archive }]);
    expect(split.classNames).toEqual(ANIMALS);
    expect([...split.train.labels]).toEqual(train.flat());
    expect(split.train).toMatchObject({ count: 12, height: 32, width: 32, channels: 3 });
    expect([...split.test.labels]).toEqual([8, 2]);
    // Test images were generated with image index + 1000.
    expect(px(split.test, 1, 30, 2, 0)).toBe(cifarTestPixel(1001, 30, 2, 0));
    // Second image of batch 2 is training image 3 + 1 = 4 (pattern indices restart per batch: i = 1).
    expect(px(split.train, 4, 7, 8, 2)).toBe(cifarTestPixel(1, 7, 8, 2));
  });

  it('uses the standard names without batches.meta.txt, and takes a plain .tar', async () => {
    const tar = await makeCifarArchive({ trainBatches: [[1, 2]], testLabels: [3], gzip: false });
    const split = await loadCifarFromFiles([{ name: 'cifar-10-binary.tar', bytes: tar }]);
    expect(split.classNames).toEqual(CIFAR10_CLASSES);
    expect(split.train.count).toBe(2);
  });

  it("takes loose .bin files in any order, some gzip'd, sorting data batches by number", async () => {
    const files = [
      { name: 'test_batch.bin', bytes: makeCifarBatch([4]) },
      { name: 'data_batch_2.bin.gz', bytes: await gzipBytes(makeCifarBatch([2, 2])) },
      { name: 'data_batch_1.bin', bytes: makeCifarBatch([1]) },
      { name: 'batches.meta.txt', bytes: makeCifarMeta(ANIMALS) },
      { name: 'readme.html', bytes: new Uint8Array(3) },
    ];
    const split = await loadCifarFromFiles(files);
    expect([...split.train.labels]).toEqual([1, 2, 2]);
    expect(split.classNames).toEqual(ANIMALS);
  });

  it('takes the prepared train.bin.gz / test.bin.gz', async () => {
    const trainBin = new Uint8Array([...makeCifarBatch([5, 6]), ...makeCifarBatch([7])]);
    const split = await loadCifarFromFiles([
      { name: 'train.bin.gz', bytes: await gzipBytes(trainBin) },
      { name: 'test.bin.gz', bytes: await gzipBytes(makeCifarBatch([0])) },
    ]);
    expect([...split.train.labels]).toEqual([5, 6, 7]);
    expect(split.test.count).toBe(1);
  });

  it('says clearly when test_batch.bin is missing', async () => {
    const archive = await makeCifarArchive({ trainBatches: train, metaNames: ANIMALS });
    const e = await dataError(() => loadCifarFromFiles([{ name: 'cifar-10-binary.tar.gz', bytes: archive }]));
    expect(e.message).toMatch(/^CIFAR-10: missing test_batch\.bin\. Got: .*data_batch_1\.bin/);
  });

  it('says clearly when the training batches are missing', async () => {
    const e = await dataError(() => loadCifarFromFiles([{ name: 'test_batch.bin', bytes: makeCifarBatch([1]) }]));
    expect(e.message).toMatch(/missing the training batches \(data_batch_1\.bin … data_batch_5\.bin\)/);
  });

  it('recognises the Python version and says to use the binary one', async () => {
    const tar = makeTar([
      { name: 'cifar-10-batches-py/data_batch_1', bytes: new Uint8Array(10) },
      { name: 'cifar-10-batches-py/test_batch', bytes: new Uint8Array(10) },
    ]);
    const bytes = await gzipBytes(tar);
    const e = await dataError(() => loadCifarFromFiles([{ name: 'cifar-10-python.tar.gz', bytes }]));
    expect(e.message).toMatch(/Python \(pickle\) version/);
  });

  it('reports a truncated archive as a DataFormatError', async () => {
    const archive = await makeCifarArchive({ trainBatches: train, testLabels: [1], metaNames: ANIMALS });
    const e = await dataError(() =>
      loadCifarFromFiles([{ name: 'cifar-10-binary.tar.gz', bytes: archive.subarray(0, archive.length >> 1) }]),
    );
    expect(e.message).toMatch(/^cifar-10-binary\.tar\.gz: corrupt or truncated gzip/);
  });

  it('reports a damaged batch inside the archive with its path', async () => {
    const tar = makeTar([
      { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: makeCifarBatch([1]).subarray(0, 3000) },
      { name: 'cifar-10-batches-bin/test_batch.bin', bytes: makeCifarBatch([1]) },
    ]);
    const e = await dataError(() => loadCifarFromFiles([{ name: 'c.tar', bytes: tar }]));
    expect(e.message).toMatch(/^c\.tar:cifar-10-batches-bin\/data_batch_1\.bin: 3,000 bytes/);
  });
});
