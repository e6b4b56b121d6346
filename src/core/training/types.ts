/**
 * What `train` takes and gives: its input (model, optimizer, subsets, settings, control), the observer
 * it reports to, and its result. The data points it reports are the wire types (../wire.ts).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Subset } from '../data/batches';
import type { Preprocessing } from '../data/transforms';
import type { GradientNormPoint } from '../inspect/types';
import type { TrainCheckpoint } from '../recovery';
import type { Settings } from '../settings';
import type { BatchPoint, EpochMetrics, Progress, TestPredictions } from '../wire';
import type { RunControl } from './runControl';

export interface TrainObserver {
  onBatches(points: readonly BatchPoint[]): void;
  onProgress(progress: Progress): void;
  onEpoch(metrics: EpochMetrics): void;
  /**
   * The test set's predictions from the epoch's evaluation (by position in `test`), before `onEpoch`.
   * Comes from the same pass as the test accuracy; the arrays are the observer's to keep.
   */
  onTestPredictions?(epoch: number, predictions: TestPredictions): void;
  /** Asked before each step: measure per-layer gradient norms in this step? Absent: never. */
  gradientNormsDue?(step: number): boolean;
  /**
   * Gradient norms measured since the last flush (read in the same bulk read as the losses), one per
   * kernel in `layers` order (`kernelVariables` in model.ts).
   */
  onGradientNorms?(layers: readonly string[], points: readonly GradientNormPoint[]): void;
  /**
   * When present, the loop copies the weights and its position to host memory every
   * ~`CHECKPOINT_EVERY_MS` (checkpoints.ts) and at the end of every epoch's training, and hands each
   * copy here: the worker keeps the last one to resume from if the backend is lost (see recovery.ts).
   * Absent: no checkpoints, no cost.
   */
  onCheckpoint?(checkpoint: TrainCheckpoint): void;
}

/** The settings `train` reads. */
export type TrainSettings = Pick<
  Settings,
  | 'batchSize'
  | 'epochs'
  | 'seed'
  | 'lrSchedule'
  | 'lrDecay'
  | 'lrGamma'
  | 'lrStepEpochs'
  | 'lrMin'
  | 'l2'
  | 'clipNorm'
  | 'patience'
  | 'restoreBest'
  | 'randomErasing'
  | 'erasingAreaMin'
  | 'erasingAreaMax'
  | 'erasingAspectMin'
  | 'erasingAspectMax'
  | 'shift'
  | 'divergenceStop'
  // Read only to phrase the divergence message.
  | 'optimizer'
  | 'activation'
  | 'model'
  | 'initializer'
  | 'initScale'
  | 'batchNorm'
  | 'residual'
  | 'depth'
>;

export interface TrainInput {
  readonly model: tf.LayersModel;
  /** Its learning rate at the start is λ0 of the schedule. */
  readonly optimizer: tf.Optimizer;
  readonly train: Subset;
  readonly validation: Subset | null;
  readonly test: Subset;
  /** The test set as negatives, evaluated after every epoch next to `test`; absent/null: not evaluated. */
  readonly testNegative?: Subset | null;
  /** Pixel preprocessing of every subset (default: scale to [0, 1]). */
  readonly preprocessing?: Preprocessing;
  readonly numClasses: number;
  readonly settings: TrainSettings;
  readonly control: RunControl;
  readonly observer: TrainObserver;
  /** Lets pending messages (pause, stop) be handled; called every ~`yieldEveryMs`. */
  readonly yieldNow?: () => Promise<void>;
  /**
   * Continue a run from this checkpoint (its weights already restored into `model` and `optimizer`,
   * see `restoreCheckpoint`): same epoch, batch, step, learning rate and finished epochs.
   */
  readonly resume?: TrainCheckpoint | null;
  readonly now?: () => number;
}

export interface TrainResult {
  readonly epochsCompleted: number;
  readonly stopped: boolean;
  readonly history: readonly EpochMetrics[];
  /** Epoch with the lowest validation loss; null without a validation set. */
  readonly bestEpoch: number | null;
  /** Early stopping ended the run (patience ran out). */
  readonly stoppedEarly: boolean;
  /** The model's weights were reset to those after this epoch (restore-best); null when not. */
  readonly restoredEpoch: number | null;
}
