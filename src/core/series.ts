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

/**
 * A growing series as a chart draws it, kept up to date point by point: the same bias-corrected
 * smoothing as `smooth`, then bucket means, at most `capacity` of them. When the buckets are full,
 * neighbours merge in pairs (each bucket then holds twice as many points), so an append costs O(1)
 * (amortised) and reading the curve O(capacity), whatever the length of the run: what a chart draws
 * is bounded by the points it can show, not by the points recorded. The last point is kept exact.
 */
export class LiveCurve {
  private avg = 0;
  private n = 0;
  private sx: number[] = [];
  private sy: number[] = [];
  private count: number[] = [];
  private bucketSize = 1;
  private last: XY | null = null;
  private total = 0;

  /**
   * `weight` as in `smooth` (0 = raw); `capacity` ≥ 4 buckets; `space` 'log' smooths log(y) and
   * draws exp of it, as `smoothInLog` (y ≤ 0 gives a gap).
   */
  constructor(
    private readonly weight: number,
    private readonly capacity: number,
    private readonly space: 'linear' | 'log' = 'linear',
  ) {
    if (!(capacity >= 4)) throw new Error('LiveCurve needs a capacity of at least 4');
  }

  /** Points appended so far. */
  get length(): number {
    return this.total;
  }

  push(x: number, raw: number): void {
    const log = this.space === 'log';
    const y = log ? (raw > 0 ? Math.log(raw) : Number.NaN) : raw;
    let point: XY = { x, y: raw };
    if (Number.isFinite(y)) {
      this.avg = this.avg * this.weight + (1 - this.weight) * y;
      this.n += 1;
      const smoothed = this.avg / (1 - this.weight ** this.n);
      point = { x, y: log ? Math.exp(smoothed) : smoothed };
    } else if (log) point = { x, y: Number.NaN };
    this.total += 1;
    this.last = point;
    const k = this.count.length - 1;
    if (k >= 0 && this.count[k]! < this.bucketSize) {
      this.sx[k]! += point.x;
      this.sy[k]! += point.y;
      this.count[k]! += 1;
    } else {
      this.sx.push(point.x);
      this.sy.push(point.y);
      this.count.push(1);
      if (this.count.length > this.capacity - 1) this.mergePairs();
    }
  }

  /** The curve to draw: bucket means, then the latest point exactly; at most `capacity` points. */
  points(): XY[] {
    const out: XY[] = [];
    for (let i = 0; i < this.count.length; i++) out.push({ x: this.sx[i]! / this.count[i]!, y: this.sy[i]! / this.count[i]! });
    // The last bucket's mean is replaced by the exact latest point when it holds only that point.
    if (this.last && this.count.at(-1) === 1) out.pop();
    if (this.last) out.push(this.last);
    return out;
  }

  private mergePairs(): void {
    const sx: number[] = [];
    const sy: number[] = [];
    const count: number[] = [];
    for (let i = 0; i < this.count.length; i += 2) {
      const j = i + 1 < this.count.length ? i + 1 : i;
      sx.push(this.sx[i]! + (j !== i ? this.sx[j]! : 0));
      sy.push(this.sy[i]! + (j !== i ? this.sy[j]! : 0));
      count.push(this.count[i]! + (j !== i ? this.count[j]! : 0));
    }
    this.sx = sx;
    this.sy = sy;
    this.count = count;
    this.bucketSize *= 2;
  }
}
