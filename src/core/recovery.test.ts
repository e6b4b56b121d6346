/**
 * Recovery from a lost backend: a run interrupted mid-epoch and resumed from its last host checkpoint
 * (new model, new optimizer, weights restored) gives exactly the curve of the run that was never
 * interrupted — on the WASM backend (the one a run falls back to), where every step is deterministic.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitTrainValidation, wholeSet } from './data/batches';
import { buildModel } from './model';
import { createOptimizer } from './optimizers';
import { BackendLostError, restoreCheckpoint, type TrainCheckpoint } from './recovery';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import { syntheticSplit } from './testing/synthetic';
import { RunControl, train, type BatchPoint, type EpochMetrics, type TrainObserver } from './train';
import { registerWasmTrainingKernels } from './wasmKernels';

beforeAll(async () => {
  registerWasmTrainingKernels();
  expect(await tf.setBackend('wasm')).toBe(true);
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const data = syntheticSplit(112, 20, 3, 16);
const split = splitTrainValidation(data.train, { seed: 1, validationSize: 32, trainSubset: 0 });

/** A fake clock: every call is 1.5 s later, so mid-epoch checkpoints (every 5 s) come every few steps. */
function fakeClock() {
  let t = 0;
  return () => (t += 1500);
}

interface Recorded {
  batches: BatchPoint[];
  epochs: EpochMetrics[];
  checkpoints: TrainCheckpoint[];
}

async function run(
  settings: Settings,
  options: { resume?: TrainCheckpoint; interruptAtStep?: number; control?: RunControl; into?: Recorded } = {},
) {
  const rec: Recorded = options.into ?? { batches: [], epochs: [], checkpoints: [] };
  const control = options.control ?? new RunControl();
  const model = buildModel(settings, data.train, 10);
  const optimizer = createOptimizer(settings);
  if (options.resume) await restoreCheckpoint(model, optimizer, options.resume);
  const observer: TrainObserver = {
    onBatches: (points) => {
      rec.batches.push(...points);
      if (options.interruptAtStep !== undefined && points.some((p) => p.step >= options.interruptAtStep!))
        control.interrupt(new BackendLostError('cpu', 'simulated'));
    },
    onProgress: () => {},
    onEpoch: (m) => rec.epochs.push(m),
    onCheckpoint: (c) => rec.checkpoints.push(c),
  };
  try {
    return await train({
      model,
      optimizer,
      train: split.train,
      validation: split.validation,
      test: wholeSet(data.test),
      numClasses: 10,
      settings,
      control,
      observer,
      now: fakeClock(),
      yieldNow: () => Promise.resolve(),
      ...(options.resume ? { resume: options.resume } : {}),
    });
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

const strip = (e: EpochMetrics) => ({ ...e, trainSeconds: 0, examplesPerSecond: 0 });

describe('recovery from a lost backend', () => {
  for (const optimizer of ['momentum', 'adam'] as const) {
    it(`a run resumed from its last checkpoint continues the uninterrupted curve exactly (${optimizer})`, async () => {
      const settings: Settings = {
        ...DEFAULT_SETTINGS,
        optimizer,
        learningRate: optimizer === 'adam' ? 0.003 : 0.02,
        batchSize: 16,
        epochs: 3,
        validationSize: 32,
        lrSchedule: 'step',
        lrStepEpochs: 1,
        lrGamma: 0.5,
      };
      const reference = { batches: [] as BatchPoint[], epochs: [] as EpochMetrics[], checkpoints: [] as TrainCheckpoint[] };
      await run(settings, { into: reference });
      const before = tf.memory().numTensors;

      // Interrupted in the middle of epoch 2.
      const first: Recorded = { batches: [], epochs: [], checkpoints: [] };
      const control = new RunControl();
      await expect(run(settings, { interruptAtStep: 8, control, into: first })).rejects.toBeInstanceOf(BackendLostError);
      const checkpoint = first.checkpoints.at(-1)!;
      expect(checkpoint.epoch).toBe(2);
      expect(checkpoint.batch).toBeGreaterThan(0);
      expect(checkpoint.step).toBeLessThan(8);

      // Resumed: the curve up to the checkpoint is kept, the rest is trained again.
      control.clearInterruption();
      const second: Recorded = { batches: [], epochs: [], checkpoints: [] };
      const result = await run(settings, { resume: checkpoint, control, into: second });
      const curve = [...first.batches.filter((p) => p.step <= checkpoint.step), ...second.batches];
      expect(curve.map((p) => p.step)).toEqual(reference.batches.map((p) => p.step));
      if (optimizer === 'momentum') {
        expect(curve).toEqual(reference.batches);
        expect(result.history.map(strip)).toEqual(reference.epochs.map(strip));
      } else {
        // Adam recomputes β^t from the restored step count instead of multiplying it up: float32 rounding.
        curve.forEach((p, i) => expect(p.loss).toBeCloseTo(reference.batches[i]!.loss, 5));
        result.history.forEach((e, i) => expect(e.test.loss).toBeCloseTo(reference.epochs[i]!.test.loss, 5));
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('resuming from an epoch-boundary checkpoint neither repeats nor skips an epoch', async () => {
    const settings: Settings = { ...DEFAULT_SETTINGS, batchSize: 40, epochs: 2, validationSize: 32 };
    const first: Recorded = { batches: [], epochs: [], checkpoints: [] };
    await run(settings, { into: first });
    const boundary = first.checkpoints.find((c) => c.epoch === 2 && c.batch === 0)!;
    expect(boundary.history).toHaveLength(1);
    const second: Recorded = { batches: [], epochs: [], checkpoints: [] };
    const result = await run(settings, { resume: boundary, into: second });
    expect(second.epochs.map((e) => e.epoch)).toEqual([2]);
    expect(result.history.map((e) => e.epoch)).toEqual([1, 2]);
    expect(second.batches[0]!.step).toBe(boundary.step + 1);
  });

  it('an interruption ends an await that would never settle', async () => {
    const control = new RunControl();
    const never = control.guard(new Promise<never>(() => {}));
    control.interrupt(new BackendLostError('webgl', 'context lost'));
    await expect(never).rejects.toThrow(/WebGL \(GPU\) backend stopped working/);
    // Later guards fail at once until the interruption is cleared.
    await expect(control.guard(Promise.resolve(1))).rejects.toBeInstanceOf(BackendLostError);
    control.clearInterruption();
    await expect(control.guard(Promise.resolve(1))).resolves.toBe(1);
  });

  it('without onCheckpoint no checkpoint is taken', async () => {
    const settings: Settings = { ...DEFAULT_SETTINGS, batchSize: 32, epochs: 1, validationSize: 0 };
    const model = buildModel(settings, data.train, 10);
    const optimizer = createOptimizer(settings);
    let reads = 0;
    const spy = tf.Tensor.prototype.data;
    tf.Tensor.prototype.data = function (this: tf.Tensor) {
      reads += 1;
      return spy.call(this);
    } as typeof spy;
    try {
      await train({
        model,
        optimizer,
        train: wholeSet(data.train),
        validation: null,
        test: wholeSet(data.test),
        numClasses: 10,
        settings,
        control: new RunControl(),
        observer: { onBatches: () => {}, onProgress: () => {}, onEpoch: () => {} },
        now: fakeClock(),
        yieldNow: () => Promise.resolve(),
      });
    } finally {
      tf.Tensor.prototype.data = spy;
      model.dispose();
      optimizer.dispose();
    }
    // One bulk read per flush (every "250 ms" of the fake clock: every step) and one per evaluation batch.
    expect(reads).toBe(Math.ceil(112 / 32) + 1);
  });
});
