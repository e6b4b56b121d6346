/**
 * The one definition of every experiment setting.
 *
 * Each entry states its type, default, range or choices, URL key, label and help text. The settings
 * panel, the URL codec, validation and the worker's run config are all derived from this table, so a
 * new knob is one new entry here. Framework-free: imported by the UI, the worker and Node tests.
 */

import { parseNumberInput, type NumberRule } from './numberInput';

interface BaseSpec {
  /** Short, stable key used in the URL and in `data-testid="setting-<key>"`. Never rename. */
  readonly key: string;
  readonly label: string;
  /** One line shown under the control. */
  readonly help: string;
  /** Panel section the control is shown in. */
  readonly group: SettingGroup;
  /**
   * Fine-tuning knob (optimizer constants, schedule shapes…): the panel hides it behind "Show advanced
   * settings" unless it has a non-default value. The URL codec treats it like any other setting.
   */
  readonly advanced?: boolean;
  /**
   * A parameter of another choice (the schedule's γ, the initialiser's σ, the depth model's N): the
   * panel hides it while `inapplicableReason` says it does not apply, unless it has a non-default value.
   */
  readonly detail?: boolean;
  /**
   * When the setting has an effect, given the others: all of these hold. The first that does not is
   * the reason `inapplicableReason` gives (shown next to the disabled control); the core ignores the
   * setting exactly then. Absent: it always applies.
   */
  readonly requires?: readonly Requirement[];
}

/** A condition a setting needs to have any effect, and what the panel says while it does not hold. */
export interface Requirement {
  readonly when: (settings: Settings) => boolean;
  /** One sentence: why the setting does nothing now, and what would make it count. */
  readonly reason: string;
}

export type SettingGroup = 'data' | 'model' | 'training' | 'regularization' | 'system';

/** A number setting: its range, rounding and stepping are numberInput.ts's NumberRule. */
export interface NumberSpec extends BaseSpec, NumberRule {
  readonly kind: 'number';
}

export interface EnumOption<V extends string> {
  readonly value: V;
  readonly label: string;
}

export interface EnumSpec<V extends string = string> extends BaseSpec {
  readonly kind: 'enum';
  readonly default: V;
  readonly options: readonly EnumOption<V>[];
}

export interface BooleanSpec extends BaseSpec {
  readonly kind: 'boolean';
  readonly default: boolean;
}

export type SettingSpec = NumberSpec | EnumSpec | BooleanSpec;

const num = (s: Omit<NumberSpec, 'kind' | 'integer' | 'scale'> & Partial<Pick<NumberSpec, 'integer' | 'scale'>>): NumberSpec => ({
  kind: 'number',
  integer: false,
  scale: 'linear',
  ...s,
});
const int = (s: Omit<NumberSpec, 'kind' | 'integer' | 'scale'>): NumberSpec => num({ ...s, integer: true });
/**
 * An enum setting; its id type is the union of its options' values, inferred from them alone (the
 * `NoInfer`s keep the default and the table's `satisfies` from widening it); the default must be one of them.
 */
const choice = <V extends string>(
  s: BaseSpec & { readonly options: readonly EnumOption<V>[]; readonly default: NoInfer<V> },
): EnumSpec<NoInfer<V>> => ({
  kind: 'enum',
  ...s,
});
/**
 * A requirement (see `BaseSpec.requires`). Write `when` with its `: boolean` return type: the schema's
 * own type is still being inferred while its rules are checked, and an inferred return type would
 * make TypeScript read `Settings` (derived from the schema) too early — a circular type.
 */
const rule = (when: (s: Settings) => boolean, reason: string): Requirement => ({ when, reason });
const flag = (s: Omit<BooleanSpec, 'kind'>): BooleanSpec => ({ kind: 'boolean', ...s });

/** Initialisers whose spread (or value) is the user's `initScale` (see the `initScale` entry). */
export const SCALED_INITIALIZERS: readonly InitializerId[] = ['truncated-normal', 'random-normal', 'random-uniform', 'constant'];

