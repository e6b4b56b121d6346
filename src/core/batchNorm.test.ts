/**
 * Batch norm in a short run: after ~150 steps a LeNet-5 with batch norm must score on the test set
 * about what it scores on its training batches. With tf.layers' default moving-average momentum
 * (0.99, Keras's) the test-time statistics still hold most of their initial 0 / 1 after 150 steps
 * (0.99^150 ≈ 0.22) and the test accuracy lags far behind — the bug a student saw as "batch norm
 * scores at chance". Real MNIST (public/data, prepared by `npm run prepare-data`), WASM backend (the
 * app's CPU path).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPrepared, loadPrepared, withTestSubset } from '../../scripts/experiments/data';
import { runExperiment } from './experiment';
import { buildModel } from './model';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import { RunControl, type EpochMetrics } from './train';
import { registerWasmTrainingKernels } from './wasmKernels';

beforeAll(async () => {
  registerWasmTrainingKernels();
  expect(await tf.setBackend('wasm')).toBe(true);
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** The batch-norm preset's run: 4,800 training images at batch 32, 150 steps of SGD + momentum, one epoch; 2,000 test images. */
async function shortRun(overrides: Partial<Settings>): Promise<{ test: number; train: number }> {
  const data = withTestSubset(await loadPrepared('mnist'), 2000);
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    batchNorm: true,
    trainSubset: 4800,
    validationSize: 0,
    batchSize: 32,
    epochs: 1,
    seed: 1,
    ...overrides,
  };
  let last: EpochMetrics | null = null;
  let recent: number[] = [];
  const observer = {
    onModel: () => {},
    onProgress: () => {},
    onEpoch: (m: EpochMetrics) => (last = m),
    onBatches: (p: readonly { accuracy: number }[]) => (recent = [...recent, ...p.map((b) => b.accuracy)].slice(-50)),
  };
  const result = await runExperiment(settings, data, new RunControl(), observer, () => Promise.resolve());
  result.model.dispose();
  const final = last as EpochMetrics | null;
  if (!final) throw new Error('no epoch finished');
  // Training accuracy as the app shows it at the end of a run: the mean of the last 50 batches.
  return { test: final.test.accuracy, train: recent.reduce((a, b) => a + b, 0) / recent.length };
}

describe('batch norm after a short run (real MNIST, WASM)', () => {
  it('uses a moving-average momentum of 0.9 by default (PyTorch’s 0.1), and the chosen one', () => {
    const layers = (s: Partial<Settings>) =>
      buildModel({ ...DEFAULT_SETTINGS, batchNorm: true, ...s }, { height: 28, width: 28, channels: 1 }, 10).layers.filter(
        (l) => l.getClassName() === 'BatchNormalization',
      );
    expect(layers({}).map((l) => l.getConfig()['momentum'])).toEqual([0.9, 0.9, 0.9, 0.9]);
    expect(layers({ batchNormMomentum: 0.99 }).map((l) => l.getConfig()['momentum'])).toEqual([0.99, 0.99, 0.99, 0.99]);
    expect(layers({ model: 'deep', depth: 3, residual: true, batchNormMomentum: 0.5 }).map((l) => l.getConfig()['momentum'])).toEqual([
      0.5, 0.5, 0.5,
    ]);
  });

  it.skipIf(!hasPrepared('mnist'))(
    '~150 steps with the default momentum: test accuracy close to the training accuracy',
    async () => {
      const m = await shortRun({});
      expect(m.train, `train ${m.train}, test ${m.test}`).toBeGreaterThan(0.8);
      expect(m.test, `train ${m.train}, test ${m.test}`).toBeGreaterThan(Math.max(0.85, m.train - 0.05));
    },
    600_000,
  );

  it.skipIf(!hasPrepared('mnist'))(
    'the same run with Keras’s 0.99 lags far behind on the test set (what the default was)',
    async () => {
      const m = await shortRun({ batchNormMomentum: 0.99 });
      expect(m.train, `train ${m.train}, test ${m.test}`).toBeGreaterThan(0.8);
      expect(m.test, `train ${m.train}, test ${m.test}`).toBeLessThan(m.train - 0.2);
    },
    600_000,
  );
});
