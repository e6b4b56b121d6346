/**
 * Confusion matrix, most-confused pairs and example selection from one evaluation pass's predicted
 * labels. Pure functions over typed arrays; the worker runs them after each epoch.
 */
import type { ConfusedPair } from './types';

/**
 * Counts of (true class, predicted class) over the examples: `matrix[t * numClasses + p]`.
 * Labels outside 0..numClasses−1 are not counted.
 * @throws RangeError when the two label arrays differ in length
 */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): Uint32Array {
  if (truth.length !== predicted.length) throw new RangeError(`${truth.length} true labels but ${predicted.length} predictions`);
  const matrix = new Uint32Array(numClasses * numClasses);
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (t >= 0 && t < numClasses && p >= 0 && p < numClasses) matrix[t * numClasses + p]! += 1;
  }
  return matrix;
}

/**
 * The `limit` largest off-diagonal cells as directed pairs truth → predicted, each with the count of
 * its reverse. Order: count descending, then truth ascending, then predicted ascending (so ties come
 * out the same every time). A pair and its reverse are separate entries. Empty cells are left out.
 */
export function topConfusedPairs(matrix: ArrayLike<number>, numClasses: number, limit: number): ConfusedPair[] {
  const pairs: ConfusedPair[] = [];
  for (let t = 0; t < numClasses; t++)
    for (let p = 0; p < numClasses; p++) {
      const count = matrix[t * numClasses + p]!;
      if (t !== p && count > 0) pairs.push({ truth: t, predicted: p, count, reverse: matrix[p * numClasses + t]! });
    }
  pairs.sort((a, b) => b.count - a.count || a.truth - b.truth || a.predicted - b.predicted);
  return pairs.slice(0, Math.max(0, limit));
}

/**
 * For each (truth, predicted) pair, the positions of its first `perPair` examples in `truth` order.
 * One pass over the labels, whatever the number of pairs.
 */
export function examplesOfPairs(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  pairs: readonly { readonly truth: number; readonly predicted: number }[],
  perPair: number,
  numClasses: number,
): number[][] {
  const out = pairs.map(() => [] as number[]);
  const slot = new Map<number, number>();
  pairs.forEach((p, i) => slot.set(p.truth * numClasses + p.predicted, i));
  let open = perPair > 0 ? pairs.length : 0;
  for (let i = 0; i < truth.length && open > 0; i++) {
    const s = slot.get(truth[i]! * numClasses + predicted[i]!);
    if (s === undefined) continue;
    const list = out[s]!;
    if (list.length < perPair) {
      list.push(i);
      if (list.length === perPair) open -= 1;
    }
  }
  return out;
}

/**
 * Positions of up to `limit` misclassified examples, the most confident mistakes first (highest
 * probability given to the wrong class; ties: lower position first).
 */
export function confidentMistakes(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  confidence: ArrayLike<number>,
  limit: number,
): number[] {
  const wrong: number[] = [];
  for (let i = 0; i < truth.length; i++) if (truth[i] !== predicted[i]) wrong.push(i);
  wrong.sort((a, b) => confidence[b]! - confidence[a]! || a - b);
  return wrong.slice(0, Math.max(0, limit));
}

/** Row-normalised rates: each count divided by its row's total (rows without examples stay 0). */
export function rowRates(matrix: ArrayLike<number>, numClasses: number): Float64Array {
  const rates = new Float64Array(numClasses * numClasses);
  for (let t = 0; t < numClasses; t++) {
    let total = 0;
    for (let p = 0; p < numClasses; p++) total += matrix[t * numClasses + p]!;
    if (total > 0) for (let p = 0; p < numClasses; p++) rates[t * numClasses + p] = matrix[t * numClasses + p]! / total;
  }
  return rates;
}
