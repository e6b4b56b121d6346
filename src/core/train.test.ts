import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { wholeSet, splitTrainValidation } from './data/batches';
import { runExperiment } from './experiment';
import { buildModel } from './model';
import { createOptimizer } from './optimizers';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import { syntheticSplit } from './testing/synthetic';
import { DivergenceError, RunControl, train, type BatchPoint, type EpochMetrics, type TrainObserver } from './train';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function recorder() {
  const batches: BatchPoint[] = [];
  const epochs: EpochMetrics[] = [];
  const observer: TrainObserver & { onModel(): void } = {
    onBatches: (p) => batches.push(...p),
    onProgress: () => {},
    onEpoch: (m) => epochs.push(m),
    onModel: () => {},
  };
  return { batches, epochs, observer };
}

const base: Settings = { ...DEFAULT_SETTINGS, validationSize: 0, batchSize: 16, epochs: 1, optimizer: 'adam', learningRate: 0.003 };

describe('training loop', () => {
  it('a few steps on one fixed batch lower its loss', async () => {
    const data = syntheticSplit(16, 16, 1, 16);
    const model = buildModel(base, data.train, 10);
    const optimizer = createOptimizer(base);
    const set = wholeSet(data.train);
    const { batches, observer } = recorder();
    await train({
      model,
      optimizer,
      train: set,
      validation: null,
      test: wholeSet(data.test),
      numClasses: 10,
      settings: { ...base, epochs: 15 },
      control: new RunControl(),
      observer,
    });
    expect(batches).toHaveLength(15);
    expect(batches.at(-1)!.loss).toBeLessThan(batches[0]!.loss * 0.5);
    model.dispose();
    optimizer.dispose();
  });

  it('learns the synthetic task: test accuracy well above chance after 2 epochs', async () => {
    const { epochs, observer } = recorder();
    const result = await runExperiment(
      { ...base, epochs: 2, validationSize: 40 },
      syntheticSplit(300, 100, 1, 16),
      new RunControl(),
      observer,
    );
    expect(epochs).toHaveLength(2);
    expect(epochs[1]!.test.accuracy).toBeGreaterThan(0.5);
    expect(epochs[1]!.validation).not.toBeNull();
    expect(epochs[1]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
    result.model.dispose();
  });

  it('same seed and settings give the same curve and weights; another seed differs', async () => {
    const run = async (seed: number) => {
      const { batches, observer } = recorder();
      const r = await runExperiment({ ...base, seed, validationSize: 20 }, syntheticSplit(120, 20, 1, 16), new RunControl(), observer);
      const w = r.model.getWeights().map((t) => Array.from(t.dataSync()));
      r.model.dispose();
      return { losses: batches.map((b) => b.loss), w };
    };
    const a = await run(3);
    const b = await run(3);
    expect(b.losses).toEqual(a.losses);
    expect(b.w).toEqual(a.w);
    const c = await run(4);
    expect(c.losses).not.toEqual(a.losses);
  });

  it('leaks no tensors across epochs', async () => {
    const data = syntheticSplit(64, 20, 1, 16);
    const model = buildModel(base, data.train, 10);
    const optimizer = createOptimizer({ ...base, optimizer: 'momentum' });
    const counts: number[] = [];
    const observer: TrainObserver = { onBatches: () => {}, onProgress: () => {}, onEpoch: () => counts.push(tf.memory().numTensors) };
    await train({
      model,
      optimizer,
      train: wholeSet(data.train),
      validation: wholeSet(data.test),
      test: wholeSet(data.test),
      numClasses: 10,
      settings: { ...base, epochs: 4 },
      control: new RunControl(),
      observer,
    });
    expect(counts).toHaveLength(4);
    // Momentum accumulators appear during epoch 1; after that the count must not move.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(counts[3]).toBe(counts[0]);
    model.dispose();
    optimizer.dispose();
  });

  it('stop ends the run cooperatively mid-epoch', async () => {
    const control = new RunControl();
    const { batches, observer } = recorder();
    const stopping: TrainObserver = {
      ...observer,
      onBatches: (p) => {
        observer.onBatches(p);
        if (batches.length >= 2) control.stop();
      },
    };
    const data = syntheticSplit(320, 20, 1, 16);
    const model = buildModel(base, data.train, 10);
    const optimizer = createOptimizer(base);
    const result = await train({
      model,
      optimizer,
      train: wholeSet(data.train),
      validation: null,
      test: wholeSet(data.test),
      numClasses: 10,
      settings: { ...base, batchSize: 8, epochs: 3 },
      control,
      observer: stopping,
      now: (() => {
        let t = 0;
        return () => (t += 300);
      })(),
    });
    expect(result.stopped).toBe(true);
    expect(result.epochsCompleted).toBe(0);
    expect(batches.length).toBeLessThan(40);
    model.dispose();
    optimizer.dispose();
  });

  it('a NaN loss stops training with a divergence error', async () => {
    const data = syntheticSplit(64, 10, 1, 16);
    const model = buildModel(base, data.train, 10);
    const optimizer = createOptimizer({ ...base, optimizer: 'sgd', learningRate: 1e9 });
    const run = train({
      model,
      optimizer,
      train: wholeSet(data.train),
      validation: null,
      test: wholeSet(data.test),
      numClasses: 10,
      settings: { ...base, epochs: 3 },
      control: new RunControl(),
      observer: recorder().observer,
    });
    await expect(run).rejects.toBeInstanceOf(DivergenceError);
    model.dispose();
    optimizer.dispose();
  });
});

describe('Step (TensorFlow Playground style)', () => {
  /** Trains 2 epochs of 4 batches; at every pause logs (batches seen, epochs seen, progress batch) and takes the next action. */
  async function stepping(control: RunControl, actions: ((c: RunControl) => void)[]) {
    const { batches, epochs, observer } = recorder();
    let lastProgress = 0;
    const log: [number, number, number][] = [];
    control.onPaused = () => {
      log.push([batches.length, epochs.length, lastProgress]);
      const next = actions.shift();
      // Like a message from the UI: a macrotask later.
      if (next) setTimeout(() => next(control), 0);
    };
    const data = syntheticSplit(64, 16, 1, 16);
    const model = buildModel(base, data.train, 10);
    const optimizer = createOptimizer(base);
    const result = await train({
      model,
      optimizer,
      train: wholeSet(data.train),
      validation: null,
      test: wholeSet(data.test),
      numClasses: 10,
      settings: { ...base, batchSize: 16, epochs: 2 },
      control,
      observer: {
        ...observer,
        onProgress: (p) => {
          lastProgress = p.batch;
        },
      },
    });
    model.dispose();
    optimizer.dispose();
    return { log, batches, epochs, result };
  }

  it('a paused run advances exactly one batch per Step, to the epoch end (after its evaluation) per epoch Step', async () => {
    const control = new RunControl();
    control.pause();
    const { log, batches, epochs, result } = await stepping(control, [
      (c) => c.step('batch'),
      (c) => c.step('batch'),
      (c) => c.step('epoch'),
      (c) => c.resume(),
    ]);
    // Each pause: points of every step taken already delivered, progress at that batch.
    expect(log).toEqual([
      [0, 0, 0],
      [1, 0, 1],
      [2, 0, 2],
      [4, 1, 4],
    ]);
    expect(batches.map((b) => b.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(epochs).toHaveLength(2);
    expect(result.stopped).toBe(false);
  });

  it('Step before the run starts trains one batch and pauses; Stop while paused ends it', async () => {
    const control = new RunControl();
    control.step('batch');
    const { log, batches, result } = await stepping(control, [(c) => c.stop()]);
    expect(log).toEqual([[1, 0, 1]]);
    expect(batches).toHaveLength(1);
    expect(control.paused).toBe(false);
    expect(result.stopped).toBe(true);
  });

  it('Step while training pauses after the next batch; resume clears a pending Step', () => {
    const control = new RunControl();
    control.step('batch');
    control.resume();
    control.stepTaken(false);
    expect(control.paused).toBe(false);
    control.step('epoch');
    control.stepTaken(false);
    expect(control.paused).toBe(false);
    control.stepTaken(true);
    expect(control.paused).toBe(true);
  });
});

describe('divergence guard (an exploding, still finite loss)', () => {
  // SGD + momentum at lr 5: the loss climbs by orders of magnitude within a few steps (2.3, 4.4, 7.7, 19, 750, …).
  const exploding: Settings = { ...base, optimizer: 'momentum', learningRate: 5, epochs: 1 };
  const run = async (s: Settings) => {
    const { batches, observer } = recorder();
    const error = await runExperiment(s, syntheticSplit(160, 20, 1, 16), new RunControl(), observer).then(
      (r) => (r.model.dispose(), null),
      (e: unknown) => e,
    );
    return { batches, error };
  };

  it('stops the run at once by default, keeps the curve up to the explosion and says how far the loss climbed', async () => {
    const { batches, error } = await run(exploding);
    expect(error).toBeInstanceOf(DivergenceError);
    const e = error as DivergenceError;
    expect(Number.isFinite(e.loss)).toBe(true);
    expect(e.loss).toBeGreaterThan(10 * batches[0]!.loss);
    expect(e.message).toMatch(
      /^The loss climbed to .* at step \d+, more than 10× its starting value 2\.\d+: training diverged\. The learning rate 5 is probably too high/,
    );
    // The exploded step itself is on the curve, and nothing after it.
    expect(batches.at(-1)!.step).toBe(e.step);
    expect(batches.length).toBeLessThan(10);
  });

  it('with divergenceStop off the run goes on past the explosion (to show it), ending only at its end or on NaN', async () => {
    const stopped = await run(exploding);
    const { batches, error } = await run({ ...exploding, divergenceStop: false });
    expect(batches.length).toBeGreaterThan(stopped.batches.length);
    if (error) expect(Number.isFinite((error as DivergenceError).loss)).toBe(false);
  });
});

describe('train/validation split', () => {
  it('is seeded, disjoint, and honours the training subset size', () => {
    const data = syntheticSplit(100, 10, 1, 16);
    const a = splitTrainValidation(data.train, { seed: 5, validationSize: 20, trainSubset: 30 });
    expect(a.validation!.indices).toHaveLength(20);
    expect(a.train.indices).toHaveLength(30);
    const overlap = Array.from(a.train.indices).filter((i) => a.validation!.indices.includes(i));
    expect(overlap).toEqual([]);
    expect(splitTrainValidation(data.train, { seed: 5, validationSize: 20, trainSubset: 30 }).train.indices).toEqual(a.train.indices);
    expect(splitTrainValidation(data.train, { seed: 6, validationSize: 20, trainSubset: 30 }).train.indices).not.toEqual(a.train.indices);
  });
});
