import { describe, expect, it } from 'vitest';
import { healthOf } from './networkHealth';

describe('network view health marks', () => {
  it('is fine for a spread signal and a real gradient', () => {
    expect(healthOf({ zeros: 0.4, std: 0.8 }, 0.3)).toEqual({ level: 'ok', text: 'signal and gradient look healthy' });
  });
  it('warns at many zeros and flags dead units', () => {
    expect(healthOf({ zeros: 0.7, std: 0.5 }, 0.1)?.level).toBe('warn');
    const dead = healthOf({ zeros: 0.95, std: 0.01 }, 0.1);
    expect(dead?.level).toBe('bad');
    expect(dead?.text).toMatch(/95% of outputs are 0/);
  });
  it('flags a collapsed signal, a vanishing and a non-finite gradient', () => {
    expect(healthOf({ zeros: 0, std: 1e-4 }, undefined)?.text).toMatch(/barely vary/);
    expect(healthOf(undefined, 1e-7)).toEqual({ level: 'bad', text: 'gradient vanishing (‖∇W‖ < 1e-5)' });
    expect(healthOf(undefined, Number.NaN)?.level).toBe('bad');
  });
  it('says nothing without data', () => {
    expect(healthOf(undefined, undefined)).toBeNull();
  });
});
