/**
 * A long run must not grow: 50 epochs on tiny data with every allocation-heavy path switched on
 * (learning-rate schedule, gradient clipping, early stopping with restore-best, gradient norms,
 * host checkpoints) keep the tensor count and bytes exactly flat, the WASM heap flat, and the JS
 * heap within a small bound. On the WASM backend, the app's CPU path (and fast enough for 50 epochs).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { wholeSet } from './data/batches';
import { buildModel } from './model';
import { createOptimizer } from './optimizers';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import { syntheticSplit } from './testing/synthetic';
import { RunControl, train } from './train';
import { registerWasmTrainingKernels } from './wasmKernels';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

beforeAll(async () => {
  registerWasmTrainingKernels();
  expect(await tf.setBackend('wasm')).toBe(true);
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

it('a 50-epoch run keeps tensors, WASM memory and the JS heap flat', async () => {
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    batchSize: 32,
    epochs: 50,
    validationSize: 0,
    lrSchedule: 'cosine',
    clipNorm: 5,
    patience: 100,
    restoreBest: true,
  };
  const data = syntheticSplit(64, 64, 1, 28);
  const before = tf.memory().numTensors;
  const model = buildModel(settings, data.train, 10);
  const optimizer = createOptimizer(settings);
  const samples: { tensors: number; bytes: number; wasmBytes: number; heap: number }[] = [];
  let checkpoints = 0;
  await train({
    model,
    optimizer,
    train: wholeSet(data.train),
    validation: wholeSet(data.test),
    test: wholeSet(data.test),
    numClasses: 10,
    settings,
    control: new RunControl(),
    observer: {
      onBatches: () => {},
      onProgress: () => {},
      onEpoch: () => {
        gc();
        const m = tf.memory();
        samples.push({
          tensors: m.numTensors,
          bytes: m.numBytes,
          wasmBytes: ((tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.length,
          heap: process.memoryUsage().heapUsed,
        });
      },
      gradientNormsDue: (step) => step % 3 === 0,
      onGradientNorms: () => {},
      onCheckpoint: () => (checkpoints += 1),
    },
  });
  expect(samples).toHaveLength(50);
  expect(checkpoints).toBeGreaterThanOrEqual(100);
  // Optimizer slots and the restore-best copy appear in epoch 1; from then on nothing may move.
  const settled = samples.slice(1);
  expect(new Set(settled.map((s) => s.tensors)).size).toBe(1);
  expect(new Set(settled.map((s) => s.bytes)).size).toBe(1);
  expect(samples.at(-1)!.wasmBytes).toBe(samples[4]!.wasmBytes);
  const growth = samples.at(-1)!.heap - samples[9]!.heap;
  expect(growth, `JS heap grew ${(growth / 1e6).toFixed(1)} MB between epochs 10 and 50`).toBeLessThan(8e6);

  model.dispose();
  optimizer.dispose();
  // Everything the run made is gone with the model and the optimizer (tfjs' momentum leak included).
  expect(tf.memory().numTensors).toBe(before);
}, 300_000);
