/**
 * Splitting a dataset into train / validation subsets and turning subsets into float batches.
 *
 * Subsets are index lists into the parsed byte arrays: nothing is copied until a batch is built,
 * and a batch is built straight into a reused Float32Array.
 */
import { createRng, deriveSeed, permutation } from '../rng';
import type { ImageSet } from './types';

/** A selection of examples of one ImageSet. */
export interface Subset {
  readonly source: ImageSet;
  /** Example indices into `source`, in their fixed order. */
  readonly indices: Uint32Array;
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
 * when `order` is null) into `x` (pixels scaled to [0,1]) and `y` (one-hot over `numClasses`).
 * Both buffers must hold at least `size` examples.
 */
export function fillBatch(
  subset: Subset,
  order: ArrayLike<number> | null,
  start: number,
  size: number,
  numClasses: number,
  x: Float32Array,
  y: Float32Array,
): void {
  const { source } = subset;
  const pixels = imageSize(source);
  y.fill(0, 0, size * numClasses);
  for (let b = 0; b < size; b++) {
    const example = subset.indices[order ? order[start + b]! : start + b]!;
    const from = example * pixels;
    const to = b * pixels;
    for (let p = 0; p < pixels; p++) x[to + p] = source.images[from + p]! / 255;
    y[b * numClasses + source.labels[example]!] = 1;
  }
}
