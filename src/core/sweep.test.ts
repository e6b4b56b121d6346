import { describe, expect, it } from 'vitest';
import { defaultSweepText, logRange, parseSweepValues, SWEEPABLE } from './sweep';

describe('sweeps', () => {
  it('reads typed values through the schema, reporting each bad one', () => {
    expect(parseSweepValues('labelNoise', '0, 0.2 0.4;0.8')).toEqual({ values: [0, 0.2, 0.4, 0.8], rejected: [] });
    const r = parseSweepValues('labelNoise', '0.2, 2, abc, 0.2');
    expect(r.values).toEqual([0.2]);
    expect(r.rejected).toHaveLength(3);
    expect(r.rejected[0]).toMatch(/outside/);
    expect(r.rejected[1]).toMatch(/not a number/);
    expect(r.rejected[2]).toMatch(/given twice/);
    expect(parseSweepValues('activation', 'relu, <b>x</b>').rejected[0]).toMatch(/not one of/);
    expect(parseSweepValues('batchNorm', '0, 1').values).toEqual([false, true]);
  });

  it('caps the number of values', () => {
    const r = parseSweepValues('epochs', Array.from({ length: 20 }, (_, i) => i + 1).join(','));
    expect(r.values).toHaveLength(12);
    expect(r.rejected).toHaveLength(8);
  });

  it('log range spans the ends in equal ratios', () => {
    expect(logRange(0.001, 0.1, 3)).toEqual([0.001, 0.01, 0.1]);
    expect(logRange(1e-4, 1, 5)).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1]);
    expect(logRange(0, 1, 3)).toEqual([]);
    expect(logRange(0.5, 1, 1)).toEqual([0.5]);
  });

  it('the default values of every sweepable setting are valid', () => {
    for (const name of SWEEPABLE) {
      const r = parseSweepValues(name, defaultSweepText(name));
      expect(r.rejected, name).toEqual([]);
      expect(r.values.length, name).toBeGreaterThan(1);
    }
  });
});
