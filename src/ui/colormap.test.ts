import { describe, expect, it } from 'vitest';
import { contrast, diverging, divergingIndex, divergingLut, luminance, sequential, textOn } from './colormap';

describe('colour maps', () => {
  it('diverging: 0 is (near) white, negatives blue, positives orange, clamped beyond ±1, NaN at an end not a crash', () => {
    expect(diverging(0)).toEqual([247, 247, 247]);
    const [r1, , b1] = diverging(-1);
    const [r2, , b2] = diverging(1);
    expect(b1).toBeGreaterThan(r1);
    expect(r2).toBeGreaterThan(b2);
    expect(diverging(-5)).toEqual(diverging(-1));
    expect(diverging(5)).toEqual(diverging(1));
    expect(diverging(NaN)).toHaveLength(3);
  });

  it('lightness falls monotonically away from the centre (readable without hue, i.e. by colour-blind users)', () => {
    const steps = Array.from({ length: 11 }, (_, i) => i / 10);
    const pos = steps.map((t) => luminance(diverging(t)));
    const neg = steps.map((t) => luminance(diverging(-t)));
    const seq = steps.map((t) => luminance(sequential(t)));
    for (const series of [pos, neg, seq]) for (let i = 1; i < series.length; i++) expect(series[i]!).toBeLessThan(series[i - 1]!);
  });

  it('text colour contrasts with the cell: WCAG AA (4.5:1) on every shade of the matrix map', () => {
    expect(textOn(sequential(0))).toBe('#000000');
    expect(textOn(sequential(1))).toBe('#ffffff');
    const rgb = (hex: string): [number, number, number] =>
      [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
    for (let i = 0; i <= 200; i++) {
      const bg = sequential(i / 200);
      expect(contrast(rgb(textOn(bg)), bg)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('the diverging table paints what diverging computes, within one colour level, clamped and NaN-safe', () => {
    const lut = divergingLut();
    const at = (v: number) => Array.from(lut.subarray(divergingIndex(v) * 3, divergingIndex(v) * 3 + 3));
    for (let i = -1000; i <= 1000; i++) {
      const v = i / 1000;
      at(v).forEach((c, k) => expect(Math.abs(c - diverging(v)[k]!)).toBeLessThanOrEqual(1));
    }
    expect(at(0)).toEqual([247, 247, 247]);
    expect(at(-7)).toEqual([...diverging(-1)]);
    expect(at(7)).toEqual([...diverging(1)]);
    expect(at(NaN)).toEqual([...diverging(NaN)]);
  });
});
