/**
 * The training loop: framework-free, backend-agnostic, runs the same in a Web Worker and in Node.
 *
 * It never touches the UI. Progress goes out through the `TrainObserver` callbacks; pause and stop
 * come in through a `RunControl`. Per-batch metrics stay on the device and are read back in bulk,
 * asynchronously, a few times a second, so the GPU pipeline is not stalled by a read per batch.
 *
 * This is the public entry; the parts live in training/: run.ts (the loop), stepRunner.ts (one
 * optimisation step), metricsBuffer.ts (per-batch metrics and their bulk read), progressMeter.ts
 * (progress, ETA), epochEvaluation.ts (evaluation, early stopping), checkpoints.ts, divergence.ts,
 * learningRate.ts, runControl.ts (pause / stop / Step). The data it reports is in wire.ts.
 */
import { TrainingRun } from './training/run';
import type { TrainInput, TrainResult } from './training/types';

export { DivergenceError } from './training/divergence';
export { EarlyStopping, evaluate } from './training/epochEvaluation';
export { macrotask, RunControl } from './training/runControl';
export { adjustGradients } from './training/stepRunner';
export type { TrainInput, TrainObserver, TrainResult, TrainSettings } from './training/types';
// Its tests take these from here.
export { kernelNames } from './model';
export type { BatchPoint, EpochMetrics, Evaluation, Progress, StepUnit, TestPredictions } from './wire';

/**
 * Trains `model` for `settings.epochs` epochs of shuffled mini-batches, evaluating on the validation and
 * test subsets (and the negative test set, when given) after each epoch. Applies the learning-rate
 * schedule per step, L2 and gradient clipping, training-time augmentation, and early stopping on the
 * validation loss. Resolves when done, stopped or stopped early; rejects with DivergenceError on a NaN
 * loss or (with `divergenceStop`) an exploding one.
 */
export async function train(input: TrainInput): Promise<TrainResult> {
  const run = new TrainingRun(input);
  try {
    return await run.run();
  } finally {
    run.dispose();
  }
}
