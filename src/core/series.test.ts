import { describe, expect, it } from 'vitest';
import { smoothInLog } from './chartScale';
import { downsample, LiveCurve, smooth } from './series';

describe('chart series', () => {
  it('smoothing with bias correction starts at the first value and follows a constant', () => {
    const pts = [5, 5, 5, 5].map((y, x) => ({ x, y }));
    expect(smooth(pts, 0.9).map((p) => p.y)).toEqual([5, 5, 5, 5].map(() => expect.closeTo(5, 10)));
    const step = [0, 0, 10, 10].map((y, x) => ({ x, y }));
    const s = smooth(step, 0.5).map((p) => p.y);
    expect(s[0]).toBe(0);
    expect(s[3]!).toBeGreaterThan(s[2]!);
    expect(s[3]!).toBeLessThan(10);
  });

  it('downsampling bounds the count, keeps the last point exactly and preserves the mean', () => {
    const pts = Array.from({ length: 1001 }, (_, i) => ({ x: i, y: i % 2 }));
    const d = downsample(pts, 101);
    expect(d.length).toBeLessThanOrEqual(101);
    expect(d.at(-1)).toEqual(pts.at(-1));
    const inner = d.slice(0, -1);
    expect(inner.every((p) => Math.abs(p.y - 0.5) < 0.06)).toBe(true);
    expect(downsample(pts.slice(0, 10), 100)).toHaveLength(10);
  });

  it('a live curve equals the smoothed series while it fits, then stays bounded however long the run', () => {
    const ys = Array.from({ length: 5000 }, (_, i) => Math.sin(i / 50) + (i % 7) / 10);
    const curve = new LiveCurve(0.9, 200);
    const raw = ys.map((y, x) => ({ x, y }));
    for (let i = 0; i < 150; i++) curve.push(i, ys[i]!);
    // Under capacity nothing is merged: exactly `smooth`.
    expect(curve.points()).toEqual(smooth(raw.slice(0, 150), 0.9));
    let longest = 0;
    for (let i = 150; i < ys.length; i++) {
      curve.push(i, ys[i]!);
      longest = Math.max(longest, curve.points().length);
    }
    expect(curve.length).toBe(5000);
    expect(longest).toBeLessThanOrEqual(200);
    const pts = curve.points();
    expect(pts.length).toBeGreaterThan(100);
    // The line ends at the current smoothed value, and x increases along it.
    expect(pts.at(-1)).toEqual(smooth(raw, 0.9).at(-1));
    for (let i = 1; i < pts.length; i++) expect(pts[i]!.x).toBeGreaterThan(pts[i - 1]!.x);
    // Bucket means follow the smoothed series (same overall mean, within rounding).
    const mean = (a: readonly { y: number }[]) => a.reduce((t, p) => t + p.y, 0) / a.length;
    expect(mean(pts.slice(0, -1))).toBeCloseTo(mean(smooth(raw, 0.9).slice(0, -1)), 1);
  });

  it('a live curve without smoothing keeps a step where it happened', () => {
    const curve = new LiveCurve(0, 16);
    for (let i = 0; i < 1000; i++) curve.push(i, i < 500 ? 1 : 2);
    const pts = curve.points();
    expect(pts.length).toBeLessThanOrEqual(16);
    expect(pts.filter((p) => p.x < 400).every((p) => p.y === 1)).toBe(true);
    expect(pts.filter((p) => p.x > 600).every((p) => p.y === 2)).toBe(true);
  });

  it('a live curve in log space equals smoothInLog while it fits', () => {
    const raw = [2, 1, 0.5, 1e6, 0.4, 0, 0.3].map((y, x) => ({ x, y }));
    const curve = new LiveCurve(0.9, 64, 'log');
    for (const p of raw) curve.push(p.x, p.y);
    const expected = smoothInLog(raw, 0.9);
    const got = curve.points();
    expect(got.length).toBe(expected.length);
    got.forEach((p, i) => (Number.isNaN(expected[i]!.y) ? expect(p.y).toBeNaN() : expect(p.y).toBeCloseTo(expected[i]!.y, 9)));
  });
});
