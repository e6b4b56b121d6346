/**
 * One-click reproductions of the experiments in the course material (shared/SEEDS.md). A preset is a
 * partial `Settings` applied over the defaults; a comparison preset has several variants, each its own
 * shareable URL. Sizes are kept small enough for a browser (a few minutes at most on WASM); the
 * explanation says what to look for and what the published numbers were. Framework-free; every
 * variant is checked against the schema in presets.test.ts.
 */
import { DEFAULT_SETTINGS, serializeSettings, type Settings } from './settings';

export interface PresetVariant {
  /** Stable id, unique inside its preset. */
  readonly id: string;
  /** Short label of what differs (shown on the button and in the compare legend). */
  readonly label: string;
  readonly settings: Partial<Settings>;
}

export interface Preset {
  readonly id: string;
  readonly title: string;
  /** One paragraph: what the experiment shows and what to look for. Plain text. */
  readonly explanation: string;
  /** One variant for a single experiment; several for a comparison (run them all, then compare). */
  readonly variants: readonly PresetVariant[];
}

/** Common to the LeNet-5 MNIST presets: the homework's best SGD setting on a subset. */
const LENET_MNIST: Partial<Settings> = { dataset: 'mnist', model: 'lenet5', batchSize: 128, learningRate: 0.01, optimizer: 'momentum', momentum: 0.9 };

