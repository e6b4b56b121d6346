/**
 * Summary statistics of repeated trials (framework-free). Variance is the unbiased sample variance
 * (divides by n − 1), as reported for "mean of 5 trials ± std" in the course material; a single
 * trial has no spread, so its variance and std are 0.
 */

/** Arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Unbiased sample variance Σ(x − x̄)² / (n − 1); 0 for one value, NaN for none. */
export function variance(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  if (values.length === 1) return 0;
  const m = mean(values);
  let sum = 0;
  for (const v of values) sum += (v - m) ** 2;
  return sum / (values.length - 1);
}

/** Sample standard deviation √variance. */
export function std(values: readonly number[]): number {
  return Math.sqrt(variance(values));
}

export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly std: number;
  readonly variance: number;
  readonly min: number;
  readonly max: number;
}

/** n, mean, std, variance, min and max of the finite values (NaN from a diverged run is left out). */
export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  return {
    n: finite.length,
    mean: mean(finite),
    std: std(finite),
    variance: variance(finite),
    min: finite.length ? Math.min(...finite) : Number.NaN,
    max: finite.length ? Math.max(...finite) : Number.NaN,
  };
}
