import { describe, expect, it } from 'vitest';
import { mean, std, summarize, variance } from './stats';

describe('trial statistics', () => {
  it('mean, sample variance and std of known values', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(variance(xs)).toBeCloseTo(32 / 7, 12);
    expect(std(xs)).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('reproduces a reported "mean ± std of 5 trials"', () => {
    const acc = [0.9893, 0.9899, 0.9905, 0.9897, 0.9901];
    const s = summarize(acc);
    expect(s.n).toBe(5);
    expect(s.mean).toBeCloseTo(0.9899, 6);
    expect(s.std).toBeCloseTo(0.000447, 5);
    expect(s.variance).toBeCloseTo(s.std ** 2, 12);
    expect(s.min).toBe(0.9893);
    expect(s.max).toBe(0.9905);
  });

  it('one trial has no spread; no trials give NaN', () => {
    expect(variance([0.5])).toBe(0);
    expect(std([0.5])).toBe(0);
    expect(mean([])).toBeNaN();
    expect(summarize([]).n).toBe(0);
  });

  it('leaves non-finite values (diverged runs) out of the summary', () => {
    const s = summarize([0.9, Number.NaN, 0.8, Number.POSITIVE_INFINITY]);
    expect(s.n).toBe(2);
    expect(s.mean).toBeCloseTo(0.85, 12);
  });

  it('is invariant to order and shifts the mean but not the spread', () => {
    const xs = [0.1, 0.7, 0.3, 0.9];
    expect(std([...xs].reverse())).toBeCloseTo(std(xs), 12);
    expect(std(xs.map((x) => x + 10))).toBeCloseTo(std(xs), 9);
    expect(mean(xs.map((x) => x + 10))).toBeCloseTo(mean(xs) + 10, 9);
  });
});
