import { describe, expect, it } from 'vitest';
import { epochAxis, epochTicks } from './epochAxis';

describe('epochTicks', () => {
  it('counts every epoch up to 10 epochs', () => {
    expect(epochTicks(1)).toEqual([0, 1]);
    expect(epochTicks(10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('steps by 1, 2 or 5 × 10ⁿ beyond that, never more than 11 ticks nor past the last epoch', () => {
    expect(epochTicks(11)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(epochTicks(25)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(epochTicks(64)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    for (let max = 1; max <= 500; max++) {
      const ticks = epochTicks(max);
      expect(ticks.length).toBeLessThanOrEqual(11);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.at(-1)).toBeLessThanOrEqual(max);
      expect(ticks.every((t) => Number.isInteger(t))).toBe(true);
    }
  });
});

describe('epochAxis', () => {
  it('is the same object for the same run length (so recharts does not re-register the axis)', () => {
    expect(epochAxis(7)).toBe(epochAxis(7));
    expect(epochAxis(7, { unit: false })).not.toBe(epochAxis(7));
    expect(epochAxis(7).domain).toEqual([0, 7]);
  });
});
