import { describe, expect, it } from 'vitest';
import { autoScale, axisWidth, compactNumber, linearTicks, logTicks, smoothInLog, yAxisLayout } from './chartScale';
import { smooth } from './series';
import { recentMean } from './series';

describe('chart axes', () => {
  it('tick labels are compact and keep their leading digit: 4e12, not "e+12"', () => {
    expect(compactNumber(4e12)).toBe('4e12');
    expect(compactNumber(2.5e12)).toBe('2.5e12');
    expect(compactNumber(1e-5)).toBe('1e-5');
    expect(compactNumber(0)).toBe('0');
    expect(compactNumber(0.25)).toBe('0.25');
    expect(compactNumber(2.302585)).toBe('2.3');
    expect(compactNumber(1000)).toBe('1000');
    expect(compactNumber(20000)).toBe('2e4');
  });

  it('the axis is as wide as its widest label', () => {
    expect(axisWidth(['0', '2e12', '4e12'])).toBeGreaterThanOrEqual(4 * 7);
    expect(axisWidth(['0', '0.5', '1', '1.5'])).toBeLessThan(axisWidth(['0', '1e-5', '1e12', '2.5e12']));
  });

  it('linear ticks are round and cover the data; log ticks are decades, thinned when many', () => {
    expect(linearTicks(0, 2.31)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(linearTicks(0, 4e12).at(-1)).toBeGreaterThanOrEqual(4e12);
    expect(logTicks(0.05, 3)).toEqual([0.01, 0.1, 1, 10]);
    const wide = logTicks(0.02, 4e12);
    expect(wide.length).toBeLessThanOrEqual(8);
    expect(wide[0]).toBeLessThanOrEqual(0.02);
    expect(wide.at(-1)).toBeGreaterThanOrEqual(4e12);
  });

  it('a loss spanning three orders of magnitude gets a log axis by itself; a normal curve stays linear', () => {
    expect(autoScale([2.3, 1.2, 0.4, 0.1, 0.05])).toBe('linear');
    expect(autoScale([2.3, 50, 4e4, 4e12])).toBe('log');
    expect(autoScale([2.3, Number.NaN, Infinity, 0])).toBe('linear');
  });

  it('the layout ignores non-finite values and never gives a log axis a zero', () => {
    const log = yAxisLayout([2.3, 4e12, Number.NaN, 0], 'log');
    expect(log.domain[0]).toBeGreaterThan(0);
    expect(log.domain[1]).toBeGreaterThanOrEqual(4e12);
    const lin = yAxisLayout([2.3, 0.4, Infinity], 'linear');
    expect(lin.domain).toEqual([0, 2.5]);
  });
});

describe('smoothing on a log axis', () => {
  it('a spike to 1e10 is forgotten within a few dozen batches, unlike the arithmetic average', () => {
    const points = Array.from({ length: 60 }, (_, i) => ({ x: i, y: i === 5 ? 1e10 : 2 }));
    const geometric = smoothInLog(points, 0.9).at(-1)!.y;
    const arithmetic = smooth(points, 0.9).at(-1)!.y;
    expect(geometric).toBeLessThan(10);
    expect(arithmetic).toBeGreaterThan(1e6);
  });

  it('a constant curve stays itself; zeros are not drawn', () => {
    expect(
      smoothInLog(
        [
          { x: 0, y: 0.5 },
          { x: 1, y: 0.5 },
        ],
        0.9,
      ).map((p) => Number(p.y.toFixed(12))),
    ).toEqual([0.5, 0.5]);
    expect(Number.isNaN(smoothInLog([{ x: 0, y: 0 }], 0.9)[0]!.y)).toBe(true);
  });
});

describe('the live training number', () => {
  it('is the mean of the last 50 finite batch values', () => {
    const values = Array.from({ length: 120 }, (_, i) => i);
    expect(recentMean(values)).toBe((70 + 119) / 2);
    expect(recentMean([1, Number.NaN, 3])).toBe(2);
    expect(recentMean([])).toBeUndefined();
  });
});
