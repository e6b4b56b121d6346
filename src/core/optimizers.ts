/**
 * Optimizer construction from settings, and the learning-rate schedules applied to it during a run.
 */
import * as tf from '@tensorflow/tfjs';
import { assertNever, type Settings } from './settings';

export type OptimizerSettings = Pick<Settings, 'optimizer' | 'learningRate' | 'momentum'> &
  Partial<Pick<Settings, 'beta1' | 'beta2' | 'epsilon' | 'rho' | 'adagradInit'>>;

/**
 * The tfjs optimizer for `settings`, starting at the base learning rate. Unset constants take the Keras
 * defaults (β1 0.9, β2 0.999, ρ 0.9, ε 1e-7, AdaGrad accumulator 0.1).
 */
export function createOptimizer(settings: OptimizerSettings): tf.Optimizer {
  const lr = settings.learningRate;
  const epsilon = settings.epsilon ?? 1e-7;
  switch (settings.optimizer) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return disposingLearningRate(tf.train.momentum(lr, settings.momentum));
    case 'nesterov':
      return disposingLearningRate(tf.train.momentum(lr, settings.momentum, true));
    case 'adagrad':
      return tf.train.adagrad(lr, settings.adagradInit ?? 0.1);
    case 'adam':
      return tf.train.adam(lr, settings.beta1 ?? 0.9, settings.beta2 ?? 0.999, epsilon);
    case 'rmsprop':
      // No momentum term, as in Keras' default RMSprop.
      return tf.train.rmsprop(lr, settings.rho ?? 0.9, 0, epsilon);
    default:
      return assertNever(settings.optimizer);
  }
}

/**
 * tfjs 4.22's MomentumOptimizer.dispose forgets the learning-rate scalar its SGD base keeps on the
 * device (`c`): one tensor leaked per run. Dispose it too.
 */
function disposingLearningRate(optimizer: tf.MomentumOptimizer): tf.MomentumOptimizer {
  const dispose = optimizer.dispose.bind(optimizer);
  optimizer.dispose = () => {
    dispose();
    const rate = (optimizer as unknown as { c?: tf.Tensor }).c;
    if (rate && !rate.isDisposed) rate.dispose();
  };
  return optimizer;
}

/**
 * Sets the learning rate used by the next `applyGradients`. SGD and momentum keep it as a device
 * scalar (`setLearningRate` replaces it); Adam, RMSprop and AdaGrad read the `learningRate` field on
 * every step.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  // Duck-typed: tfjs' Optimizer overrides Symbol.hasInstance, so `instanceof tf.SGDOptimizer` is true
  // for every optimizer. SGDOptimizer and MomentumOptimizer (its subclass) have setLearningRate.
  const sgd = optimizer as Partial<Pick<tf.SGDOptimizer, 'setLearningRate'>>;
  if (typeof sgd.setLearningRate === 'function') {
    sgd.setLearningRate(learningRate);
    return;
  }
  (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
}

/** The learning rate an optimizer is currently using. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}

export type ScheduleSettings = Pick<Settings, 'learningRate'> &
  Partial<Pick<Settings, 'lrSchedule' | 'lrDecay' | 'lrGamma' | 'lrStepEpochs' | 'lrMin'>>;

/**
 * Learning rate of global step `step` (1-based), with `stepsPerEpoch` steps per epoch and `totalSteps`
 * in the run. λ0 is `learningRate`; e = ⌊(step−1)/stepsPerEpoch⌋ is the 0-based epoch, so every
 * schedule starts at λ0:
 *
 * | constant     | λ0                                            |
 * | time         | λ0 / (1 + d·(step−1))      (Keras' SGD `decay`, per step) |
 * | exponential  | λ0 · γ^e                                      |
 * | step         | λ0 · γ^⌊e/S⌋                                  |
 * | inverse-sqrt | λ0 / √(e+1)                                   |
 * | cosine       | λmin + ½(λ0 − λmin)(1 + cos(π·(step−1)/totalSteps))   (per step, to λmin at the end) |
 */
export function learningRateAt(s: ScheduleSettings, step: number, stepsPerEpoch: number, totalSteps: number): number {
  const lr0 = s.learningRate;
  const e = Math.floor((step - 1) / Math.max(1, stepsPerEpoch));
  const schedule = s.lrSchedule ?? 'constant';
  switch (schedule) {
    case 'constant':
      return lr0;
    case 'time':
      return lr0 / (1 + (s.lrDecay ?? 1e-4) * (step - 1));
    case 'exponential':
      return lr0 * (s.lrGamma ?? 0.95) ** e;
    case 'step':
      return lr0 * (s.lrGamma ?? 0.95) ** Math.floor(e / Math.max(1, s.lrStepEpochs ?? 10));
    case 'inverse-sqrt':
      return lr0 / Math.sqrt(e + 1);
    case 'cosine': {
      const min = Math.min(s.lrMin ?? 0, lr0);
      return min + (lr0 - min) * 0.5 * (1 + Math.cos((Math.PI * (step - 1)) / Math.max(1, totalSteps)));
    }
    default:
      return assertNever(schedule);
  }
}
