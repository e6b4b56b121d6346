/**
 * One experiment from settings to trained model: split the data, build the model and optimizer,
 * train. Framework-free; the worker is a thin adapter around `runExperiment`.
 */
import type * as tf from '@tensorflow/tfjs';
import { splitTrainValidation, wholeSet } from './data/batches';
import type { DatasetSplit } from './data/types';
import { buildModel, summarize, type ModelSummary } from './model';
import { createOptimizer } from './optimizers';
import type { Settings } from './settings';
import { train, type RunControl, type TrainObserver, type TrainResult } from './train';

export interface ExperimentObserver extends TrainObserver {
  /** Called once the model is built, before the first step. */
  onModel(summary: ModelSummary, sizes: { train: number; validation: number; test: number }): void;
}

export interface ExperimentResult extends TrainResult {
  /** The trained model; the caller owns it and must dispose it. */
  readonly model: tf.LayersModel;
}

export async function runExperiment(
  settings: Settings,
  data: DatasetSplit,
  control: RunControl,
  observer: ExperimentObserver,
  yieldNow?: () => Promise<void>,
): Promise<ExperimentResult> {
  const { train: trainSet, validation } = splitTrainValidation(data.train, settings);
  const test = wholeSet(data.test);
  const numClasses = data.classNames.length;
  const model = buildModel(settings, data.train, numClasses);
  const optimizer = createOptimizer(settings);
  try {
    observer.onModel(summarize(model), { train: trainSet.indices.length, validation: validation?.indices.length ?? 0, test: test.indices.length });
    const result = await train({
      model,
      optimizer,
      train: trainSet,
      validation,
      test,
      numClasses,
      settings,
      control,
      observer,
      ...(yieldNow ? { yieldNow } : {}),
    });
    return { ...result, model };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
}
