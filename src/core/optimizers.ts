/**
 * Optimizers: one table row per optimizer the settings offer (`OPTIMIZER_KINDS`) — how it is built, how
 * a learning-rate schedule changes its rate, whether a checkpoint can keep its state — and the
 * learning-rate schedules. Creation (`createOptimizer`), rate changes (`setLearningRate`) and checkpoints
 * (recovery.ts, through `optimizerCheckpointing`) all read the table: the quirks of tfjs's optimizers
 * are written down here and nowhere else.
 */
import * as tf from '@tensorflow/tfjs';
import { assertNever, type OptimizerId, type Settings } from './settings';

/** The settings an optimizer is built from, all of them given (their defaults live in the schema only). */
export type OptimizerSettings = Pick<
  Settings,
  'optimizer' | 'learningRate' | 'momentum' | 'beta1' | 'beta2' | 'epsilon' | 'rho' | 'adagradInit'
>;

/**
 * What a checkpoint (recovery.ts) does with an optimizer's state: its step count and slots (momentum,
 * Adam's moments, AdaGrad's accumulators). `weights`: tfjs's `getWeights` / `setWeights` round-trip them.
 * `restart`: they cannot be read — tfjs 4.22's AdaMax, for one, throws from `getWeights` — so the
 * checkpoint keeps the model's weights only, a resumed run starts the slots from zero, and `reason`
 * tells the user so.
 */
export type Checkpointing = { readonly slots: 'weights' } | { readonly slots: 'restart'; readonly reason: string };

/** Everything the app relies on about one optimizer. */
export interface OptimizerKind {
  /** The tfjs optimizer at the base learning rate. */
  readonly create: (settings: OptimizerSettings) => tf.Optimizer;
  /** Sets the learning rate the next `applyGradients` uses, leaving no tensor behind. */
  readonly setLearningRate: (optimizer: tf.Optimizer, learningRate: number) => void;
  readonly checkpoint: Checkpointing;
}

/** SGD and momentum keep the rate as a device scalar; their `setLearningRate` replaces it. */
const deviceScalarRate = (optimizer: tf.Optimizer, learningRate: number): void =>
  (optimizer as tf.SGDOptimizer).setLearningRate(learningRate);
/** Adam, RMSprop and AdaGrad read their `learningRate` field on every step (they have no setter). */
const fieldRate = (optimizer: tf.Optimizer, learningRate: number): void => {
  (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
};
const WEIGHTS: Checkpointing = { slots: 'weights' };

/** The optimizers of the `optimizer` setting, one row each (a new option fails to compile without its row). */
export const OPTIMIZER_KINDS: { readonly [K in OptimizerId]: OptimizerKind } = {
  sgd: { create: (s) => tf.train.sgd(s.learningRate), setLearningRate: deviceScalarRate, checkpoint: WEIGHTS },
  momentum: {
    create: (s) => disposingLearningRate(tf.train.momentum(s.learningRate, s.momentum)),
    setLearningRate: deviceScalarRate,
    checkpoint: WEIGHTS,
  },
  nesterov: {
    create: (s) => disposingLearningRate(tf.train.momentum(s.learningRate, s.momentum, true)),
    setLearningRate: deviceScalarRate,
    checkpoint: WEIGHTS,
  },
  adagrad: { create: (s) => tf.train.adagrad(s.learningRate, s.adagradInit), setLearningRate: fieldRate, checkpoint: WEIGHTS },
  // No momentum term, as in Keras' default RMSprop.
  rmsprop: { create: (s) => tf.train.rmsprop(s.learningRate, s.rho, 0, s.epsilon), setLearningRate: fieldRate, checkpoint: WEIGHTS },
  adam: { create: (s) => tf.train.adam(s.learningRate, s.beta1, s.beta2, s.epsilon), setLearningRate: fieldRate, checkpoint: WEIGHTS },
};

/** The row each optimizer `createOptimizer` made was built from. */
const KIND_OF = new WeakMap<tf.Optimizer, OptimizerKind>();

/** The tfjs optimizer for `settings` (its row of `OPTIMIZER_KINDS`), starting at the base learning rate. */
export function createOptimizer(settings: OptimizerSettings): tf.Optimizer {
  const kind = OPTIMIZER_KINDS[settings.optimizer];
  const optimizer = kind.create(settings);
  KIND_OF.set(optimizer, kind);
  return optimizer;
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
 * Sets the learning rate used by the next `applyGradients`, the way the optimizer's row says. Only
 * for optimizers made by `createOptimizer`: for any other the right way is not known (setting a field
 * tfjs never reads would silently train at the old rate), so it throws.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const kind = KIND_OF.get(optimizer);
  if (!kind) throw new Error(`setLearningRate: ${optimizer.getClassName()} optimizer not made by createOptimizer`);
  kind.setLearningRate(optimizer, learningRate);
}

/**
 * How a checkpoint treats this optimizer's state (its row's `checkpoint`). An optimizer the table does
 * not know is not assumed to implement `getWeights`: its slots restart.
 */
export function optimizerCheckpointing(optimizer: tf.Optimizer): Checkpointing {
  return (
    KIND_OF.get(optimizer)?.checkpoint ?? {
      slots: 'restart',
      reason: `The ${optimizer.getClassName()} optimizer's running averages cannot be saved; they start again from zero.`,
    }
  );
}

/** The learning rate an optimizer is currently using. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}

/** The schedule's settings, all of them given (their defaults live in the schema only). */
export type ScheduleSettings = Pick<Settings, 'learningRate' | 'lrSchedule' | 'lrDecay' | 'lrGamma' | 'lrStepEpochs' | 'lrMin'>;

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
  switch (s.lrSchedule) {
    case 'constant':
      return lr0;
    case 'time':
      return lr0 / (1 + s.lrDecay * (step - 1));
    case 'exponential':
      return lr0 * s.lrGamma ** e;
    case 'step':
      return lr0 * s.lrGamma ** Math.floor(e / Math.max(1, s.lrStepEpochs));
    case 'inverse-sqrt':
      return lr0 / Math.sqrt(e + 1);
    case 'cosine': {
      const min = Math.min(s.lrMin, lr0);
      return min + (lr0 - min) * 0.5 * (1 + Math.cos((Math.PI * (step - 1)) / Math.max(1, totalSteps)));
    }
    default:
      return assertNever(s.lrSchedule);
  }
}
