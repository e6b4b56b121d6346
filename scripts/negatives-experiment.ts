/**
 * The negative-images experiment of the course (SEEDS.md, "Negative images"), on real MNIST, in Node,
 * on the tfjs WASM backend:
 *
 *   test-negative  train on positives only        → test accuracy on positives and on negatives
 *   train-both     train on positives + negatives → both
 *   abs-mean       preprocess |I − mean(I)|        → both (identical by construction)
 *
 * Everything else is the app's default run (LeNet-5 modern, SGD + momentum 0.9, lr 0.01, batch 32,
 * 5,000 validation examples held out). This module holds the logic; run it with
 *
 *   npx vitest run -c scripts/vitest.experiment.config.ts
 *
 * (see scripts/negatives-experiment.experiment.ts for the environment variables).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MNIST_CLASSES } from '../src/core/data/classes';
import { IDX_FILE_NAMES, loadIdxSplit, type IdxSplitFiles } from '../src/core/data/idx';
import type { DatasetSplit } from '../src/core/data/types';
import { runExperiment } from '../src/core/experiment';
import { DEFAULT_SETTINGS, type NegativeMode, type Settings } from '../src/core/settings';
import { RunControl } from '../src/core/train';
import type { EpochMetrics } from '../src/core/wire';
import { registerWasmTrainingKernels } from '../src/core/wasmKernels';

export interface NegativesRow {
  readonly mode: NegativeMode;
  readonly seed: number;
  readonly epochs: number;
  readonly positive: number;
  readonly negative: number;
  readonly validation: number | null;
  readonly seconds: number;
}

/** Reads the four gzip'd MNIST files the app serves (prepared by `npm run prepare-data`). */
export async function loadMnist(dir = join(process.cwd(), 'public/data/mnist')): Promise<DatasetSplit> {
  const read = (name: string) => readFile(join(dir, `${name}.gz`)).then((b) => new Uint8Array(b));
  const files: IdxSplitFiles = {
    trainImages: await read(IDX_FILE_NAMES.trainImages),
    trainLabels: await read(IDX_FILE_NAMES.trainLabels),
    testImages: await read(IDX_FILE_NAMES.testImages),
    testLabels: await read(IDX_FILE_NAMES.testLabels),
  };
  return loadIdxSplit(files, MNIST_CLASSES);
}

/** Sets up the backend the app would use without a GPU: WASM with the training kernels added. */
export async function useWasm(): Promise<void> {
  registerWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  await tf.ready();
}

/** Trains one run of `mode` and returns the last epoch's test accuracy on positives and negatives. */
export async function runNegatives(
  data: DatasetSplit,
  mode: NegativeMode,
  seed: number,
  epochs: number,
  log: (line: string) => void = () => {},
  overrides: Partial<Settings> = {},
): Promise<NegativesRow> {
  const settings: Settings = { ...DEFAULT_SETTINGS, ...overrides, negatives: mode, seed, epochs };
  const started = performance.now();
  let last: EpochMetrics | null = null;
  const result = await runExperiment(
    settings,
    data,
    new RunControl(),
    {
      onModel: (_summary, sizes) =>
        log(`${mode} seed ${seed}: ${sizes.train} training, ${sizes.validation} validation, ${sizes.test} test examples`),
      onBatches: () => {},
      onProgress: () => {},
      onEpoch: (m) => {
        last = m;
        log(
          `  epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(4)}, test ${m.test.accuracy.toFixed(4)}, test on negatives ${m.testNegative?.accuracy.toFixed(4)}, ${Math.round(m.examplesPerSecond)} examples/s`,
        );
      },
    },
    // No UI to keep responsive: don't pay for a macrotask every 40 ms.
    () => Promise.resolve(),
  );
  result.model.dispose();
  const final = last as EpochMetrics | null;
  if (!final?.testNegative) throw new Error('the run reported no evaluation on negatives');
  return {
    mode,
    seed,
    epochs,
    positive: final.test.accuracy,
    negative: final.testNegative.accuracy,
    validation: final.validation?.accuracy ?? null,
    seconds: (performance.now() - started) / 1000,
  };
}

/** A Markdown table of the rows, as reported in the issue. */
export function formatTable(rows: readonly NegativesRow[]): string {
  const lines = ['| experiment | seed | epochs | positive test | negative test | seconds |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of rows)
    lines.push(`| ${r.mode} | ${r.seed} | ${r.epochs} | ${r.positive.toFixed(4)} | ${r.negative.toFixed(4)} | ${r.seconds.toFixed(0)} |`);
  return lines.join('\n');
}
