/**
 * One measured run of the app's own core in Node: `runExperiment` (src/core/experiment.ts, the code
 * the worker runs) on real MNIST / Fashion-MNIST from public/data, on the WASM backend the app uses
 * without a GPU. Returns the numbers EXPERIMENTS.md reports.
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetSplit } from '../../src/core/data/types';
import { runExperiment } from '../../src/core/experiment';
import { confusionMatrix, topConfusedPairs } from '../../src/core/inspect/confusion';
import type { DatasetId, Settings } from '../../src/core/settings';
import { DivergenceError, RunControl } from '../../src/core/train';
import type { EpochMetrics } from '../../src/core/wire';
import { loadPrepared, withTestSubset } from './data';
import { registerWasmTrainingKernels } from '../../src/core/wasmKernels';

/** What one run measured (the last epoch's numbers unless said). Plain JSON: cached in results.json. */
export interface RunResult {
  readonly trainLoss: number;
  /** Mean of the per-batch training accuracies of the last epoch (noisy labels when ε > 0). */
  readonly trainAccuracy: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
  readonly testNegativeAccuracy: number | null;
  /** Test accuracy on negatives after each epoch (negatives modes only). */
  readonly negativeAccuracyByEpoch?: readonly number[];
  /** Mean accuracy of the run's last 50 training batches (what the app's "Train accuracy" shows at the end). */
  readonly trainAccuracyRecent: number;
  /** Test accuracy after each epoch. */
  readonly testAccuracyByEpoch: readonly number[];
  /** Training accuracy (epoch mean) after each epoch. */
  readonly trainAccuracyByEpoch: readonly number[];
  /** Row-normalised realised noise matrix's mean diagonal (fraction of labels kept); null without noise. */
  readonly labelsKept: number | null;
  /** Realised clean → noisy counts, row 0 only (the full matrix is in the UI); null without noise. */
  readonly noiseRow0: readonly number[] | null;
  /** The five largest off-diagonal cells of the last test confusion matrix: truth → predicted (count). */
  readonly topPairs: readonly { truth: number; predicted: number; count: number; reverse: number }[];
  readonly epochs: number;
  readonly seconds: number;
  readonly examplesPerSecond: number;
  /** The run stopped on a NaN/∞ loss (the numbers are then of the last finished epoch, or NaN). */
  readonly diverged: boolean;
}

const datasets = new Map<DatasetId, Promise<DatasetSplit>>();

/** The prepared dataset (public/data), parsed once per process. */
export function loadDataset(id: DatasetId): Promise<DatasetSplit> {
  if (id === 'cifar10') throw new Error('CIFAR-10 is not bundled; the experiments use MNIST and Fashion-MNIST');
  let loading = datasets.get(id);
  if (!loading) {
    loading = loadPrepared(id);
    datasets.set(id, loading);
  }
  return loading;
}

export { withTestSubset };

/** The backend the app uses without a GPU: WASM with the training kernels added. */
export async function useWasm(): Promise<void> {
  registerWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  await tf.ready();
}

/** Trains one run of `settings` with the app's core and returns what it measured. */
export async function measureRun(settings: Settings, data: DatasetSplit): Promise<RunResult> {
  const started = performance.now();
  const history: EpochMetrics[] = [];
  let predicted: Uint8Array | null = null;
  let labelsKept: number | null = null;
  let noiseRow0: number[] | null = null;
  let diverged = false;
  let trainSeconds = 0;
  let examples = 0;
  let recent: number[] = [];
  try {
    const result = await runExperiment(
      settings,
      data,
      new RunControl(),
      {
        onModel: (_summary, sizes, info) => {
          examples = sizes.train;
          const noise = info.labelNoise;
          if (noise) {
            const kept = noise.matrix.map((row, c) => row[c]! / Math.max(1, row.reduce((a, b) => a + b, 0)));
            labelsKept = kept.reduce((a, b) => a + b, 0) / kept.length;
            noiseRow0 = [...noise.matrix[0]!];
          }
        },
        onBatches: (points) => {
          recent = [...recent, ...points.map((p) => p.accuracy)].slice(-50);
        },
        onProgress: () => {},
        onEpoch: (m) => {
          history.push(m);
          trainSeconds += m.trainSeconds;
        },
        onTestPredictions: (_epoch, p) => {
          predicted = Uint8Array.from(p.predicted);
        },
      },
      // No UI to keep responsive: no macrotask every 40 ms.
      () => Promise.resolve(),
    );
    result.model.dispose();
  } catch (error) {
    if (!(error instanceof DivergenceError)) throw error;
    diverged = true;
  }
  const last = history[history.length - 1];
  const pairs = predicted ? topConfusedPairs(confusionMatrix(data.test.labels, predicted, data.classNames.length), data.classNames.length, 5) : [];
  return {
    trainLoss: last?.trainLoss ?? Number.NaN,
    trainAccuracy: last?.trainAccuracy ?? Number.NaN,
    trainAccuracyRecent: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : Number.NaN,
    testLoss: last?.test.loss ?? Number.NaN,
    testAccuracy: last?.test.accuracy ?? Number.NaN,
    testNegativeAccuracy: last?.testNegative?.accuracy ?? null,
    testAccuracyByEpoch: history.map((m) => m.test.accuracy),
    ...(history.some((m) => m.testNegative) ? { negativeAccuracyByEpoch: history.map((m) => m.testNegative?.accuracy ?? Number.NaN) } : {}),
    trainAccuracyByEpoch: history.map((m) => m.trainAccuracy),
    labelsKept,
    noiseRow0,
    topPairs: pairs.map((p) => ({ truth: p.truth, predicted: p.predicted, count: p.count, reverse: p.reverse })),
    epochs: history.length,
    seconds: (performance.now() - started) / 1000,
    examplesPerSecond: (examples * history.length) / Math.max(trainSeconds, 1e-6),
    diverged,
  };
}
