/**
 * The end of an epoch's training: the validation and test evaluations (the test set's predictions
 * from the same pass, the negatives next to it), and early stopping on the validation loss.
 */
import * as tf from '@tensorflow/tfjs';
import { fillBatch, imageSize, type Subset } from '../data/batches';
import type { Preprocessing } from '../data/transforms';
import type { Evaluation, TestPredictions } from '../wire';
import { macrotask, type RunControl } from './runControl';
import type { TrainObserver } from './types';

const EVAL_BATCH = 500;

/** What an epoch is evaluated on. */
export interface EvaluationSets {
  readonly model: tf.LayersModel;
  readonly validation: Subset | null;
  readonly test: Subset;
  readonly testNegative?: Subset | null;
  readonly numClasses: number;
}

/** An epoch's scores. */
export interface EpochScores {
  readonly validation: Evaluation | null;
  readonly test: Evaluation;
  readonly testNegative: Evaluation | null;
}

/**
 * Scores the model on the validation set, the test set (its predictions to `observer`, when it takes
 * them, before the negatives) and the negative test set. Every evaluation is guarded by `control`.
 */
export async function evaluateEpoch(
  sets: EvaluationSets,
  preprocessing: Preprocessing,
  epoch: number,
  observer: Pick<TrainObserver, 'onTestPredictions'>,
  control: Pick<RunControl, 'guard'>,
): Promise<EpochScores> {
  const { model, numClasses } = sets;
  const validation = sets.validation ? await control.guard(evaluate(model, sets.validation, numClasses, preprocessing)) : null;
  const predictions = observer.onTestPredictions
    ? { predicted: new Uint8Array(sets.test.indices.length), confidence: new Float32Array(sets.test.indices.length) }
    : undefined;
  const test = await control.guard(evaluate(model, sets.test, numClasses, preprocessing, predictions));
  if (predictions) observer.onTestPredictions?.(epoch, predictions);
  const testNegative = sets.testNegative ? await control.guard(evaluate(model, sets.testNegative, numClasses, preprocessing)) : null;
  return { validation, test, testNegative };
}

/**
 * Early stopping on the validation loss: remembers the best epoch (and, with restore-best, a copy of
 * its weights) and says when `patience` epochs have passed without a lower loss. Owns its copy;
 * call `dispose`.
 */
export class EarlyStopping {
  bestEpoch: number | null = null;
  bestLoss = Infinity;
  private snapshot: tf.Tensor[] | null = null;
  private lastEpoch = 0;

  /** @param patience epochs without improvement before stopping; 0 = only track the best epoch. */
  constructor(
    readonly patience: number,
    readonly restoreBest: boolean,
  ) {}

  /** Records the validation loss after `epoch` (1-based); returns true when training should stop. */
  update(epoch: number, validationLoss: number, model: tf.LayersModel): boolean {
    this.lastEpoch = epoch;
    if (validationLoss < this.bestLoss) {
      this.bestLoss = validationLoss;
      this.bestEpoch = epoch;
      if (this.patience > 0 && this.restoreBest) {
        if (this.snapshot) tf.dispose(this.snapshot);
        this.snapshot = tf.tidy(() => model.getWeights().map((w) => w.clone()));
      }
    }
    if (this.patience <= 0) return false;
    // A loss that never improved (NaN from the start) counts from epoch 0.
    return epoch - (this.bestEpoch ?? 0) >= this.patience;
  }

  /** Puts the best epoch's weights back when they are not the current ones; returns that epoch or null. */
  restore(model: tf.LayersModel): number | null {
    if (!this.snapshot || this.bestEpoch === null || this.bestEpoch === this.lastEpoch) return null;
    model.setWeights(this.snapshot);
    return this.bestEpoch;
  }

  dispose(): void {
    if (this.snapshot) tf.dispose(this.snapshot);
    this.snapshot = null;
  }
}

/**
 * Mean cross-entropy and accuracy of `model` on `subset` (through `preprocessing`), accumulated in JS
 * doubles. With `out`, also fills in each example's predicted class and its probability (by position
 * in `subset`), read in the same bulk read as the sums: no second pass.
 */
export async function evaluate(
  model: tf.LayersModel,
  subset: Subset,
  numClasses: number,
  preprocessing?: Preprocessing,
  out?: TestPredictions,
): Promise<Evaluation> {
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
    fillBatch(subset, null, start, n, numClasses, xBuf, yBuf, preprocessing);
    const sums = tf.tidy(() => {
      const x = tf.tensor4d(xBuf.subarray(0, n * pixels), [n, height, width, channels]);
      const y = tf.tensor2d(yBuf.subarray(0, n * numClasses), [n, numClasses]);
      const logits = model.predict(x) as tf.Tensor2D;
      const lossTotal = tf.sum(tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.NONE));
      const predicted = tf.argMax(logits, 1);
      const hits = tf.sum(tf.cast(tf.equal(predicted, tf.argMax(y, 1)), 'float32'));
      const both = tf.stack([lossTotal, hits]);
      return out ? tf.concat([both, tf.cast(predicted, 'float32'), tf.max(tf.softmax(logits), 1)]) : both;
    });
    const values = await sums.data();
    sums.dispose();
    // A real yield per batch: on WASM/CPU `data()` settles as a microtask, and a long evaluation would
    // otherwise hold off the worker's heartbeat and pause/stop messages for seconds.
    await macrotask();
    lossSum += values[0]!;
    correct += values[1]!;
    if (out) {
      for (let i = 0; i < n; i++) {
        out.predicted[start + i] = values[2 + i]!;
        out.confidence[start + i] = values[2 + n + i]!;
      }
    }
  }
  return { loss: lossSum / count, accuracy: correct / count };
}
