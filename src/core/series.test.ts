import { describe, expect, it } from 'vitest';
import { downsample, smooth } from './series';

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
});
