import { describe, expect, it } from 'vitest';
import { diverging, luminance, sequential, textOn } from './colormap';

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

  it('text colour contrasts with the cell', () => {
    expect(textOn(sequential(0))).toBe('#1b1f24');
    expect(textOn(sequential(1))).toBe('#ffffff');
  });
});
