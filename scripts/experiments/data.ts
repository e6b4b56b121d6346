/**
 * The real datasets `npm run prepare-data` writes to public/data/<id>/ (gzip'd IDX files), read in
 * Node for tests and for `npm run experiments`. Not part of the app bundle.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { FASHION_CLASSES, MNIST_CLASSES } from '../../src/core/data/classes';
import { IDX_FILE_NAMES, loadIdxSplit, type IdxSplitFiles } from '../../src/core/data/idx';
import type { DatasetSplit, ImageSet } from '../../src/core/data/types';

export type PreparedDataset = 'mnist' | 'fashion';

const DATA_DIR = fileURLToPath(new URL('../../public/data/', import.meta.url));

/** Whether the dataset's files are there (they are after `npm run prepare-data`). */
export function hasPrepared(id: PreparedDataset): boolean {
  return existsSync(`${DATA_DIR}${id}/${IDX_FILE_NAMES.trainImages}.gz`);
}

/** Parses the four files of `id`. */
export async function loadPrepared(id: PreparedDataset): Promise<DatasetSplit> {
  const read = (name: string) => readFile(`${DATA_DIR}${id}/${name}.gz`).then((b) => new Uint8Array(b));
  const files: IdxSplitFiles = {
    trainImages: await read(IDX_FILE_NAMES.trainImages),
    trainLabels: await read(IDX_FILE_NAMES.trainLabels),
    testImages: await read(IDX_FILE_NAMES.testImages),
    testLabels: await read(IDX_FILE_NAMES.testLabels),
  };
  return loadIdxSplit(files, id === 'mnist' ? MNIST_CLASSES : FASHION_CLASSES);
}

/** The same split with only the first `count` test images (small, fast evaluations). */
export function withTestSubset(data: DatasetSplit, count: number): DatasetSplit {
  if (count <= 0 || count >= data.test.count) return data;
  const pixels = data.test.height * data.test.width * data.test.channels;
  const test: ImageSet = { ...data.test, count, images: data.test.images.subarray(0, count * pixels), labels: data.test.labels.subarray(0, count) };
  return { ...data, test };
}
