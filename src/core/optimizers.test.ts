import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOptimizer, getLearningRate, learningRateAt, setLearningRate } from './optimizers';
import { DEFAULT_SETTINGS, LR_SCHEDULES, OPTIMIZERS, type Settings } from './settings';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Applies the same gradient sequence to a fresh variable [1, −2] and returns the values after each step. */
function trajectory(optimizer: tf.Optimizer, grads: number[][]): number[][] {
  const w = tf.variable(tf.tensor1d([1, -2]), true, `w${Math.random()}`);
  const out: number[][] = [];
  for (const g of grads) {
    tf.tidy(() => optimizer.applyGradients({ [w.name]: tf.tensor1d(g) }));
    out.push(Array.from(w.dataSync()));
  }
  w.dispose();
  optimizer.dispose();
  return out;
}

const with_ = (s: Partial<Settings>): Settings => ({ ...DEFAULT_SETTINGS, ...s });

describe('optimizers', () => {
  it('Nesterov and plain momentum give different updates on the same gradients, each by its formula', () => {
    const lr = 0.1;
    const m = 0.9;
    const grads = [
      [1, 1],
      [0.5, -1],
      [0.25, 2],
    ];
    const plain = trajectory(createOptimizer(with_({ optimizer: 'momentum', learningRate: lr, momentum: m })), grads);
    const nesterov = trajectory(createOptimizer(with_({ optimizer: 'nesterov', learningRate: lr, momentum: m })), grads);
    expect(nesterov).not.toEqual(plain);
    // v ← m·v + g; plain: w ← w − lr·v; Nesterov: w ← w − lr·(g + m·v).
    const expectPlain: number[][] = [];
    const expectNesterov: number[][] = [];
    let v = [0, 0];
    let wp = [1, -2];
    let wn = [1, -2];
    for (const g of grads) {
      v = v.map((vi, i) => m * vi + g[i]!);
      wp = wp.map((wi, i) => wi - lr * v[i]!);
      wn = wn.map((wi, i) => wi - lr * (g[i]! + m * v[i]!));
      expectPlain.push(wp);
      expectNesterov.push(wn);
    }
    plain.forEach((row, k) => row.forEach((x, i) => expect(x).toBeCloseTo(expectPlain[k]![i]!, 5)));
    nesterov.forEach((row, k) => row.forEach((x, i) => expect(x).toBeCloseTo(expectNesterov[k]![i]!, 5)));
  });

  it('Adam, RMSprop and AdaGrad are built with their parameters', () => {
    const adam = createOptimizer(with_({ optimizer: 'adam', learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-8 }));
    expect(adam.getConfig()).toMatchObject({ learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-8 });
    const rms = createOptimizer(with_({ optimizer: 'rmsprop', learningRate: 0.003, rho: 0.95, epsilon: 1e-6 }));
    expect(rms.getConfig()).toMatchObject({ learningRate: 0.003, decay: 0.95, momentum: 0, epsilon: 1e-6 });
    const ada = createOptimizer(with_({ optimizer: 'adagrad', learningRate: 0.05, adagradInit: 0.2 }));
    expect(ada.getConfig()).toMatchObject({ learningRate: 0.05, initialAccumulatorValue: 0.2 });
    const nest = createOptimizer(with_({ optimizer: 'nesterov', momentum: 0.7 }));
    expect(nest.getConfig()).toMatchObject({ momentum: 0.7, useNesterov: true });
    expect(createOptimizer(DEFAULT_SETTINGS).getConfig()).toMatchObject({ learningRate: 0.01, momentum: 0.9, useNesterov: false });
    [adam, rms, ada, nest].forEach((o) => o.dispose());
  });

  it('setLearningRate changes the step size of every optimizer kind, without leaking tensors', () => {
    for (const optimizer of OPTIMIZERS) {
      // One step of size lr, then one of size 10·lr: the second move must be larger.
      const opt = createOptimizer(with_({ optimizer, learningRate: 0.01 }));
      const w = tf.variable(tf.tensor1d([1]), true, `lr-${optimizer}`);
      const step = () => tf.tidy(() => opt.applyGradients({ [w.name]: tf.tensor1d([1]) }));
      step();
      const before = tf.memory().numTensors;
      const w1 = w.dataSync()[0]!;
      setLearningRate(opt, 0.1);
      expect(getLearningRate(opt)).toBe(0.1);
      expect(tf.memory().numTensors).toBe(before);
      step();
      const w2 = w.dataSync()[0]!;
      expect(Math.abs(w2 - w1), optimizer).toBeGreaterThan(Math.abs(1 - w1) * 1.5);
      w.dispose();
      opt.dispose();
    }
  });
});

describe('learning-rate schedules', () => {
  const lr0 = 0.1;
  const spe = 50; // steps per epoch
  const epochs = 20;
  const total = spe * epochs;
  /** LR of the first step of epoch k (1-based). */
  const at = (s: Partial<Settings>, k: number) =>
    learningRateAt({ ...DEFAULT_SETTINGS, learningRate: lr0, ...s }, (k - 1) * spe + 1, spe, total);

  it.each([1, 2, 5, 13])('epoch %i follows each formula', (k) => {
    expect(at({ lrSchedule: 'constant' }, k)).toBe(lr0);
    expect(at({ lrSchedule: 'exponential', lrGamma: 0.95 }, k)).toBeCloseTo(lr0 * 0.95 ** (k - 1), 12);
    expect(at({ lrSchedule: 'step', lrGamma: 0.5, lrStepEpochs: 4 }, k)).toBeCloseTo(lr0 * 0.5 ** Math.floor((k - 1) / 4), 12);
    expect(at({ lrSchedule: 'inverse-sqrt' }, k)).toBeCloseTo(lr0 / Math.sqrt(k), 12);
    expect(at({ lrSchedule: 'time', lrDecay: 1e-3 }, k)).toBeCloseTo(lr0 / (1 + 1e-3 * (k - 1) * spe), 12);
    expect(at({ lrSchedule: 'cosine' }, k)).toBeCloseTo(lr0 * 0.5 * (1 + Math.cos((Math.PI * (k - 1)) / epochs)), 12);
  });

  it('every schedule starts at λ0; epoch-wise ones stay constant within an epoch; cosine ends near 0', () => {
    for (const lrSchedule of LR_SCHEDULES)
      expect(learningRateAt({ ...DEFAULT_SETTINGS, learningRate: lr0, lrSchedule }, 1, spe, total)).toBe(lr0);
    expect(learningRateAt({ ...DEFAULT_SETTINGS, learningRate: lr0, lrSchedule: 'exponential' }, spe, spe, total)).toBe(lr0);
    expect(learningRateAt({ ...DEFAULT_SETTINGS, learningRate: lr0, lrSchedule: 'exponential', lrGamma: 0.5 }, spe + 1, spe, total)).toBe(
      lr0 * 0.5,
    );
    expect(learningRateAt({ ...DEFAULT_SETTINGS, learningRate: lr0, lrSchedule: 'cosine' }, total, spe, total)).toBeLessThan(lr0 * 1e-4);
    // Keras' decay 1e-4 after 10,000 steps halves the rate.
    expect(learningRateAt({ ...DEFAULT_SETTINGS, learningRate: lr0, lrSchedule: 'time', lrDecay: 1e-4 }, 10_001, spe, 20_000)).toBeCloseTo(
      lr0 / 2,
      12,
    );
  });
});