export const PRESETS: readonly Preset[] = [
  {
    id: 'negatives',
    title: 'Negative images',
    explanation:
      'A LeNet-5 trained on ordinary MNIST digits is tested on their negatives (1 − x). Look at "test on negatives" in the accuracy chart: the course measured about 0.33 (0.24–0.38 over 5 trials) against 0.99 on positives — the network learned dark-on-light strokes, not shapes. Training on positives and negatives closes the gap (0.99 on both), and |I − mean(I)| preprocessing makes both test sets identical by construction.',
    variants: [
      { id: 'test-negative', label: 'train positives', settings: { ...LENET_MNIST, negatives: 'test-negative', epochs: 3 } },
      { id: 'train-both', label: 'train both', settings: { ...LENET_MNIST, negatives: 'train-both', epochs: 3 } },
      { id: 'abs-mean', label: '|I − mean(I)|', settings: { ...LENET_MNIST, negatives: 'abs-mean', epochs: 3 } },
    ],
  },
  {
    id: 'label-noise',
    title: 'Label noise ε = 0 → 0.8',
    explanation:
      'Each training label is replaced by one of the other nine classes with probability ε; validation and test labels stay clean. Watch the training accuracy fall roughly to 1 − ε while the test accuracy stays high up to ε = 0.6 — the noise is symmetric, so the right class still wins on average — and collapse at ε = 0.8, where a wrong class is as likely as the right one. The label-noise matrix shows the realised noise. Repeat a variant to see the spread across trials grow with ε.',
    variants: [0, 0.2, 0.4, 0.6, 0.8].map((eps) => ({
      id: `eps-${eps}`,
      label: `ε = ${eps}`,
      settings: { ...LENET_MNIST, labelNoise: eps, trainSubset: 10000, epochs: 5 },
    })),
  },
  {
    id: 'optimizers',
    title: 'SGD vs momentum vs Adam',
    explanation:
      'The same LeNet-5 with three update rules. Plain SGD at lr 0.01 creeps; momentum ρ = 0.9 reaches the homework\'s best result (0.9899 after full training); Adam at its usual lr 0.001 converges fastest and smoothest in the first epoch. Compare the training-loss curves of the three runs on one chart.',
    variants: [
      { id: 'sgd', label: 'SGD', settings: { ...LENET_MNIST, optimizer: 'sgd', trainSubset: 10000, epochs: 3 } },
      { id: 'momentum', label: 'momentum 0.9', settings: { ...LENET_MNIST, optimizer: 'momentum', trainSubset: 10000, epochs: 3 } },
      { id: 'adam', label: 'Adam', settings: { ...LENET_MNIST, optimizer: 'adam', learningRate: 0.001, trainSubset: 10000, epochs: 3 } },
    ],
  },
  {
    id: 'init',
    title: 'Initialisation: σ = 0.01 vs σ = 0.1 (plain SGD)',
    explanation:
      'Weights drawn from a normal distribution with a tiny σ = 0.01 shrink the signal at every layer, so with plain SGD the gradients vanish and the network stays at chance (the course measured 0.098). With σ = 0.1 the same network trains. Look at the flat training loss near 2.30 (= ln 10) of the first run.',
    variants: [
      { id: 'std-0.01', label: 'σ = 0.01', settings: { ...LENET_MNIST, optimizer: 'sgd', initializer: 'random-normal', initScale: 0.01, trainSubset: 10000, epochs: 3 } },
      { id: 'std-0.1', label: 'σ = 0.1', settings: { ...LENET_MNIST, optimizer: 'sgd', initializer: 'random-normal', initScale: 0.1, trainSubset: 10000, epochs: 3 } },
    ],
  },
  {
    id: 'activations',
    title: 'Activation functions',
    explanation:
      'The same LeNet-5 with different nonlinearities. Sigmoid saturates and its gradient is at most 0.25, so it learns slowest (and may not start at all with plain SGD); tanh is zero-centred and does better; ReLU, Leaky ReLU and ELU train fastest. Compare the first-epoch training loss.',
    variants: (['relu', 'leaky-relu', 'elu', 'tanh', 'sigmoid'] as const).map((act) => ({
      id: act,
      label: act,
      settings: { ...LENET_MNIST, activation: act, trainSubset: 10000, epochs: 3 },
    })),
  },
  {
    id: 'cnn-vs-mlp',
    title: 'CNN vs MLP',
    explanation:
      'LeNet-5 (about 62k parameters, weights shared over the image) against an MLP 300-100 (about 266k parameters, every pixel its own weight). Compare test accuracy and examples per second: the MLP is faster per example but ends lower and overfits sooner, because it has no notion that nearby pixels belong together.',
    variants: [
      { id: 'cnn', label: 'LeNet-5', settings: { ...LENET_MNIST, model: 'lenet5', trainSubset: 10000, epochs: 5 } },
      { id: 'mlp', label: 'MLP 300-100', settings: { ...LENET_MNIST, model: 'mlp', trainSubset: 10000, epochs: 5 } },
    ],
  },
  {
    id: 'depth',
    title: 'Deep plain net vs batch norm vs residual',
    explanation:
      'A stack of 20 3×3 conv blocks. Without help the plain stack does not train (the loss stays near ln 10: vanishing gradients); batch normalisation or residual connections fix it, and both together train best — the coursework saw 0.46 / 0.57 / 0.62 on CIFAR-100 with 38 layers. Small subset: this model is slow in a browser.',
    variants: [
      { id: 'plain', label: 'plain', settings: { model: 'deep', depth: 20, batchNorm: false, residual: false, optimizer: 'momentum', learningRate: 0.01, batchSize: 64, trainSubset: 3000, epochs: 3 } },
      { id: 'bn', label: 'batch norm', settings: { model: 'deep', depth: 20, batchNorm: true, residual: false, optimizer: 'momentum', learningRate: 0.01, batchSize: 64, trainSubset: 3000, epochs: 3 } },
      { id: 'res', label: 'residual', settings: { model: 'deep', depth: 20, batchNorm: false, residual: true, optimizer: 'momentum', learningRate: 0.01, batchSize: 64, trainSubset: 3000, epochs: 3 } },
      { id: 'bn-res', label: 'BN + residual', settings: { model: 'deep', depth: 20, batchNorm: true, residual: true, optimizer: 'momentum', learningRate: 0.01, batchSize: 64, trainSubset: 3000, epochs: 3 } },
    ],
  },
];

/** The complete settings of a variant: its partial settings over the defaults. */
export function presetSettings(variant: PresetVariant, base: Settings = DEFAULT_SETTINGS): Settings {
  return { ...base, ...variant.settings } as Settings;
}

/** The query string (`v=1&…`) that opens this variant. */
export function presetQuery(variant: PresetVariant): string {
  return serializeSettings(presetSettings(variant));
}
