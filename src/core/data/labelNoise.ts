/**
 * Symmetric label noise on the training labels (the homework's experiment): each training label is
 * kept with probability 1 − ε, otherwise replaced by one of the other classes, uniformly (ε/(K−1)
 * each). Drawn once per run from a seeded generator; validation and test labels are never touched.
 */
import type { Rng } from '../rng';

/** The realised noise of one run, as the UI shows it. */
export interface LabelNoiseReport {
  /** The requested ε. */
  readonly epsilon: number;
  /** Training examples the noise was drawn for. */
  readonly count: number;
  /** Labels that were changed. */
  readonly flipped: number;
  /** `matrix[clean][noisy]`: how many training examples of true class `clean` carry label `noisy`. */
  readonly matrix: readonly (readonly number[])[];
}

/**
 * Returns a copy of `labels` in which the entries at `indices` (the training examples) carry noise
 * of rate `epsilon`, and the realised clean→noisy count matrix. Entries not in `indices` (validation
 * examples) are copied unchanged.
 */
export function addLabelNoise(
  labels: Uint8Array,
  indices: ArrayLike<number>,
  epsilon: number,
  numClasses: number,
  rng: Rng,
): { labels: Uint8Array; report: LabelNoiseReport } {
  const noisy = Uint8Array.from(labels);
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let flipped = 0;
  for (let i = 0; i < indices.length; i++) {
    const example = indices[i]!;
    const clean = labels[example]!;
    let label = clean;
    if (numClasses > 1 && rng() < epsilon) {
      // Uniform over the K − 1 other classes: draw 0..K−2 and skip over the clean one.
      const k = Math.floor(rng() * (numClasses - 1));
      label = k >= clean ? k + 1 : k;
      flipped += 1;
    }
    noisy[example] = label;
    matrix[clean]![label]! += 1;
  }
  return { labels: noisy, report: { epsilon, count: indices.length, flipped, matrix } };
}

/** Each row divided by its sum (rows without examples stay 0): P(noisy label | clean class). */
export function rowNormalize(matrix: readonly (readonly number[])[]): number[][] {
  return matrix.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}
