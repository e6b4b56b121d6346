/**
 * The training-side knobs, end to end on the CPU backend with small models (MLP / a thin depth
 * model on 16×16 synthetic images): L2, clipping, schedules, early stopping, negatives, augmentation
 * and dropout determinism, and no tensor leaks with everything on.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitTrainValidation, wholeSet } from './data/batches';
import { runExperiment, type RunInfo } from './experiment';
import { buildModel } from './model';
import { createOptimizer } from './optimizers';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import { syntheticSplit } from './testing/synthetic';
import {
  adjustGradients,
  DivergenceError,
  EarlyStopping,
  kernelNames,
  RunControl,
  train,
  type BatchPoint,
  type EpochMetrics,
} from './train';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SIZE = 16;
const mlp: Settings = { ...DEFAULT_SETTINGS, model: 'mlp', validationSize: 0, batchSize: 16, epochs: 1 };

function recorder() {
  const batches: BatchPoint[] = [];
  const epochs: EpochMetrics[] = [];
  const infos: RunInfo[] = [];
  return {
    batches,
    epochs,
    infos,
    observer: {
      onBatches: (p: readonly BatchPoint[]) => batches.push(...p),
      onProgress: () => {},
      onEpoch: (m: EpochMetrics) => epochs.push(m),
      onModel: (_s: unknown, _z: unknown, info: RunInfo) => infos.push(info),
    },
  };
}

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((t) => Array.from(t.dataSync()));

describe('L2 and gradient clipping', () => {
  it('L2 adds 2λw to kernel gradients only', () => {
    const model = buildModel(mlp, { height: 4, width: 4, channels: 1 }, 10);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const kernels = kernelNames(model);
    expect(kernels.size).toBe(3);
    expect([...kernels].every((n) => n.endsWith('kernel'))).toBe(true);
    tf.tidy(() => {
      const grads = Object.fromEntries(vars.map((v) => [v.name, tf.onesLike(v)]));
      const out = adjustGradients(grads, vars, kernels, 0.01, 0);
      for (const v of vars) {
        const expected = kernels.has(v.name) ? tf.add(1, tf.mul(v, 0.02)) : tf.onesLike(v);
        expect(tf.max(tf.abs(tf.sub(out[v.name]!, expected))).dataSync()[0]).toBeLessThan(1e-6);
      }
    });
    model.dispose();
  });

  it('clipping bounds the global norm and leaves small gradients alone', () => {
    const v = [tf.variable(tf.zeros([3]), true, 'clip-a'), tf.variable(tf.zeros([2, 2]), true, 'clip-b')];
    tf.tidy(() => {
      const grads = {
        'clip-a': tf.tensor1d([3, 4, 0]),
        'clip-b': tf.tensor2d([
          [0, 12],
          [0, 0],
        ]),
      }; // norm 13
      const norm = (g: tf.NamedTensorMap) => Math.sqrt(Object.values(g).reduce((a, t) => a + tf.sum(tf.square(t)).dataSync()[0]!, 0));
      const clipped = adjustGradients(grads, v, new Set(), 0, 5);
      expect(norm(clipped)).toBeCloseTo(5, 4);
      // Direction kept.
      expect(Array.from(clipped['clip-a']!.dataSync())).toEqual([(3 * 5) / 13, (4 * 5) / 13, 0].map(Math.fround));
      expect(norm(adjustGradients(grads, v, new Set(), 0, 100))).toBeCloseTo(13, 4);
    });
    tf.dispose(v);
  });

  it('one SGD step with L2 moves each kernel by an extra −lr·2λw, biases not', async () => {
    const data = syntheticSplit(16, 4, 1, SIZE);
    const step = async (l2: number) => {
      const s = { ...mlp, optimizer: 'sgd' as const, learningRate: 0.1, l2, biasInit: 0.05 };
      const model = buildModel(s, data.train, 10);
      const start = weightsOf(model);
      const optimizer = createOptimizer(s);
      await train({
        model,
        optimizer,
        train: wholeSet(data.train),
        validation: null,
        test: wholeSet(data.test),
        numClasses: 10,
        settings: s,
        control: new RunControl(),
        observer: recorder().observer,
      });
      const end = weightsOf(model);
      model.dispose();
      optimizer.dispose();
      return { start, end };
    };
    const plain = await step(0);
    const decayed = await step(0.01);
    plain.start.forEach((w0, k) => {
      const isKernel = k % 2 === 0;
      w0.forEach((w, i) => {
        const extra = decayed.end[k]![i]! - plain.end[k]![i]!;
        expect(extra).toBeCloseTo(isKernel ? -0.1 * 2 * 0.01 * w : 0, 6);
      });
    });
  });
});

describe('learning-rate schedule in a run', () => {
  it('sets the optimizer rate per epoch and reports it in every batch point and epoch', async () => {
    const { batches, epochs, observer } = recorder();
    const s: Settings = { ...mlp, optimizer: 'adam', learningRate: 0.01, lrSchedule: 'exponential', lrGamma: 0.5, epochs: 3 };
    const r = await runExperiment(s, syntheticSplit(32, 8, 1, SIZE), new RunControl(), observer);
    r.model.dispose();
    expect(batches.map((b) => b.learningRate)).toEqual([0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025]);
    expect(epochs.map((e) => e.learningRate)).toEqual([0.01, 0.005, 0.0025]);
  });
});

describe('early stopping', () => {
  it('stops after `patience` epochs without a lower loss and remembers the best epoch', () => {
    const model = buildModel(mlp, { height: 4, width: 4, channels: 1 }, 10);
    const es = new EarlyStopping(2, true);
    const losses = [1.0, 0.8, 0.9, 0.85];
    const stops = losses.map((l, i) => es.update(i + 1, l, model));
    expect(stops).toEqual([false, false, false, true]);
    expect(es.bestEpoch).toBe(2);
    // An improvement resets the count.
    expect(es.update(5, 0.7, model)).toBe(false);
    expect(es.bestEpoch).toBe(5);
    const never = new EarlyStopping(2, false);
    expect([NaN, NaN].map((l, i) => never.update(i + 1, l, model))).toEqual([false, true]);
    es.dispose();
    never.dispose();
    model.dispose();
  });

  it('a run stops early and ends with the best epoch’s weights', async () => {
    // Validation labels are random, so the validation loss rises as the model learns the training set.
    const data = syntheticSplit(160, 20, 1, SIZE);
    const shuffled = Uint8Array.from(data.train.labels, (_, i) => (i * 7 + 3) % 10);
    const epochWeights: number[][][] = [];
    const { epochs, observer } = recorder();
    const s: Settings = { ...mlp, validationSize: 60, epochs: 12, patience: 2, restoreBest: true, optimizer: 'adam', learningRate: 0.01 };
    // Run through train() directly so the validation set can carry its own labels.
    const model = buildModel(s, data.train, 10);
    const optimizer = createOptimizer(s);
    const split = splitTrainValidation(data.train, s);
    const result = await train({
      model,
      optimizer,
      train: split.train,
      validation: { ...split.validation!, labels: shuffled },
      test: wholeSet(data.test),
      numClasses: 10,
      settings: s,
      control: new RunControl(),
      observer: {
        ...observer,
        onEpoch: (m) => {
          epochWeights.push(weightsOf(model));
          observer.onEpoch(m);
        },
      },
    });
    const best = result.bestEpoch!;
    expect(result.stoppedEarly).toBe(true);
    expect(result.epochsCompleted).toBe(best + 2);
    expect(epochs.at(-1)!.stoppedEarly).toBe(true);
    expect(epochs.at(-1)!.bestEpoch).toBe(best);
    const losses = epochs.map((e) => e.validation!.loss);
    expect(Math.min(...losses)).toBe(losses[best - 1]);
    expect(result.restoredEpoch).toBe(best);
    expect(weightsOf(model)).toEqual(epochWeights[best - 1]);
    model.dispose();
    optimizer.dispose();
  });
});

describe('negatives, augmentation, dropout, BN in a run', () => {
  it('negatives modes report the test accuracy on negatives next to positives', async () => {
    for (const negatives of ['none', 'test-negative', 'train-both', 'abs-mean'] as const) {
      const { epochs, observer } = recorder();
      const r = await runExperiment({ ...mlp, negatives }, syntheticSplit(32, 10, 1, SIZE), new RunControl(), observer);
      r.model.dispose();
      const e = epochs[0]!;
      if (negatives === 'none') expect(e.testNegative).toBeNull();
      else expect(e.testNegative!.accuracy).toBeGreaterThanOrEqual(0);
      // |I − mean(I)| makes positives and negatives identical, so are their scores.
      if (negatives === 'abs-mean') expect(e.testNegative).toEqual(e.test);
    }
  });

  it('same seed ⇒ same curve with dropout, erasing, shifts, label noise and BN; another seed differs', async () => {
    const s: Settings = {
      ...mlp,
      dropout: 0.3,
      randomErasing: 0.5,
      shift: 2,
      labelNoise: 0.3,
      batchNorm: true,
      validationSize: 16,
      epochs: 2,
      normalization: 'standardize',
    };
    const run = async (seed: number) => {
      const { batches, infos, observer } = recorder();
      const r = await runExperiment({ ...s, seed }, syntheticSplit(80, 10, 1, SIZE), new RunControl(), observer);
      const w = weightsOf(r.model);
      r.model.dispose();
      return { losses: batches.map((b) => b.loss), w, noise: infos[0]!.labelNoise };
    };
    const a = await run(5);
    const b = await run(5);
    expect(b.losses).toEqual(a.losses);
    expect(b.w).toEqual(a.w);
    expect(a.noise!.matrix).toEqual(b.noise!.matrix);
    expect(a.noise!.count).toBe(64);
    const c = await run(6);
    expect(c.losses).not.toEqual(a.losses);
  });

  it('leaks no tensors across epochs with every knob on (deep model, BN, residual, dropout, L2, clipping, schedule, early stopping)', async () => {
    const data = syntheticSplit(48, 10, 1, SIZE);
    const s: Settings = {
      ...DEFAULT_SETTINGS,
      model: 'deep',
      depth: 3,
      widthMultiplier: 0.25,
      batchNorm: true,
      residual: true,
      dropout: 0.2,
      l2: 1e-3,
      clipNorm: 1,
      lrSchedule: 'time',
      lrDecay: 0.01,
      patience: 10,
      optimizer: 'nesterov',
      batchSize: 16,
      epochs: 4,
      validationSize: 16,
      negatives: 'train-both',
      randomErasing: 0.5,
      shift: 1,
    };
    const counts: number[] = [];
    const { observer } = recorder();
    const r = await runExperiment(s, data, new RunControl(), { ...observer, onEpoch: () => counts.push(tf.memory().numTensors) });
    expect(counts).toHaveLength(4);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(counts[3]).toBe(counts[0]);
    r.model.dispose();
  });

  it('a diverged run names the likely cause with the run’s optimizer, rate and activation', async () => {
    const s: Settings = { ...mlp, optimizer: 'sgd', learningRate: 10, initializer: 'random-normal', initScale: 5, epochs: 2 };
    const run = runExperiment(s, syntheticSplit(64, 10, 1, SIZE), new RunControl(), recorder().observer);
    const error = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DivergenceError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /learning rate 10 is probably too high for SGD with ReLU activations; try 0\.01 \(SGD usually wants lr ≈ 0\.01\)/,
    );
    expect(message).toMatch(/Normal \(σ below\) at 5/);
    expect(message).toMatch(/clipping/);
  });
});
