/**
 * The training loop: framework-free, backend-agnostic, runs the same in a Web Worker and in Node.
 *
 * It never touches the UI. Progress goes out through the `TrainObserver` callbacks; pause and stop
 * come in through a `RunControl`. Per-batch metrics stay on the device and are read back in bulk,
 * asynchronously, a few times a second, so the GPU pipeline is not stalled by a read per batch.
 */
import * as tf from '@tensorflow/tfjs';
import { fillBatch, imageSize, type Subset } from './data/batches';
import { createRng, deriveSeed, permutation } from './rng';
import type { Settings } from './settings';

/** One training step's metrics. */
export interface BatchPoint {
  /** Global step, 1-based. */
  readonly step: number;
  /** Fractional epoch at the end of this step (1.0 = end of the first epoch). */
  readonly epoch: number;
  readonly loss: number;
  /** Accuracy on this batch, in [0, 1]. */
  readonly accuracy: number;
}

export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
}

/** Metrics at the end of an epoch. Training numbers are means over the epoch's batches. */
export interface EpochMetrics {
  /** 1-based. */
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly validation: Evaluation | null;
  readonly test: Evaluation;
  /** Seconds spent on this epoch's training steps (evaluation excluded). */
  readonly trainSeconds: number;
  readonly examplesPerSecond: number;
}

export interface Progress {
  /** 1-based epoch in progress. */
  readonly epoch: number;
  readonly epochs: number;
  /** Batches finished in this epoch. */
  readonly batch: number;
  readonly batchesPerEpoch: number;
  /** Recent training throughput. */
  readonly examplesPerSecond: number;
  /** Estimated seconds until the run ends (evaluation time excluded). */
  readonly etaSeconds: number;
}

export interface TrainObserver {
  onBatches(points: readonly BatchPoint[]): void;
  onProgress(progress: Progress): void;
  onEpoch(metrics: EpochMetrics): void;
}

/** Cooperative pause/stop, polled by the loop between steps. */
export class RunControl {
  private stopRequested = false;
  private resumeWaiter: (() => void) | null = null;
  private pausedFlag = false;

  get stopped(): boolean {
    return this.stopRequested;
  }
  get paused(): boolean {
    return this.pausedFlag;
  }
  stop(): void {
    this.stopRequested = true;
    this.resume();
  }
  pause(): void {
    this.pausedFlag = true;
  }
  resume(): void {
    this.pausedFlag = false;
    this.resumeWaiter?.();
    this.resumeWaiter = null;
  }
  /** Resolves immediately unless paused; otherwise when resumed or stopped. */
  waitWhilePaused(): Promise<void> {
    if (!this.pausedFlag) return Promise.resolve();
    return new Promise((resolve) => {
      this.resumeWaiter = resolve;
    });
  }
}

/** Thrown when the loss stops being a finite number. */
export class DivergenceError extends Error {
  override readonly name = 'DivergenceError';
  constructor(
    readonly step: number,
    readonly loss: number,
  ) {
    super(
      `The loss became ${Number.isNaN(loss) ? 'NaN' : 'infinite'} at step ${step}: training diverged. ` +
        'The learning rate is probably too high for this optimizer; try a smaller one.',
    );
  }
}

export interface TrainInput {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly train: Subset;
  readonly validation: Subset | null;
  readonly test: Subset;
  readonly numClasses: number;
  readonly settings: Pick<Settings, 'batchSize' | 'epochs' | 'seed'>;
  readonly control: RunControl;
  readonly observer: TrainObserver;
  /** Lets pending messages (pause, stop) be handled; called every ~`yieldEveryMs`. */
  readonly yieldNow?: () => Promise<void>;
  readonly now?: () => number;
}

export interface TrainResult {
  readonly epochsCompleted: number;
  readonly stopped: boolean;
  readonly history: readonly EpochMetrics[];
}

const FLUSH_EVERY_MS = 250;
const YIELD_EVERY_MS = 40;
const EVAL_BATCH = 500;

/** Yields to the event loop with a real macrotask (MessageChannel: no 4 ms timer clamping). */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Trains `model` for `settings.epochs` epochs of shuffled mini-batches, evaluating on the validation and
 * test subsets after each epoch. Resolves when done or stopped; rejects with DivergenceError on NaN loss.
 */
