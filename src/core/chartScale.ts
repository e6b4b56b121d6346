/**
 * Y axes that can be read whatever the curve does: compact tick labels, "nice" linear ticks, decade
 * ticks for a log axis, the automatic choice between the two, and the axis width the labels need.
 * Pure functions, no UI.
 */
import { smooth, type XY } from './series';

export type AxisScale = 'linear' | 'log';

/** Max / min above which a loss axis is logarithmic by default: three orders of magnitude. */
export const LOG_AUTO_RATIO = 1000;

/**
 * A tick label in at most ~6 characters: "0", "0.25", "2.3", "150", "1000", "2e4", "4e12", "1e-5".
 * Never `toExponential`'s "4e+12", whose sign costs a character and which a narrow axis clipped.
 */
export function compactNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) {
    const [mantissa, exponent] = v.toExponential(2).split('e') as [string, string];
    return `${Number(mantissa)}e${Number(exponent)}`;
  }
  return String(Number(v.toPrecision(3)));
}

/** Round linear ticks from `lo` to at least `hi` (about `count` of them): steps of 1, 2 or 5 × 10^k. */
export function linearTicks(lo: number, hi: number, count = 6): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || hi <= lo) return [lo, lo + 1];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let t = first; t < hi + step * 0.999; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/**
 * Decade ticks covering [lo, hi] on a log axis (lo > 0): 0.01, 0.1, 1, 10, …; every k-th decade
 * when there are more than `maxTicks`, so a loss at 4e12 gets 1e-2 … 1e14 in a few labels.
 */
export function logTicks(lo: number, hi: number, maxTicks = 7): number[] {
  const a = Math.floor(Math.log10(lo));
  const b = Math.max(a + 1, Math.ceil(Math.log10(hi)));
  const every = Math.ceil((b - a + 1) / maxTicks);
  const start = Math.floor(a / every) * every;
  const ticks: number[] = [];
  for (let e = start; e < b + every; e += every) ticks.push(Number((10 ** e).toPrecision(12)));
  return ticks;
}

/** Positive, finite values of a series: what a log axis can show. */
const positive = (values: readonly number[]) => values.filter((v) => Number.isFinite(v) && v > 0);

/** The scale a loss chart picks by itself: log once the curve spans `LOG_AUTO_RATIO` or more. */
export function autoScale(values: readonly number[]): AxisScale {
  const p = positive(values);
  if (p.length < 2) return 'linear';
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of p) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi / lo >= LOG_AUTO_RATIO ? 'log' : 'linear';
}

export interface YAxisLayout {
  readonly domain: readonly [number, number];
  readonly ticks: readonly number[];
  /** Pixels the widest tick label needs (12 px sans-serif) plus the tick itself. */
  readonly width: number;
}

/**
 * Domain, ticks and width of a loss axis for the finite values shown: from 0 (linear) or the decade
 * below the smallest value (log) to a round number at or above the largest.
 */
export function yAxisLayout(values: readonly number[], scale: AxisScale): YAxisLayout {
  let ticks: number[];
  if (scale === 'log') {
    const p = positive(values);
    const lo = p.length ? Math.min(...p) : 0.1;
    const hi = p.length ? Math.max(...p) : 10;
    ticks = logTicks(lo, hi);
  } else {
    const finite = values.filter((v) => Number.isFinite(v));
    const hi = finite.length ? Math.max(0, ...finite) : 1;
    ticks = linearTicks(0, hi > 0 ? hi : 1);
  }
  return { domain: [ticks[0]!, ticks.at(-1)!], ticks, width: axisWidth(ticks.map(compactNumber)) };
}

/**
 * Width in pixels for tick labels drawn at 12 px: 7.5 px per character (a digit is ~6.7 px, "%" ~11 px)
 * plus the tick mark, its margin and a little air.
 */
export function axisWidth(labels: readonly string[]): number {
  const chars = Math.max(1, ...labels.map((l) => l.length));
  return Math.ceil(chars * 7.5 + 18);
}

/**
 * Exponential smoothing of log(y), back in y: a geometric running mean, for curves drawn on a log
 * axis. A spike decays as fast as it does on the chart's scale. Non-positive y become NaN (not drawn).
 */
export function smoothInLog(points: readonly XY[], weight: number): XY[] {
  return smooth(
    points.map((p) => ({ x: p.x, y: p.y > 0 ? Math.log(p.y) : Number.NaN })),
    weight,
  ).map((p) => ({ x: p.x, y: Math.exp(p.y) }));
}