/** Requirements several entries share. */
const notClassic = rule(
  (s): boolean => s.model !== 'lenet5-classic',
  'LeNet-5 classic is the fixed 1998 design (scaled tanh, average pooling, no batch norm); choose LeNet-5 (modern) to change it.',
);
const deepOnly = rule((s): boolean => s.model === 'deep', 'Only used by the depth experiment model.');
const onlyAdam = rule((s): boolean => s.optimizer === 'adam', 'Only used by Adam.');
const erasingOn = rule((s): boolean => s.randomErasing !== 0, 'Only used when random erasing is on.');
const areaInOrder = rule(
  (s): boolean => s.erasingAreaMin <= s.erasingAreaMax,
  'The minimum area is above the maximum: the two are swapped when training.',
);
const aspectInOrder = rule(
  (s): boolean => s.erasingAspectMin <= s.erasingAspectMax,
  'The minimum aspect is above the maximum: the two are swapped when training.',
);
const validationOn = rule(
  (s): boolean => s.validationSize > 0,
  'Early stopping watches the validation loss: set Validation examples above 0.',
);

/** The schema. Order here is the order of controls and of keys in the URL. */
export const SETTINGS = {
  dataset: choice({
    key: 'ds',
    label: 'Dataset',
    help: 'Official train/test splits. CIFAR-10 needs its binary archive (see the data panel).',
    group: 'data',
    default: 'mnist',
    options: [
      { value: 'mnist', label: 'MNIST digits' },
      { value: 'fashion', label: 'Fashion-MNIST' },
      { value: 'cifar10', label: 'CIFAR-10' },
    ],
  }),
  trainSubset: int({
    key: 'n',
    label: 'Training examples',
    help: 'Use only the first N shuffled training examples (0 = all). Small sets overfit quickly.',
    group: 'data',
    default: 0,
    min: 0,
    max: 60000,
    step: 100,
  }),
  validationSize: int({
    key: 'val',
    label: 'Validation examples',
    help: 'Held out from the training set (seeded) and scored each epoch; the test set stays untouched.',
    group: 'data',
    default: 5000,
    min: 0,
    max: 20000,
    step: 500,
  }),
  normalization: choice({
    key: 'norm',
    label: 'Input scaling',
    help: 'Pixels to [0, 1], or standardised per channel (zero mean, unit variance) with statistics of the training examples only.',
    group: 'data',
    default: 'unit',
    options: [
      { value: 'unit', label: 'Scale to [0, 1]' },
      { value: 'standardize', label: 'Standardise per channel (train statistics)' },
    ],
  }),
  negatives: choice({
    key: 'neg',
    label: 'Negative images',
    help: 'The negative of an image is 1 − x. Test on negatives too, train on both, or preprocess every image as |I − mean(I)|.',
    group: 'data',
    default: 'none',
    options: [
      { value: 'none', label: 'Off' },
      { value: 'test-negative', label: 'Train positives, test positives and negatives' },
      { value: 'train-both', label: 'Train and test on positives + negatives' },
      { value: 'abs-mean', label: 'Preprocess |I − mean(I)|, test both' },
    ],
  }),
  labelNoise: num({
    key: 'noise',
    label: 'Label noise ε',
    help: 'Each training label is replaced by one of the other classes with probability ε. Validation and test labels stay clean.',
    group: 'data',
    default: 0,
    min: 0,
    max: 0.9,
    step: 0.1,
  }),
  model: choice({
    key: 'm',
    label: 'Model',
    help: 'LeNet-5 modern (ReLU, max-pool), the 1998 original (scaled tanh, average pooling, 32×32 input), a stack of N 3×3 conv blocks, or an MLP baseline.',
    group: 'model',
    default: 'lenet5',
    options: [
      { value: 'lenet5', label: 'LeNet-5 (modern)' },
      { value: 'lenet5-classic', label: 'LeNet-5 (classic 1998)' },
      { value: 'deep', label: 'Depth experiment (N conv blocks)' },
      { value: 'mlp', label: 'MLP 300-100 (baseline)' },
    ],
  }),
  depth: int({
    key: 'depth',
    requires: [deepOnly],
    detail: true,
    label: 'Conv blocks N',
    help: 'Number of 3×3 conv blocks, in three stages (16, 32, 64 maps × width) with a 2×2 pool between stages. Deep plain stacks stop training.',
    group: 'model',
    default: 8,
    min: 1,
    max: 50,
    step: 1,
  }),
  residual: flag({
    key: 'res',
    requires: [deepOnly],
    detail: true,
    label: 'Residual connections',
    help: 'Each block adds its input to its output (a 1×1 projection where the map count changes).',
    group: 'model',
    default: false,
  }),
  batchNorm: flag({
    key: 'bn',
    requires: [notClassic],
    label: 'Batch normalisation',
    help: 'After each conv / hidden dense layer, before its nonlinearity; moving averages are used at test time.',
    group: 'model',
    default: false,
  }),
  batchNormMomentum: num({
    key: 'bnm',
    requires: [notClassic, rule((s): boolean => s.batchNorm, 'Only used when batch normalisation is on.')],
    detail: true,
    advanced: true,
    label: 'Batch-norm moving-average momentum',
    help: 'Test-time statistics = momentum · old + (1 − momentum) · batch. 0.9 (PyTorch’s 0.1) tracks short runs; Keras’s 0.99 lags for thousands of steps, so test accuracy stays far below training accuracy.',
    group: 'model',
    default: 0.9,
    min: 0,
    max: 0.999,
    step: 0.01,
  }),
  activation: choice({
    key: 'act',
    requires: [notClassic],
    label: 'Activation',
    help: 'Nonlinearity of the hidden layers. Sigmoid and tanh saturate; ReLU can die; Leaky ReLU is max(0.01z, z).',
    group: 'model',
    default: 'relu',
    options: [
      { value: 'relu', label: 'ReLU' },
      { value: 'leaky-relu', label: 'Leaky ReLU (0.01)' },
      { value: 'elu', label: 'ELU' },
      { value: 'tanh', label: 'tanh' },
      { value: 'scaled-tanh', label: 'Scaled tanh 1.7159·tanh(2z/3)' },
      { value: 'sigmoid', label: 'Sigmoid' },
    ],
  }),
  leakyAlpha: num({
    key: 'lalpha',
    requires: [notClassic, rule((s): boolean => s.activation === 'leaky-relu', 'Only used by the Leaky ReLU activation.')],
    detail: true,
    label: 'Leaky ReLU slope α',
    help: 'max(αz, z): the slope for negative inputs that keeps units from dying (0.01 in the lecture).',
    group: 'model',
    default: 0.01,
    min: 0,
    max: 1,
    step: 0.01,
  }),
  eluAlpha: num({
    key: 'ealpha',
    requires: [notClassic, rule((s): boolean => s.activation === 'elu', 'Only used by the ELU activation.')],
    detail: true,
    label: 'ELU α',
    help: 'ELU is α(eᶻ − 1) for z < 0: the value negative inputs saturate towards is −α.',
    group: 'model',
    default: 1,
    min: 0.01,
    max: 10,
    step: 0.1,
  }),
  pooling: choice({
    key: 'pool',
    requires: [notClassic, rule((s): boolean => s.model !== 'mlp', 'The MLP has no pooling layers.')],
    label: 'Pooling',
    help: '2×2 max pooling, or average pooling (close to the 1998 subsampling).',
    group: 'model',
    default: 'max',
    options: [
      { value: 'max', label: 'Max' },
      { value: 'avg', label: 'Average' },
    ],
  }),
  widthMultiplier: num({
    key: 'wm',
    requires: [notClassic, rule((s): boolean => s.model !== 'mlp', 'The MLP has no conv layers.')],
    label: 'Width ×',
    help: 'Multiplies the number of feature maps of every conv layer (rounded, at least 1).',
    group: 'model',
    default: 1,
    min: 0.25,
    max: 8,
    step: 0.25,
    advanced: true,
  }),
  initializer: choice({
    key: 'init',
    label: 'Weight initialisation',
    help: 'Glorot Var(w) = 2/(fan_in+fan_out) suits tanh, He 2/fan_in suits ReLU, LeCun 1/fan_in. All-equal weights never break symmetry.',
    group: 'model',
    default: 'glorot-uniform',
    options: [
      { value: 'glorot-uniform', label: 'Glorot (Xavier) uniform' },
      { value: 'glorot-normal', label: 'Glorot (Xavier) normal' },
      { value: 'he-uniform', label: 'He uniform' },
      { value: 'he-normal', label: 'He normal' },
      { value: 'lecun-uniform', label: 'LeCun uniform' },
      { value: 'lecun-normal', label: 'LeCun normal' },
      { value: 'truncated-normal', label: 'Truncated normal (σ below)' },
      { value: 'random-normal', label: 'Normal (σ below)' },
      { value: 'random-uniform', label: 'Uniform ±a (a below)' },
      { value: 'zeros', label: 'Zeros' },
      { value: 'constant', label: 'Constant (value below)' },
    ],
  }),
  initScale: num({
    key: 'iscale',
    requires: [
      rule(
        (s): boolean => SCALED_INITIALIZERS.includes(s.initializer),
        'Only used by the truncated normal, normal, uniform and constant initialisations.',
      ),
    ],
    detail: true,
    label: 'Init σ / a / value',
    help: 'Standard deviation (normal; before truncation at 2σ for truncated), half-width a (uniform), or the constant.',
    group: 'model',
    default: 0.05,
    min: 0,
    max: 10,
    step: 0.01,
  }),
  biasInit: num({
    key: 'binit',
    label: 'Bias init',
    help: 'Constant every bias starts at (a small positive value keeps ReLUs alive at the start).',
    group: 'model',
    default: 0,
    min: -1,
    max: 1,
    step: 0.01,
    advanced: true,
  }),
  optimizer: choice({
    key: 'opt',
    label: 'Optimizer',
    help: 'How each gradient step updates the weights.',
    group: 'training',
    default: 'momentum',
    options: [
      { value: 'sgd', label: 'SGD' },
      { value: 'momentum', label: 'SGD + momentum' },
      { value: 'nesterov', label: 'SGD + Nesterov momentum' },
      { value: 'adagrad', label: 'AdaGrad' },
      { value: 'rmsprop', label: 'RMSprop' },
      { value: 'adam', label: 'Adam' },
    ],
  }),
  learningRate: num({
    key: 'lr',
    label: 'Learning rate',
    help: 'Step size. Too high → loss explodes (NaN); too low → slow progress.',
    group: 'training',
    default: 0.01,
    min: 1e-6,
    max: 10,
    scale: 'log',
  }),
  momentum: num({
    key: 'mom',
    requires: [rule((s): boolean => s.optimizer === 'momentum' || s.optimizer === 'nesterov', 'Only used by SGD + momentum and Nesterov.')],
    label: 'Momentum ρ',
    help: 'Fraction of the previous update carried into the next (SGD + momentum and Nesterov).',
    group: 'training',
    default: 0.9,
    min: 0,
    max: 0.999,
    step: 0.05,
  }),
  beta1: num({
    key: 'b1',
    requires: [onlyAdam],
    detail: true,
    label: 'Adam β1',
    help: 'Decay of the running mean of gradients (first moment).',
    group: 'training',
    default: 0.9,
    min: 0,
    max: 0.9999,
    step: 0.01,
    advanced: true,
  }),
  beta2: num({
    key: 'b2',
    requires: [onlyAdam],
    detail: true,
    label: 'Adam β2',
    help: 'Decay of the running mean of squared gradients (second moment).',
    group: 'training',
    default: 0.999,
    min: 0,
    max: 0.99999,
    step: 0.001,
    advanced: true,
  }),
  rho: num({
    key: 'rho',
    requires: [rule((s): boolean => s.optimizer === 'rmsprop', 'Only used by RMSprop.')],
    detail: true,
    label: 'RMSprop ρ',
    help: 'Decay of the running mean of squared gradients.',
    group: 'training',
    default: 0.9,
    min: 0,
    max: 0.9999,
    step: 0.01,
    advanced: true,
  }),
  epsilon: num({
    key: 'eps',
    requires: [
      rule(
        (s): boolean => s.optimizer === 'adam' || s.optimizer === 'rmsprop',
        'Only Adam and RMSprop take an ε (AdaGrad uses the backend’s own).',
      ),
    ],
    detail: true,
    label: 'ε (Adam, RMSprop)',
    help: 'Added to the denominator to avoid dividing by zero (Keras 1e-7, the lecture 1e-8).',
    group: 'training',
    default: 1e-7,
    min: 1e-10,
    max: 1,
    scale: 'log',
    advanced: true,
  }),
  adagradInit: num({
    key: 'acc0',
    requires: [rule((s): boolean => s.optimizer === 'adagrad', 'Only used by AdaGrad.')],
    detail: true,
    label: 'AdaGrad initial accumulator',
    help: 'Starting value of the sum of squared gradients.',
    group: 'training',
    default: 0.1,
    min: 0,
    max: 10,
    step: 0.01,
    advanced: true,
  }),
  lrSchedule: choice({
    key: 'sched',
    label: 'Learning-rate schedule',
    help: 'How the learning rate λ changes during the run (λ0 is the learning rate above).',
    group: 'training',
    default: 'constant',
    options: [
      { value: 'constant', label: 'Constant' },
      { value: 'time', label: 'Time decay λ0/(1 + d·step) (Keras "decay")' },
      { value: 'exponential', label: 'Exponential λ0·γ^epoch' },
      { value: 'step', label: 'Step: ×γ every S epochs' },
      { value: 'inverse-sqrt', label: 'λ0/√epoch' },
      { value: 'cosine', label: 'Cosine annealing to 0' },
    ],
  }),
  lrMin: num({
    key: 'lrmin',
    requires: [
      rule((s): boolean => s.lrSchedule === 'cosine', 'Only used by the cosine schedule.'),
      rule((s): boolean => s.lrMin < s.learningRate, 'Must be below the learning rate, or the rate would rise.'),
    ],
    detail: true,
    label: 'Minimum learning rate',
    help: 'Where cosine annealing ends: λ = λmin + ½(λ0 − λmin)(1 + cos(π·t/T)).',
    group: 'training',
    default: 0,
    min: 0,
    max: 10,
  }),
  lrDecay: num({
    key: 'decay',
    requires: [rule((s): boolean => s.lrSchedule === 'time', 'Only used by the time-decay schedule.')],
    detail: true,
    label: 'Decay d',
    help: 'Per-step decay of the time schedule (Keras SGD "decay"; the best homework run used 1e-4).',
    group: 'training',
    default: 1e-4,
    min: 1e-8,
    max: 1,
    scale: 'log',
  }),
  lrGamma: num({
    key: 'gamma',
    requires: [
      rule((s): boolean => s.lrSchedule === 'exponential' || s.lrSchedule === 'step', 'Only used by the exponential and step schedules.'),
    ],
    detail: true,
    label: 'Decay factor γ',
    help: 'Multiplier per epoch (exponential) or per S epochs (step).',
    group: 'training',
    default: 0.95,
    min: 0.01,
    max: 1,
    step: 0.01,
  }),
  lrStepEpochs: int({
    key: 'lrstep',
    requires: [rule((s): boolean => s.lrSchedule === 'step', 'Only used by the step schedule.')],
    detail: true,
    label: 'Step every S epochs',
    help: 'The step schedule multiplies the learning rate by γ every S epochs.',
    group: 'training',
    default: 10,
    min: 1,
    max: 200,
    step: 1,
  }),
  batchSize: int({
    key: 'bs',
    label: 'Batch size',
    help: 'Examples per gradient step.',
    group: 'training',
    default: 32,
    min: 1,
    max: 2048,
    step: 1,
  }),
  epochs: int({
    key: 'ep',
    label: 'Epochs',
    help: 'Passes over the training set.',
    group: 'training',
    default: 5,
    min: 1,
    max: 200,
    step: 1,
  }),
  seed: int({
    key: 'seed',
    label: 'Seed',
    help: 'Drives the validation split, shuffling and weight initialisation: same seed, same run.',
    group: 'training',
    default: 1,
    min: 0,
    max: 2 ** 31 - 1,
    step: 1,
  }),
  divergenceStop: flag({
    key: 'dstop',
    label: 'Stop a diverging run',
    help: 'Ends the run as soon as the loss explodes (10× its start) and keeps its curves; turn off to watch the explosion. A NaN loss always stops it.',
    group: 'training',
    default: true,
    advanced: true,
  }),
  l2: num({
    key: 'l2',
    label: 'L2 weight decay λ',
    help: 'Adds λ‖w‖² on conv and dense weights (not biases): the gradient gains 2λw. The coursework used 1e-3.',
    group: 'regularization',
    default: 0,
    min: 0,
    max: 0.1,
    step: 0.0001,
  }),
  dropout: num({
    key: 'drop',
    label: 'Dropout rate',
    help: 'Fraction of units dropped (training only) in front of every dense layer that reads learned features.',
    group: 'regularization',
    default: 0,
    min: 0,
    max: 0.9,
    step: 0.05,
  }),
  randomErasing: num({
    key: 'erase',
    label: 'Random erasing p',
    help: 'With probability p, a random rectangle of a training image (area and aspect ranges under advanced) is filled with noise.',
    group: 'regularization',
    default: 0,
    min: 0,
    max: 1,
    step: 0.05,
  }),
  erasingAreaMin: num({
    key: 'eamin',
    requires: [erasingOn, areaInOrder],
    detail: true,
    label: 'Erased area, min',
    help: 'Smallest erased rectangle, as a fraction of the image (0.02 in Zhong et al.).',
    group: 'regularization',
    default: 0.02,
    min: 0.001,
    max: 1,
    step: 0.01,
  }),
  erasingAreaMax: num({
    key: 'eamax',
    requires: [erasingOn, areaInOrder],
    detail: true,
    label: 'Erased area, max',
    help: 'Largest erased rectangle, as a fraction of the image (0.33 in Zhong et al.).',
    group: 'regularization',
    default: 0.33,
    min: 0.001,
    max: 1,
    step: 0.01,
  }),
  erasingAspectMin: num({
    key: 'earmin',
    requires: [erasingOn, aspectInOrder],
    detail: true,
    label: 'Erased aspect, min',
    help: 'Smallest height/width ratio of the erased rectangle (0.3 in Zhong et al.).',
    group: 'regularization',
    default: 0.3,
    min: 0.05,
    max: 20,
    step: 0.1,
  }),
  erasingAspectMax: num({
    key: 'earmax',
    requires: [erasingOn, aspectInOrder],
    detail: true,
    label: 'Erased aspect, max',
    help: 'Largest height/width ratio of the erased rectangle (3.3 in Zhong et al.).',
    group: 'regularization',
    default: 3.3,
    min: 0.05,
    max: 20,
    step: 0.1,
  }),
  shift: int({
    key: 'shift',
    label: 'Random shift (pixels)',
    help: 'Training images are translated by up to this many pixels in x and y.',
    group: 'regularization',
    default: 0,
    min: 0,
    max: 8,
    step: 1,
  }),
  clipNorm: num({
    key: 'clip',
    label: 'Gradient clipping (global norm)',
    help: 'Rescales the gradient whenever its global L2 norm exceeds this value (0 = off).',
    group: 'regularization',
    default: 0,
    min: 0,
    max: 1000,
    step: 0.5,
    advanced: true,
  }),
  patience: int({
    key: 'pat',
    requires: [validationOn],
    label: 'Early-stopping patience',
    help: 'Stop after this many epochs without a lower validation loss (0 = off).',
    group: 'regularization',
    default: 0,
    min: 0,
    max: 100,
    step: 1,
  }),
  restoreBest: flag({
    key: 'restore',
    requires: [rule((s): boolean => s.patience !== 0, 'Only used when early stopping is on (patience above 0).'), validationOn],
    detail: true,
    label: 'Restore best weights',
    help: 'When early stopping is on, the run ends with the weights of the epoch with the lowest validation loss.',
    group: 'regularization',
    default: true,
  }),
  backend: choice({
    key: 'be',
    label: 'Compute backend',
    help: 'auto times a few training steps of this model and batch size on each backend here (WASM on one and on every core, WebGL) and picks the fastest.',
    group: 'system',
    default: 'auto',
    options: [
      { value: 'auto', label: 'Auto (fastest here)' },
      { value: 'webgl', label: 'WebGL (GPU)' },
      { value: 'wasm', label: 'WASM (CPU, SIMD)' },
      { value: 'cpu', label: 'Plain JS (slow)' },
    ],
  }),
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;

/** The ids of an enum setting: its options' values, in the schema's order (one source: the options). */
type IdsOf<S> = S extends EnumSpec<infer V> ? V : never;
const idsOf = <V extends string>(spec: EnumSpec<V>): readonly V[] => spec.options.map((o) => o.value);

export type DatasetId = IdsOf<typeof SETTINGS.dataset>;
export const DATASETS = idsOf(SETTINGS.dataset);
export type OptimizerId = IdsOf<typeof SETTINGS.optimizer>;
export const OPTIMIZERS = idsOf(SETTINGS.optimizer);
export type ModelId = IdsOf<typeof SETTINGS.model>;
export const MODELS = idsOf(SETTINGS.model);
export type ActivationId = IdsOf<typeof SETTINGS.activation>;
export const ACTIVATIONS = idsOf(SETTINGS.activation);
export type InitializerId = IdsOf<typeof SETTINGS.initializer>;
export const INITIALIZERS = idsOf(SETTINGS.initializer);
export type LrScheduleId = IdsOf<typeof SETTINGS.lrSchedule>;
export const LR_SCHEDULES = idsOf(SETTINGS.lrSchedule);
export type NegativeMode = IdsOf<typeof SETTINGS.negatives>;
export const NEGATIVE_MODES = idsOf(SETTINGS.negatives);
export type NormalizationId = IdsOf<typeof SETTINGS.normalization>;
export const NORMALIZATIONS = idsOf(SETTINGS.normalization);
export type BackendChoice = IdsOf<typeof SETTINGS.backend>;
export const BACKEND_CHOICES = idsOf(SETTINGS.backend);
export type BackendName = Exclude<BackendChoice, 'auto'>;
type ValueOf<S> = S extends EnumSpec<infer V> ? V : S extends NumberSpec ? number : S extends BooleanSpec ? boolean : never;
type SettingValues = { readonly [K in SettingName]: ValueOf<(typeof SETTINGS)[K]> };
/**
 * A complete, validated experiment configuration. An interface, not an alias: the schema's own
 * `requires` rules take it as their parameter, and only an interface is resolved lazily enough for that.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the interface is the point (see above)
export interface Settings extends SettingValues {}

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

export const DEFAULT_SETTINGS: Settings = Object.fromEntries(
  SETTING_NAMES.map((name) => [name, SETTINGS[name].default]),
) as unknown as Settings;

/** URL format version, written as `v=`. Bump when a key's meaning changes. */
export const URL_VERSION = 1;
const VERSION_KEY = 'v';
/** Longest raw value read from a URL; anything longer is rejected unread. */
const MAX_RAW_LENGTH = 64;

export interface Rejection {
  /** The URL key as given (truncated for display). */
  readonly key: string;
  /** Plain-text reason. Never rendered as HTML. */
  readonly reason: string;
}

export type CoerceResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Validates one raw (string) value against its spec. Never throws. */
export function coerce(spec: SettingSpec, raw: string): CoerceResult<number | string | boolean> {
  if (raw.length > MAX_RAW_LENGTH) return { ok: false, reason: `value longer than ${MAX_RAW_LENGTH} characters` };
  switch (spec.kind) {
    case 'number': {
      // One parser for the URL and the fields (numberInput.ts): plain decimals, a decimal comma, no hex.
      const result = parseNumberInput(spec, raw);
      if (result.kind === 'ok') return { ok: true, value: result.value };
      return { ok: false, reason: result.kind === 'incomplete' ? `"${short(raw)}" is not a number` : result.reason };
    }
    case 'enum': {
      const option = spec.options.find((o) => o.value === raw);
      if (!option) return { ok: false, reason: `"${short(raw)}" is not one of ${spec.options.map((o) => o.value).join(', ')}` };
      return { ok: true, value: option.value };
    }
    case 'boolean': {
      if (raw === '1' || raw === 'true') return { ok: true, value: true };
      if (raw === '0' || raw === 'false') return { ok: true, value: false };
      return { ok: false, reason: `"${short(raw)}" is not 0/1` };
    }
    default:
      return assertNever(spec);
  }
}

export interface ParsedSettings {
  readonly settings: Settings;
  readonly rejected: readonly Rejection[];
}

const BY_KEY = new Map<string, SettingName>(SETTING_NAMES.map((name) => [SETTINGS[name].key, name]));

/**
 * Reads settings from a URL query string (`?ds=mnist&lr=0.01`). Never throws: valid parts are applied,
 * every rejected part is reported, defaults fill the rest.
 */
export function parseSettings(query: string, base: Settings = DEFAULT_SETTINGS): ParsedSettings {
  const params = new URLSearchParams(query.length > 4096 ? '' : query);
  const rejected: Rejection[] = [];
  if (query.length > 4096) rejected.push({ key: '(address)', reason: 'the settings part of the address is too long; defaults used' });
  const out: Record<string, unknown> = { ...base };
  const seen = new Set<string>();
  for (const [key, raw] of params) {
    if (key === VERSION_KEY) {
      if (raw !== String(URL_VERSION))
        rejected.push({ key, reason: `unknown settings version "${short(raw)}"; read as version ${URL_VERSION}` });
      continue;
    }
    const name = BY_KEY.get(key);
    if (!name) {
      rejected.push({ key: short(key), reason: 'unknown setting' });
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    const given = params.getAll(key);
    if (given.length > 1) {
      // The first valid value is used, and the notice says which one (`?lr=0.1&lr=0.5` → 0.1).
      const results = given.map((g) => coerce(SETTINGS[name], g));
      const used = results.findIndex((r) => r.ok);
      const usedResult = results[used];
      if (usedResult?.ok) out[name] = usedResult.value;
      const shown =
        given
          .slice(0, 5)
          .map((g) => `"${short(g)}"`)
          .join(', ') + (given.length > 5 ? ', …' : '');
      const value = usedResult?.ok ? String(usedResult.value) : `the default ${String(SETTINGS[name].default)}`;
      rejected.push({ key, reason: `${SETTINGS[name].label}: given ${given.length} times (${shown}); using ${value}` });
      continue;
    }
    const result = coerce(SETTINGS[name], raw);
    if (result.ok) out[name] = result.value;
    else rejected.push({ key, reason: `${SETTINGS[name].label}: ${result.reason}; default kept` });
  }
  return { settings: out as Settings, rejected };
}

/** Writes settings as a query string: version first, then non-default values in schema order. */
export function serializeSettings(settings: Settings): string {
  const params = new URLSearchParams();
  params.set(VERSION_KEY, String(URL_VERSION));
  for (const name of SETTING_NAMES) {
    const value = settings[name];
    if (value === SETTINGS[name].default) continue;
    params.set(SETTINGS[name].key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  return params.toString();
}

/** Replaces one setting, validating it; returns the old object when the value is rejected. */
export function withSetting<K extends SettingName>(settings: Settings, name: K, value: Settings[K]): Settings {
  const result = coerce(SETTINGS[name], String(value));
  return result.ok ? { ...settings, [name]: result.value } : settings;
}

function short(s: string): string {
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}

/**
 * Why a setting has no effect under the other settings (shown next to its disabled control), or null
 * when it applies: the reason of the first of its entry's `requires` that does not hold. Keeps
 * "settings that make no sense together" explained rather than silently ignored: the core ignores
 * exactly the settings for which this returns a reason.
 */
export function inapplicableReason(name: SettingName, settings: Settings): string | null {
  const spec: SettingSpec = SETTINGS[name];
  return spec.requires?.find((r) => !r.when(settings))?.reason ?? null;
}