export async function train(input: TrainInput): Promise<TrainResult> {
  const { model, optimizer, control, observer, numClasses } = input;
  const { batchSize, epochs } = input.settings;
  const now = input.now ?? (() => performance.now());
  const yieldNow = input.yieldNow ?? macrotask;
  const trainCount = input.train.indices.length;
  const pixels = imageSize(input.train.source);
  const shape = [input.train.source.height, input.train.source.width, input.train.source.channels];
  const batchesPerEpoch = Math.ceil(trainCount / batchSize);
  const xBuf = new Float32Array(batchSize * pixels);
  const yBuf = new Float32Array(batchSize * numClasses);
  const shuffleRng = createRng(deriveSeed(input.settings.seed, 'shuffle'));

  const history: EpochMetrics[] = [];
  let step = 0;
  let lastYield = now();
  // [loss, accuracy] per step, still on the device.
  let pending: { step: number; epoch: number; stats: tf.Tensor1D }[] = [];
  let lastFlush = now();
  let epochLossSum = 0;
  let epochAccSum = 0;
  let epochSteps = 0;
  let rateWindow = { time: now(), examples: 0, rate: 0 };

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const stacked = tf.stack(batch.map((p) => p.stats));
    batch.forEach((p) => p.stats.dispose());
    const values = await stacked.data();
    stacked.dispose();
    const points: BatchPoint[] = batch.map((p, i) => ({ step: p.step, epoch: p.epoch, loss: values[2 * i]!, accuracy: values[2 * i + 1]! }));
    for (const p of points) {
      if (!Number.isFinite(p.loss)) throw new DivergenceError(p.step, p.loss);
      epochLossSum += p.loss;
      epochAccSum += p.accuracy;
      epochSteps += 1;
    }
    observer.onBatches(points);
  };

  try {
    for (let epoch = 1; epoch <= epochs && !control.stopped; epoch++) {
      const order = permutation(trainCount, shuffleRng);
      const epochStart = now();
      let examplesThisEpoch = 0;
      epochLossSum = epochAccSum = epochSteps = 0;

      for (let b = 0; b < batchesPerEpoch; b++) {
        if (control.paused) {
          await flush();
          await control.waitWhilePaused();
          rateWindow = { time: now(), examples: 0, rate: rateWindow.rate };
        }
        if (control.stopped) break;

        const start = b * batchSize;
        const size = Math.min(batchSize, trainCount - start);
        fillBatch(input.train, order, start, size, numClasses, xBuf, yBuf);
        step += 1;
        const stats = trainStep(model, optimizer, xBuf, yBuf, size, shape, numClasses);
        pending.push({ step, epoch: epoch - 1 + (b + 1) / batchesPerEpoch, stats });
        examplesThisEpoch += size;
        rateWindow.examples += size;

        const t = now();
        if (t - lastFlush >= FLUSH_EVERY_MS || b === batchesPerEpoch - 1) {
          await flush();
          const t2 = now();
          lastFlush = t2;
          const elapsed = (t2 - rateWindow.time) / 1000;
          if (elapsed > 0.5) rateWindow = { time: t2, examples: 0, rate: rateWindow.examples / elapsed };
          const rate = rateWindow.rate || examplesThisEpoch / Math.max(1e-3, (t2 - epochStart) / 1000);
          const remaining = (epochs - epoch) * trainCount + (trainCount - examplesThisEpoch);
          observer.onProgress({ epoch, epochs, batch: b + 1, batchesPerEpoch, examplesPerSecond: rate, etaSeconds: rate > 0 ? remaining / rate : 0 });
        }
        if (t - lastYield >= YIELD_EVERY_MS) {
          await yieldNow();
          lastYield = now();
        }
      }
      await flush();
      const trainSeconds = (now() - epochStart) / 1000;
      if (control.stopped && examplesThisEpoch < trainCount) break;

      const validation = input.validation ? await evaluate(model, input.validation, numClasses) : null;
      const test = await evaluate(model, input.test, numClasses);
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: epochSteps > 0 ? epochLossSum / epochSteps : NaN,
        trainAccuracy: epochSteps > 0 ? epochAccSum / epochSteps : NaN,
        validation,
        test,
        trainSeconds,
        examplesPerSecond: examplesThisEpoch / Math.max(trainSeconds, 1e-6),
      };
      history.push(metrics);
      observer.onEpoch(metrics);
      await yieldNow();
      lastYield = now();
    }
  } finally {
    pending.forEach((p) => p.stats.dispose());
  }
  return { epochsCompleted: history.length, stopped: control.stopped, history };
}

/** One optimizer step on a batch; returns [loss, accuracy] as a device tensor the caller disposes. */
function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  xBuf: Float32Array,
  yBuf: Float32Array,
  size: number,
  shape: number[],
  numClasses: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const x = tf.tensor4d(xBuf.subarray(0, size * shape[0]! * shape[1]! * shape[2]!), [size, shape[0]!, shape[1]!, shape[2]!]);
    const y = tf.tensor2d(yBuf.subarray(0, size * numClasses), [size, numClasses]);
    const kept: { accuracy?: tf.Scalar } = {};
    const loss = optimizer.minimize(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor2D;
      kept.accuracy = tf.keep(batchAccuracy(logits, y));
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    }, true);
    const acc = kept.accuracy;
    if (!loss || !acc) throw new Error('optimizer returned no loss');
    const stats = tf.stack([loss, acc]) as tf.Tensor1D;
    // tf.keep exempts `acc` from every enclosing tidy, so it has to go by hand.
    acc.dispose();
    return stats;
  });
}

function batchAccuracy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(oneHot, 1)), 'float32'));
}

/** Mean cross-entropy and accuracy of `model` on `subset`, accumulated in JS doubles. */
export async function evaluate(model: tf.LayersModel, subset: Subset, numClasses: number): Promise<Evaluation> {
  const count = subset.indices.length;
  const { height, width, channels } = subset.source;
  const pixels = imageSize(subset.source);
  const size = Math.min(EVAL_BATCH, count);
  const xBuf = new Float32Array(size * pixels);
  const yBuf = new Float32Array(size * numClasses);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < count; start += size) {
    const n = Math.min(size, count - start);
    fillBatch(subset, null, start, n, numClasses, xBuf, yBuf);
    const sums = tf.tidy(() => {
      const x = tf.tensor4d(xBuf.subarray(0, n * pixels), [n, height, width, channels]);
      const y = tf.tensor2d(yBuf.subarray(0, n * numClasses), [n, numClasses]);
      const logits = model.predict(x) as tf.Tensor2D;
      const lossTotal = tf.sum(tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.NONE));
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), 'float32'));
      return tf.stack([lossTotal, hits]);
    });
    const [l, h] = await sums.data();
    sums.dispose();
    lossSum += l!;
    correct += h!;
  }
  return { loss: lossSum / count, accuracy: correct / count };
}
