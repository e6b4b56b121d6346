/**
 * One experiment from settings to trained model: split the data, put noise on the training labels,
 * add negatives, fix the preprocessing from the training subset, build the model and optimizer,
 * train. Framework-free; the worker is a thin adapter around `runExperiment`.
 */
import type * as tf from '@tensorflow/tfjs';
import { negativesOf, splitTrainValidation, wholeSet, withNegatives, type Subset } from './data/batches';
import { addLabelNoise, type LabelNoiseReport } from './data/labelNoise';
import { preprocessingFor, type Preprocessing } from './data/transforms';
import type { DatasetSplit } from './data/types';
import { buildModel, summarize } from './model';
import { createOptimizer } from './optimizers';
import { createRng, deriveSeed } from './rng';
import type { Settings } from './settings';
import { restoreCheckpoint, type TrainCheckpoint } from './recovery';
import { train, type RunControl, type TrainObserver, type TrainResult } from './train';
import type { ModelSummary, RunInfo } from './wire';

export type { RunInfo } from './wire';

export interface ExperimentObserver extends TrainObserver {
  /** Called once the model is built, before the first step. */
  onModel(summary: ModelSummary, sizes: { train: number; validation: number; test: number }, info: RunInfo): void;
  /**
   * Called after `onModel` with the live model and what the test images go through, for inspection
   * between steps (predictions, snapshots). The model is the run's: read it, never dispose it.
   */
  onSetup?(setup: ExperimentSetup): void;
}

/** What inspection needs of a running experiment. */
export interface ExperimentSetup {
  readonly model: tf.LayersModel;
  readonly preprocessing: Preprocessing;
  readonly test: Subset;
  readonly numClasses: number;
}

export interface ExperimentResult extends TrainResult {
  /** The trained model; the caller owns it and must dispose it. */
  readonly model: tf.LayersModel;
  readonly info: RunInfo;
}

/** The subsets and preprocessing of a run, before any model exists. Pure data; tested on its own. */
export interface PreparedData {
  readonly train: Subset;
  readonly validation: Subset | null;
  readonly test: Subset;
  /** The test set as negatives, for every negatives mode but `none`. */
  readonly testNegative: Subset | null;
  readonly preprocessing: Preprocessing;
  readonly labelNoise: LabelNoiseReport | null;
}

/**
 * Splits off the seeded validation set, then:
 * - label noise ε > 0: a noisy copy of the labels for the *training* examples only (seed
 *   `label-noise`); validation and test keep their clean labels, as in the homework;
 * - negatives `train-both`: training and validation sets hold every example as it is and as its
 *   negative (so early stopping watches the same mixture that is trained on); every mode but `none`
 *   also evaluates the test set as negatives;
 * - preprocessing: |I − mean(I)| for `abs-mean`, standardisation with training-subset statistics.
 */
export function prepareData(settings: Settings, data: DatasetSplit): PreparedData {
  const split = splitTrainValidation(data.train, settings);
  let trainSet = split.train;
  let validation = split.validation;
  const numClasses = data.classNames.length;
  let labelNoise: LabelNoiseReport | null = null;
  if (settings.labelNoise > 0) {
    const noisy = addLabelNoise(
      data.train.labels,
      trainSet.indices,
      settings.labelNoise,
      numClasses,
      createRng(deriveSeed(settings.seed, 'label-noise')),
    );
    trainSet = { ...trainSet, labels: noisy.labels };
    labelNoise = noisy.report;
  }
  if (settings.negatives === 'train-both') {
    trainSet = withNegatives(trainSet);
    validation = validation && withNegatives(validation);
  }
  const test = wholeSet(data.test);
  const testNegative = settings.negatives === 'none' ? null : negativesOf(test);
  return { train: trainSet, validation, test, testNegative, preprocessing: preprocessingFor(settings, trainSet), labelNoise };
}

/**
 * With `resume`, a new model and optimizer take that checkpoint's weights and training continues
 * from its position (the run after a lost backend, on another one; see recovery.ts).
 */
export async function runExperiment(
  settings: Settings,
  data: DatasetSplit,
  control: RunControl,
  observer: ExperimentObserver,
  yieldNow?: () => Promise<void>,
  resume?: TrainCheckpoint | null,
): Promise<ExperimentResult> {
  const prepared = prepareData(settings, data);
  const numClasses = data.classNames.length;
  const info: RunInfo = {
    labelNoise: prepared.labelNoise,
    normalization: { mean: prepared.preprocessing.mean, std: prepared.preprocessing.std },
  };
  const model = buildModel(settings, data.train, numClasses);
  const optimizer = createOptimizer(settings);
  try {
    if (resume) await restoreCheckpoint(model, optimizer, resume);
    observer.onModel(
      summarize(model),
      { train: prepared.train.indices.length, validation: prepared.validation?.indices.length ?? 0, test: prepared.test.indices.length },
      info,
    );
    observer.onSetup?.({ model, preprocessing: prepared.preprocessing, test: prepared.test, numClasses });
    const result = await train({
      model,
      optimizer,
      train: prepared.train,
      validation: prepared.validation,
      test: prepared.test,
      testNegative: prepared.testNegative,
      preprocessing: prepared.preprocessing,
      numClasses,
      settings,
      control,
      observer,
      ...(yieldNow ? { yieldNow } : {}),
      ...(resume ? { resume } : {}),
    });
    return { ...result, model, info };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
}
