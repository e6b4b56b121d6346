/**
 * The optimizer table (optimizers.ts) against checkpoints (recovery.ts): for every optimizer in the
 * table — which must be every option of the `optimizer` setting — a small model trained a few steps is
 * checkpointed and restored into a fresh model and optimizer; the weights and the optimizer's state
 * round-trip (the next step is the same step), and no tensor is left behind. An optimizer whose state
 * tfjs cannot read (AdaMax's `getWeights` throws) takes the documented fallback instead of failing.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from './model';
import { createOptimizer, OPTIMIZER_KINDS, optimizerCheckpointing, setLearningRate } from './optimizers';
import { captureCheckpoint, restoreCheckpoint, type LoopPosition } from './recovery';
import { createRng } from './rng';
import { DEFAULT_SETTINGS, OPTIMIZERS, type OptimizerId, type Settings } from './settings';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const INPUT = { height: 4, width: 4, channels: 1 };
const POSITION: LoopPosition = {
  epoch: 1,
  batch: 3,
  step: 3,
  examples: 24,
  lossSum: 0,
  accuracySum: 0,
  steps: 3,
  seconds: 0,
  learningRate: 0.01,
  history: [],
  bestEpoch: null,
  bestLoss: Infinity,
};

/** A fixed batch of 8 random 4×4 images and labels. */
function batch(seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const rng = createRng(seed);
  const x = tf.tensor4d(
    Array.from({ length: 8 * 16 }, () => rng()),
    [8, 4, 4, 1],
  );
  const labels = Array.from({ length: 8 }, () => Math.floor(rng() * 10));
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10));
  return { x, y };
}

function step(model: tf.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor, y: tf.Tensor): void {
  tf.tidy(() => {
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(y, model.apply(x) as tf.Tensor));
  });
}

const values = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

function expectClose(actual: number[][], expected: number[][], label: string): void {
  expect(actual.length, label).toBe(expected.length);
  let worst = 0;
  actual.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - expected[i]![j]!)))));
  expect(worst, label).toBeLessThan(1e-6);
}

/** An MLP (no batch norm, no dropout: every step is deterministic) with the optimizer's usual constants. */
const settingsFor = (optimizer: OptimizerId, seed = 1): Settings => ({
  ...DEFAULT_SETTINGS,
  model: 'mlp',
  optimizer,
  learningRate: optimizer === 'sgd' || optimizer === 'momentum' || optimizer === 'nesterov' ? 0.05 : 0.01,
  seed,
});

