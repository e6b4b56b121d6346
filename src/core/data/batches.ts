/**
 * Splitting a dataset into train / validation subsets and turning subsets into float batches.
 *
 * Subsets are index lists into the parsed byte arrays: nothing is copied until a batch is built,
 * and a batch is built straight into a reused Float32Array.
 */
import { createRng, deriveSeed, permutation } from '../rng';
import { drawShift, maybeErase, unitPreprocessing, writeImage, type Augmentation, type Preprocessing } from './transforms';
import type { ImageSet, Subset } from './types';

export type { Subset } from './types';

/** The same examples shown as their negatives only. */
export function negativesOf(subset: Subset): Subset {
  return { ...subset, negated: new Uint8Array(subset.indices.length).fill(1) };
}

/** Every example twice: first as it is, then as its negative (positions n..2n−1). */
export function withNegatives(subset: Subset): Subset {
  const n = subset.indices.length;
  const indices = new Uint32Array(2 * n);
  indices.set(subset.indices, 0);
  indices.set(subset.indices, n);
  const negated = new Uint8Array(2 * n);
  negated.fill(1, n);
  return { ...subset, indices, negated };
}

export function wholeSet(source: ImageSet): Subset {
  const indices = new Uint32Array(source.count);
  for (let i = 0; i < indices.length; i++) indices[i] = i;
  return { source, indices };
}

export interface SplitOptions {
  readonly seed: number;
  /** Examples held out for validation (clamped so at least one training example remains). */
  readonly validationSize: number;
  /** Training examples to keep after the hold-out; 0 = all that remain. */
  readonly trainSubset: number;
}

/**
 * Carves a seeded validation set out of the training set, then optionally keeps only the first
 * `trainSubset` of the remaining (shuffled) examples. The two never overlap.
 */
export function splitTrainValidation(train: ImageSet, options: SplitOptions): { train: Subset; validation: Subset | null } {
  const order = permutation(train.count, createRng(deriveSeed(options.seed, 'split')));
  const validationSize = Math.max(0, Math.min(options.validationSize, train.count - 1));
  const rest = train.count - validationSize;
  const trainSize = options.trainSubset > 0 ? Math.min(options.trainSubset, rest) : rest;
  return {
    validation: validationSize > 0 ? { source: train, indices: order.slice(0, validationSize) } : null,
    train: { source: train, indices: order.slice(validationSize, validationSize + trainSize) },
  };
}

/** Floats per image. */
export function imageSize(set: ImageSet): number {
  return set.height * set.width * set.channels;
}

/**
 * Writes examples `order[start .. start+size)` of `subset` (or `start .. start+size` in subset order
 * when `order` is null) into `x` (pixels through `preprocessing`, by default scaled to [0,1]; negated
 * where the subset says so; then shifted and erased by `augmentation` when given) and `y` (one-hot
 * over `numClasses`, from the subset's labels). Both buffers must hold at least `size` examples.
 */
export function fillBatch(
  subset: Subset,
  order: ArrayLike<number> | null,
  start: number,
  size: number,
  numClasses: number,
  x: Float32Array,
  y: Float32Array,
  preprocessing: Preprocessing = unitPreprocessing(subset.source.channels),
  augmentation: Augmentation | null = null,
): void {
  const { source } = subset;
  const labels = subset.labels ?? source.labels;
  const pixels = imageSize(source);
  y.fill(0, 0, size * numClasses);
  for (let b = 0; b < size; b++) {
    const position = order ? order[start + b]! : start + b;
    const example = subset.indices[position]!;
    const to = b * pixels;
    const [dx, dy] = drawShift(augmentation);
    writeImage(source.images, example, source.height, source.width, preprocessing, subset.negated?.[position] === 1, dx, dy, x, to);
    maybeErase(augmentation, preprocessing, source.height, source.width, x, to);
    y[b * numClasses + labels[example]!] = 1;
  }
}
