/**
 * Histograms and moments of layer values (activations, weights). Pure; unit-tested on the edge cases
 * (bin edges, out-of-range values, NaN) because a wrong bin silently lies about a picture.
 */

export interface Binned {
  /** counts[i] = values in [lo + i·w, lo + (i+1)·w), w = (hi − lo)/bins; the last bin also holds hi. */
  readonly counts: Uint32Array;
  readonly lo: number;
  readonly hi: number;
  /** Values < lo (−∞ included). */
  readonly below: number;
  /** Values > hi (+∞ included). */
  readonly above: number;
  readonly nan: number;
}

/**
 * Bins `values` into `bins` equal-width bins over [lo, hi].
 * @throws RangeError unless lo < hi (both finite) and bins ≥ 1
 */
export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins: number): Binned {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi))
    throw new RangeError(`histogram range [${lo}, ${hi}] is empty or not finite`);
  if (!(bins >= 1)) throw new RangeError(`histogram needs at least one bin, got ${bins}`);
  const n = Math.floor(bins);
  const counts = new Uint32Array(n);
  const scale = n / (hi - lo);
  let below = 0;
  let above = 0;
  let nan = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v >= lo && v <= hi) {
      // Rounding in (v − lo)·scale can land exactly on n for v just under hi: clamp into the last bin.
      const b = Math.min(n - 1, Math.floor((v - lo) * scale));
      counts[b]! += 1;
    } else if (v < lo) below += 1;
    else if (v > hi) above += 1;
    else nan += 1;
  }
  return { counts, lo, hi, below, above, nan };
}

/**
 * The finite range [min, max] over several arrays, widened to a non-empty interval: a constant
 * value v gives [v − ½, v + ½] (so a dead layer still shows as one bar); no finite value gives [−1, 1].
 */
export function valueRange(arrays: readonly ArrayLike<number>[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (lo > hi) return { lo: -1, hi: 1 };
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(lo))) return { lo: lo - 0.5, hi: hi + 0.5 };
  return { lo, hi };
}

export interface Moments {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Share of values exactly 0. */
  readonly zeros: number;
}

/** Mean, population standard deviation, min, max and share of zeros, in doubles. NaN when empty. */
export function moments(values: ArrayLike<number>): Moments {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, min: NaN, max: NaN, zeros: NaN };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros += 1;
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / n), min, max, zeros: zeros / n };
}