describe('optimizer checkpoints (the optimizer table)', () => {
  it('the table has a row for exactly the optimizers the settings offer', () => {
    expect(Object.keys(OPTIMIZER_KINDS).sort()).toEqual([...OPTIMIZERS].sort());
  });

  for (const id of OPTIMIZERS) {
    it(`${id}: weights and optimizer state survive a checkpoint, with no tensor left behind`, async () => {
      const start = tf.memory().numTensors;
      const { x, y } = batch(7);
      const settings = settingsFor(id);
      const model = buildModel(settings, INPUT, 10);
      const optimizer = createOptimizer(settings);
      expect(optimizerCheckpointing(optimizer)).toEqual(OPTIMIZER_KINDS[id].checkpoint);
      for (let k = 0; k < 3; k++) step(model, optimizer, x, y);
      setLearningRate(optimizer, 0.02);

      const beforeCapture = tf.memory().numTensors;
      const checkpoint = await captureCheckpoint(model, optimizer, POSITION);
      expect(tf.memory().numTensors).toBe(beforeCapture);
      expect(checkpoint.weights).toHaveLength(model.getWeights().length);
      const slots = OPTIMIZER_KINDS[id].checkpoint.slots;
      if (slots === 'weights') {
        // The step count, then (all but plain SGD) one or two slots per trainable variable.
        const perVariable = { sgd: 0, momentum: 1, nesterov: 1, adagrad: 1, rmsprop: 2, adam: 2 }[id];
        expect(checkpoint.optimizerWeights).toHaveLength(1 + perVariable * model.trainableWeights.length);
        expect(Array.from(checkpoint.optimizerWeights[0]!.values)).toEqual([3]);
        expect(checkpoint.optimizerRestart).toBeUndefined();
      } else {
        expect(checkpoint.optimizerWeights).toEqual([]);
        expect(checkpoint.optimizerRestart).toMatch(/start again/);
      }

      // A fresh model of another seed and a fresh optimizer, as a resumed run builds them.
      const restoredModel = buildModel(settingsFor(id, 99), INPUT, 10);
      const restoredOptimizer = createOptimizer(settings);
      expect(values(restoredModel)).not.toEqual(values(model));
      await restoreCheckpoint(restoredModel, restoredOptimizer, checkpoint);
      setLearningRate(restoredOptimizer, 0.02);
      expectClose(values(restoredModel), values(model), `${id} weights`);
      if (slots === 'weights') {
        const original = await optimizer.getWeights();
        const restored = await restoredOptimizer.getWeights();
        expectClose(
          restored.map((w) => Array.from(w.tensor.dataSync())),
          original.map((w) => Array.from(w.tensor.dataSync())),
          `${id} optimizer state`,
        );
        // getWeights makes a tensor for the step count; the slots are the optimizer's own variables.
        tf.dispose([original[0]!.tensor, restored[0]!.tensor]);
      }

      // The state matters: the next step of the restored pair is the original's next step.
      step(model, optimizer, x, y);
      step(restoredModel, restoredOptimizer, x, y);
      expectClose(values(restoredModel), values(model), `${id} after one more step`);

      for (const o of [optimizer, restoredOptimizer]) o.dispose();
      for (const m of [model, restoredModel]) m.dispose();
      tf.dispose([x, y]);
      expect(tf.memory().numTensors).toBe(start);
    });
  }

  it('momentum state is really restored: without it the next step differs', async () => {
    const { x, y } = batch(3);
    const settings = settingsFor('momentum');
    const model = buildModel(settings, INPUT, 10);
    const optimizer = createOptimizer(settings);
    for (let k = 0; k < 3; k++) step(model, optimizer, x, y);
    const checkpoint = await captureCheckpoint(model, optimizer, POSITION);
    const restoredModel = buildModel(settings, INPUT, 10);
    const fresh = createOptimizer(settings);
    await restoreCheckpoint(restoredModel, fresh, { ...checkpoint, optimizerWeights: [] });
    step(model, optimizer, x, y);
    step(restoredModel, fresh, x, y);
    const a = values(model).flat();
    const b = values(restoredModel).flat();
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeGreaterThan(1e-4);
    for (const o of [optimizer, fresh]) o.dispose();
    for (const m of [model, restoredModel]) m.dispose();
    tf.dispose([x, y]);
  });

  it('an optimizer whose state tfjs cannot read (AdaMax) restarts its slots and says so, instead of failing', async () => {
    const start = tf.memory().numTensors;
    const { x, y } = batch(5);
    const settings = settingsFor('adam');
    const model = buildModel(settings, INPUT, 10);
    // Not in the table: tfjs 4.22's AdaMax throws from getWeights / setWeights.
    const optimizer = tf.train.adamax(0.002);
    await expect(optimizer.getWeights()).rejects.toThrow(/not implemented/);
    expect(optimizerCheckpointing(optimizer)).toMatchObject({ slots: 'restart' });
    expect(() => setLearningRate(optimizer, 0.001)).toThrow(/not made by createOptimizer/);
    for (let k = 0; k < 2; k++) step(model, optimizer, x, y);

    const beforeCapture = tf.memory().numTensors;
    const checkpoint = await captureCheckpoint(model, optimizer, POSITION);
    expect(tf.memory().numTensors).toBe(beforeCapture);
    expect(checkpoint.optimizerWeights).toEqual([]);
    expect(checkpoint.optimizerRestart).toMatch(/Adamax optimizer's running averages cannot be saved; they start again from zero/);

    const restoredModel = buildModel(settingsFor('adam', 99), INPUT, 10);
    const restoredOptimizer = tf.train.adamax(0.002);
    await restoreCheckpoint(restoredModel, restoredOptimizer, checkpoint);
    expectClose(values(restoredModel), values(model), 'adamax weights');
    step(restoredModel, restoredOptimizer, x, y);
    expect(values(restoredModel).flat().every(Number.isFinite)).toBe(true);

    for (const o of [optimizer, restoredOptimizer]) o.dispose();
    for (const m of [model, restoredModel]) m.dispose();
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(start);
  });
});
