import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maybeErase, unitPreprocessing } from './data/transforms';
import { buildModel } from './model';
import { learningRateAt } from './optimizers';
import { createRng } from './rng';
import { DEFAULT_SETTINGS, inapplicableReason } from './settings';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const INPUT = { height: 16, width: 16, channels: 1 };

describe('activation slopes, cosine minimum, erasing ranges', () => {
  it('the Leaky ReLU α setting reaches every leaky layer', () => {
    const model = buildModel({ ...DEFAULT_SETTINGS, activation: 'leaky-relu', leakyAlpha: 0.2 }, INPUT, 10);
    const alphas = model.layers.filter((l) => l.getClassName() === 'LeakyReLU').map((l) => l.getConfig()['alpha']);
    expect(alphas.length).toBe(4);
    expect(new Set(alphas)).toEqual(new Set([0.2]));
    model.dispose();
  });

  it('ELU α ≠ 1 gets its own ELU layers (the fused form is fixed at α = 1)', () => {
    const model = buildModel({ ...DEFAULT_SETTINGS, activation: 'elu', eluAlpha: 0.5 }, INPUT, 10);
    const elus = model.layers.filter((l) => l.getClassName() === 'AlphaElu');
    expect(elus.length).toBe(4);
    expect(elus.every((l) => l.getConfig()['alpha'] === 0.5)).toBe(true);
    const y = elus[0]!.apply(tf.tensor1d([-100, 1])) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([expect.closeTo(-0.5, 5), 1]);
    y.dispose();
    model.dispose();
  });

  it('cosine annealing runs from λ0 to the minimum', () => {
    const s = { ...DEFAULT_SETTINGS, learningRate: 0.1, lrSchedule: 'cosine' as const, lrMin: 0.01 };
    expect(learningRateAt(s, 1, 10, 100)).toBeCloseTo(0.1, 10);
    expect(learningRateAt(s, 51, 10, 100)).toBeCloseTo(0.055, 10);
    expect(learningRateAt(s, 101, 10, 100)).toBeCloseTo(0.01, 10);
    expect(inapplicableReason('lrMin', { ...DEFAULT_SETTINGS, lrSchedule: 'cosine', lrMin: 0.5 })).toMatch(/below the learning rate/);
    expect(inapplicableReason('lrMin', { ...DEFAULT_SETTINGS })).toMatch(/cosine/);
  });

  it('random erasing honours the area and aspect ranges', () => {
    const x = new Float32Array(20 * 20);
    const aug = { erasing: 1, shift: 0, area: [0.49, 0.49] as const, aspect: [1, 1] as const, rng: createRng(3) };
    maybeErase(aug, unitPreprocessing(1), 20, 20, x, 0);
    const changed = x.filter((v) => v !== 0).length;
    // 0.49 × 400 = 196 pixels = a 14 × 14 square (a few noise values may be exactly 0).
    expect(changed).toBeGreaterThan(190);
    expect(changed).toBeLessThanOrEqual(196);
  });
});
