import { describe, expect, it } from 'vitest';
import { fmtRate } from './format';

describe('fmtRate', () => {
  it('writes usual learning rates out, three significant digits', () => {
    expect(fmtRate(0.01)).toBe('0.01');
    expect(fmtRate(0.001)).toBe('0.001');
    expect(fmtRate(0.0001)).toBe('0.0001');
    expect(fmtRate(0.003)).toBe('0.003');
    expect(fmtRate(5)).toBe('5');
    expect(fmtRate(0.1234567)).toBe('0.123');
    expect(fmtRate(250)).toBe('250');
    // A decaying schedule's value mid-run.
    expect(fmtRate(0.0012345)).toBe('0.00123');
  });

  it('uses compact exponent form for very small or large rates', () => {
    expect(fmtRate(1e-5)).toBe('1e-5');
    expect(fmtRate(2.5e-6)).toBe('2.5e-6');
    expect(fmtRate(1.23456e-5)).toBe('1.23e-5');
    expect(fmtRate(1e4)).toBe('1e4');
    expect(fmtRate(12345)).toBe('1.23e4');
  });

  it('rounds before choosing the form (0.000099996 reads 0.0001; 9999 reads 1e4)', () => {
    expect(fmtRate(0.000099996)).toBe('0.0001');
    expect(fmtRate(9999)).toBe('1e4');
  });

  it('0 and non-finite values read as themselves', () => {
    expect(fmtRate(0)).toBe('0');
    expect(fmtRate(Number.NaN)).toBe('NaN');
    expect(fmtRate(Infinity)).toBe('Infinity');
  });
});
