/**
 * The data that crosses threads: the plain values a run produces in the worker (per-batch points,
 * epoch metrics, progress, evaluations, the model summary, the run's set-up) as the UI receives them
 * through src/shared/protocol.ts, stores them and records them in the run history.
 *
 * Types only, and tfjs-free: this module imports nothing that imports tfjs, so the UI bundle and
 * src/shared can take these types without reaching the training core.
 */
import type { LabelNoiseReport } from './data/labelNoise';

/** One training step's metrics. */
export interface BatchPoint {
  /** Global step, 1-based. */
  readonly step: number;
  /** Fractional epoch at the end of this step (1.0 = end of the first epoch). */
  readonly epoch: number;
  /** Cross-entropy on this batch (the L2 penalty is not included). */
  readonly loss: number;
  /** Accuracy on this batch, in [0, 1]. */
  readonly accuracy: number;
  /** Learning rate this step was taken with (after the schedule). */
  readonly learningRate: number;
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
  /** The test set shown as negatives (1 − x), when the run has a negatives mode; else null. */
  readonly testNegative: Evaluation | null;
  /** Learning rate of the epoch's last step. */
  readonly learningRate: number;
  /** Epoch (1-based) with the lowest validation loss so far; null without a validation set. */
  readonly bestEpoch: number | null;
  /** True on the last epoch of a run that early stopping ended. */
  readonly stoppedEarly: boolean;
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

/** Per test example: the predicted class and the probability the model gave it. */
export interface TestPredictions {
  readonly predicted: Uint8Array;
  readonly confidence: Float32Array;
}

/** A Step's length: one mini-batch, or the rest of the current epoch. */
export type StepUnit = 'batch' | 'epoch';

/** One row of the model table shown in the UI. */
export interface LayerRow {
  readonly name: string;
  readonly kind: string;
  /** Output shape without the batch dimension, e.g. [28, 28, 6]. */
  readonly outputShape: readonly number[];
  readonly params: number;
}

export interface ModelSummary {
  readonly layers: readonly LayerRow[];
  readonly totalParams: number;
}

/** What a run was set up with, beyond the model: shown next to the curves. */
export interface RunInfo {
  /** The realised label noise (clean → noisy counts); null when ε = 0. */
  readonly labelNoise: LabelNoiseReport | null;
  /** Per-channel statistics the inputs are normalised with (0 and 1 for "scale to [0, 1]"). */
  readonly normalization: { readonly mean: readonly number[]; readonly std: readonly number[] };
}
