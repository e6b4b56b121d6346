/**
 * Turning thousands of per-batch points into a readable chart line: exponential smoothing, then
 * downsampling to a bounded number of points. Pure functions, no UI.
 */

export interface XY {
  readonly x: number;
  readonly y: number;
}

/**
 * Exponential moving average with bias correction (as in TensorBoard), so the first points are not
 * dragged towards zero. `weight` ∈ [0, 1): 0 = raw, 0.9 = heavy smoothing. Non-finite y pass through.
 */
export function smooth(points: readonly XY[], weight: number): XY[] {
  let avg = 0;
  let n = 0;
  return points.map((p) => {
    if (!Number.isFinite(p.y)) return p;
    avg = avg * weight + (1 - weight) * p.y;
    n += 1;
    return { x: p.x, y: avg / (1 - weight ** n) };
  });
}

/**
 * Reduces `points` to at most `maxPoints` by averaging consecutive buckets of equal count; the last
 * point is always kept exactly so the line ends at the current value.
 */
export function downsample(points: readonly XY[], maxPoints: number): XY[] {
  if (points.length <= maxPoints || maxPoints < 2) return points.slice();
  const bucket = Math.ceil(points.length / (maxPoints - 1));
  const out: XY[] = [];
  for (let start = 0; start < points.length - 1; start += bucket) {
    const end = Math.min(start + bucket, points.length - 1);
    let sx = 0;
    let sy = 0;
    for (let i = start; i < end; i++) {
      sx += points[i]!.x;
      sy += points[i]!.y;
    }
    out.push({ x: sx / (end - start), y: sy / (end - start) });
  }
  out.push(points[points.length - 1]!);
  return out;
}

/** How many of the latest batches the live "train" numbers average (metric cards and chart captions alike). */
export const RECENT_BATCHES = 50;

/** Mean of the last `n` finite values: the one definition of the live training loss / accuracy. */
export function recentMean(values: readonly number[], n = RECENT_BATCHES): number | undefined {
  const tail = values.slice(-n).filter((v) => Number.isFinite(v));
  return tail.length ? tail.reduce((a, v) => a + v, 0) / tail.length : undefined;
}
