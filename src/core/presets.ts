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
  /** What the course material reported for this variant (shared/SEEDS.md), as published; absent: nothing. */
  readonly homework?: string;
}

export interface Preset {
  readonly id: string;
  readonly title: string;
  /**
   * One paragraph: what the experiment shows and what to look for. Plain text. States only what
   * `npm run experiments` measured with these very settings (EXPERIMENTS.md, presetResults.ts).
   */
  readonly explanation: string;
  /** What the course material reported for the experiment as a whole (shared/SEEDS.md). */
  readonly homework: string;
  /** One variant for a single experiment; several for a comparison (run them all, then compare). */
  readonly variants: readonly PresetVariant[];
}

/**
 * Common to the LeNet-5 MNIST presets: the homework's best SGD setting (lr 0.01, momentum 0.9, batch
 * 128) on a 2,000-image subset, without a validation split (the test curve is drawn every epoch).
 */
const LENET_MNIST: Partial<Settings> = {
  dataset: 'mnist',
  model: 'lenet5',
  batchSize: 128,
  learningRate: 0.01,
  optimizer: 'momentum',
  momentum: 0.9,
  trainSubset: 2000,
  validationSize: 0,
};
/** Plain SGD with the same rate and batch (the initialisation experiment of the homework). */
const LENET_SGD: Partial<Settings> = { ...LENET_MNIST, optimizer: 'sgd' };
/** The comparisons' short run: 2,000 images at batch 32 (63 steps an epoch). */
const SHORT: Partial<Settings> = { trainSubset: 2000, batchSize: 32 };

export const PRESETS: readonly Preset[] = [
  {
    id: 'negatives',
    title: 'Negative images',
    explanation:
      'A LeNet-5 trained on ordinary digits (white strokes on black) is also tested on their negatives (1 − x). Trained on positives only it scores near or below chance on negatives: it learned where bright pixels are, not shapes. Measured over three seeds: 0.03 with [0, 1] inputs and 0.09 with standardised inputs, barely moving over the 3 epochs; the course measured 0.33 (0.24–0.38) after longer training on all 60,000 images. Training on positives and negatives closes the gap, and |I − mean(I)| makes an image and its negative identical, so both test sets score the same by construction.',
    homework:
      'Trained on positives only: 0.9899 on positives, 0.3294 ± 0.05 on negatives (5 trials: 0.24–0.38). Trained on both: 0.9899 / 0.9903. |I − mean(I)|: 0.9887 on both.',
    variants: [
      {
        id: 'test-negative',
        label: 'train positives',
        homework: 'positives 0.9899, negatives 0.3294 ± 0.05',
        settings: { ...LENET_MNIST, trainSubset: 2000, batchSize: 32, negatives: 'test-negative', epochs: 3 },
      },
      {
        id: 'train-both',
        label: 'train both',
        homework: 'positives 0.9899, negatives 0.9903',
        settings: { ...LENET_MNIST, trainSubset: 2000, batchSize: 32, negatives: 'train-both', epochs: 3 },
      },
      {
        id: 'abs-mean',
        label: '|I − mean(I)|',
        homework: 'positives 0.9887, negatives 0.9887',
        settings: { ...LENET_MNIST, trainSubset: 2000, batchSize: 32, negatives: 'abs-mean', epochs: 3 },
      },
      {
        id: 'test-negative-std',
        label: 'train positives, standardised inputs',
        settings: { ...LENET_MNIST, trainSubset: 2000, batchSize: 32, negatives: 'test-negative', normalization: 'standardize', epochs: 3 },
      },
    ],
  },
  {
    id: 'label-noise',
    title: 'Label noise ε = 0 → 0.8',
    explanation:
      "Each training label is replaced by one of the other nine classes with probability ε; validation and test labels stay clean, and the label-noise matrix shows the realised noise. With symmetric noise the right class stays the most frequent label (at ε = 0.8: 0.2 against 0.089 for each other class), but what separates the right class from a wrong one shrinks from 1 to (1 − ε) − ε/9 — to a ninth at ε = 0.8 — and a small training set (2,000 images, 8 epochs, no early stopping) lets the network fit the wrong labels too. Measured: the training accuracy follows 1 − ε and the test accuracy falls step by step with ε, down to about half at ε = 0.8. The course's curve — test accuracy still high at ε = 0.6 and a collapse only at 0.8 — did not appear in any setting tried here that a browser trains in minutes (see the report).",
    homework:
      'Training accuracy drops with ε; test accuracy stays high for ε = 0.2, 0.4, 0.6 and collapses at ε = 0.8; the spread across trials grows with ε. The noisy-vs-clean matrix has ≈ 1 − ε on its diagonal.',
    variants: [0, 0.2, 0.4, 0.6, 0.8].map((eps) => ({
      id: `eps-${eps}`,
      label: `ε = ${eps}`,
      settings: { ...LENET_MNIST, labelNoise: eps, trainSubset: 2000, batchSize: 32, epochs: 8 },
    })),
  },
  {
    id: 'optimizers',
    title: 'SGD vs momentum vs Adam',
    explanation:
      'The same LeNet-5 with four update rules for 2 epochs on 2,000 images (126 steps of batch 32). Plain SGD at lr 0.01 creeps; momentum 0.9, RMSprop and Adam (lr 0.001) reach a much higher accuracy in the same steps. Compare the training-loss curves on one chart.',
    homework:
      'Adam and RMSprop (Keras defaults) converge faster and smoother than plain SGD; SGD with momentum 0.9 gave the best final result (0.9899).',
    variants: [
      { id: 'sgd', label: 'SGD', settings: { ...LENET_MNIST, ...SHORT, optimizer: 'sgd', epochs: 2 } },
      { id: 'momentum', label: 'momentum 0.9', settings: { ...LENET_MNIST, ...SHORT, optimizer: 'momentum', epochs: 2 } },
      { id: 'rmsprop', label: 'RMSprop', settings: { ...LENET_MNIST, ...SHORT, optimizer: 'rmsprop', learningRate: 0.001, epochs: 2 } },
      { id: 'adam', label: 'Adam', settings: { ...LENET_MNIST, ...SHORT, optimizer: 'adam', learningRate: 0.001, epochs: 2 } },
    ],
  },
  {
    id: 'init',
    title: 'Initialisation: σ = 0.01 vs 0.1 vs 1, Glorot vs He (plain SGD)',
    explanation:
      "Plain SGD on LeNet-5 (2 epochs, 2,000 images, batch 32) from different starting weights. With σ = 0.01 the signal shrinks at every layer, the gradients vanish and the network stays at chance with the training loss flat at ln 10 ≈ 2.30. σ = 0.1 trains, slowly. σ = 1 did not train here: the activations grow at every ReLU layer and the first steps overshoot (the course found it trains). Glorot and He initialisation scale σ to each layer's fan-in; He, made for ReLU, learned fastest.",
    homework:
      'Plain SGD: init std 0.01 fails to train (accuracy 0.098); std 0.1 and 1 both train. Glorot normal gives a better first epoch than Glorot uniform. Theory: Glorot suits tanh, He suits ReLU.',
    variants: [
      {
        id: 'std-0.01',
        label: 'σ = 0.01',
        homework: '0.098 (does not train)',
        settings: { ...LENET_SGD, ...SHORT, initializer: 'random-normal', initScale: 0.01, epochs: 2 },
      },
      {
        id: 'std-0.1',
        label: 'σ = 0.1',
        homework: 'trains',
        settings: { ...LENET_SGD, ...SHORT, initializer: 'random-normal', initScale: 0.1, epochs: 2 },
      },
      {
        id: 'std-1',
        label: 'σ = 1',
        homework: 'trains',
        settings: { ...LENET_SGD, ...SHORT, initializer: 'random-normal', initScale: 1, epochs: 2 },
      },
      { id: 'glorot-uniform', label: 'Glorot uniform', settings: { ...LENET_SGD, ...SHORT, initializer: 'glorot-uniform', epochs: 2 } },
      {
        id: 'glorot-normal',
        label: 'Glorot normal',
        homework: 'better first epoch than uniform',
        settings: { ...LENET_SGD, ...SHORT, initializer: 'glorot-normal', epochs: 2 },
      },
      { id: 'he-normal', label: 'He normal', settings: { ...LENET_SGD, ...SHORT, initializer: 'he-normal', epochs: 2 } },
    ],
  },
  {
    id: 'activations',
    title: 'Activation functions',
    explanation:
      'The same LeNet-5 with different nonlinearities (2 epochs on 2,000 images, SGD + momentum). Sigmoid saturates and passes at most a quarter of the gradient through each layer: it stayed at chance in these steps. tanh, ReLU, Leaky ReLU and ELU all trained to similar accuracy. Compare the first-epoch test accuracy.',
    homework:
      'Lecture: sigmoid and tanh saturate and kill gradients; ReLU is the default for conv layers; Leaky ReLU and ELU keep a gradient for negative inputs (no numbers published).',
    variants: (['relu', 'leaky-relu', 'elu', 'tanh', 'sigmoid'] as const).map((act) => ({
      id: act,
      label: act,
      settings: { ...LENET_MNIST, ...SHORT, activation: act, epochs: 2 },
    })),
  },
  {
    id: 'cnn-vs-mlp',
    title: 'CNN vs MLP',
    explanation:
      'LeNet-5 (about 62k weights shared over the image) against an MLP 300-100 (about 266k weights, every pixel its own), 3 epochs on 2,000 images. Compare test accuracy and training examples per second in the table.',
    homework: 'One report compares LeNet-5 with an MLP for speed and accuracy (LeNet-5: 0.9899 on all of MNIST).',
    variants: [
      { id: 'cnn', label: 'LeNet-5', settings: { ...LENET_MNIST, ...SHORT, model: 'lenet5', epochs: 3 } },
      { id: 'mlp', label: 'MLP 300-100', settings: { ...LENET_MNIST, ...SHORT, model: 'mlp', epochs: 3 } },
    ],
  },
  {
    id: 'depth',
    title: 'Deep plain net vs batch norm vs residual',
    explanation:
      "A stack of 20 3×3 conv blocks (8/16/32 maps, width 0.5), 3 epochs on 2,000 images, SGD + momentum at lr 0.01 with the gradient clipped to a global norm of 1. The plain stack stays at chance with the loss at ln 10: with Glorot initialisation and ReLU each block halves the signal's variance, so after 20 blocks almost nothing reaches the output and almost no gradient reaches the first layers. Batch norm rescales every block's output and residual connections carry the signal around each block: both learn. Without batch norm the residual sums grow with depth, so the residual net diverges at lr 0.01 in its first steps unless the gradient is clipped — why every variant here is clipped.",
    homework:
      'Coursework (CIFAR-100, 38-layer VGG-style net): the plain net does not train; batch norm, residual connections or both fix it (validation 0.46 / 0.57 / 0.62; a shallow net 0.48).',
    variants: [
      {
        id: 'plain',
        label: 'plain',
        homework: 'does not train',
        settings: {
          model: 'deep',
          depth: 20,
          batchNorm: false,
          residual: false,
          optimizer: 'momentum',
          learningRate: 0.01,
          clipNorm: 1,
          widthMultiplier: 0.5,
          batchSize: 32,
          trainSubset: 2000,
          validationSize: 0,
          epochs: 3,
        },
      },
      {
        id: 'bn',
        label: 'batch norm',
        homework: '0.46',
        settings: {
          model: 'deep',
          depth: 20,
          batchNorm: true,
          residual: false,
          optimizer: 'momentum',
          learningRate: 0.01,
          clipNorm: 1,
          widthMultiplier: 0.5,
          batchSize: 32,
          trainSubset: 2000,
          validationSize: 0,
          epochs: 3,
        },
      },
      {
        id: 'res',
        label: 'residual',
        homework: '0.57',
        settings: {
          model: 'deep',
          depth: 20,
          batchNorm: false,
          residual: true,
          optimizer: 'momentum',
          learningRate: 0.01,
          clipNorm: 1,
          widthMultiplier: 0.5,
          batchSize: 32,
          trainSubset: 2000,
          validationSize: 0,
          epochs: 3,
        },
      },
      {
        id: 'bn-res',
        label: 'BN + residual',
        homework: '0.62',
        settings: {
          model: 'deep',
          depth: 20,
          batchNorm: true,
          residual: true,
          optimizer: 'momentum',
          learningRate: 0.01,
          clipNorm: 1,
          widthMultiplier: 0.5,
          batchSize: 32,
          trainSubset: 2000,
          validationSize: 0,
          epochs: 3,
        },
      },
    ],
  },
  {
    id: 'bn-short',
    title: 'Batch norm in a short run',
    explanation:
      "LeNet-5 for one epoch of 150 steps (4,800 images, batch 32), without and with batch norm. Batch norm normalises each batch with its own statistics while training and uses moving averages of them at test time. With momentum 0.9 (PyTorch's 0.1, the app's default) the averages keep up with the weights: the test accuracy is as high as the training accuracy. With Keras's 0.99 the averages still hold 0.99^150 ≈ 22 % of their starting values (mean 0, variance 1) after 150 steps: the same network (same training: the averages are not used while training) scored 0.59, 0.80 and 0.85 on the test set over three seeds against 0.92 on its training batches, where momentum 0.9 gave 0.94–0.96.",
    homework:
      'Lecture: batch norm goes before the nonlinearity and uses moving averages of the batch statistics at test time (no number published).',
    variants: [
      { id: 'no-bn', label: 'no batch norm', settings: { ...LENET_MNIST, batchSize: 32, trainSubset: 4800, epochs: 1 } },
      {
        id: 'bn',
        label: 'batch norm (momentum 0.9)',
        settings: { ...LENET_MNIST, batchSize: 32, trainSubset: 4800, epochs: 1, batchNorm: true },
      },
      {
        id: 'bn-keras',
        label: 'batch norm, Keras momentum 0.99',
        settings: { ...LENET_MNIST, batchSize: 32, trainSubset: 4800, epochs: 1, batchNorm: true, batchNormMomentum: 0.99 },
      },
    ],
  },
  {
    id: 'sgd-table',
    title: 'SGD: learning rate, momentum, batch size (homework table)',
    explanation:
      "The homework's table of plain SGD and momentum settings, each trained for 2 epochs on 5,000 images (the homework trained to convergence on all 60,000). So every accuracy here is lower than the homework's; what carries over is the order: in the same number of epochs a rate of 0.01 beats 0.001, and momentum 0.5 and 0.9 go further still. Smaller batches take more steps per epoch.",
    homework:
      'LeNet-5 on all of MNIST, trained to convergence, mean of 5 trials; best 0.9899 ± 0.0006 (lr 0.01, momentum 0.9, batch 128, decay 1e-4).',
    variants: [
      {
        id: 'lr0.001-b128-m0',
        label: 'lr 0.001, batch 128, no momentum',
        homework: '0.9787',
        settings: { ...LENET_SGD, learningRate: 0.001, trainSubset: 5000, epochs: 2 },
      },
      {
        id: 'lr0.01-b128-m0',
        label: 'lr 0.01, batch 128, no momentum',
        homework: '0.9841',
        settings: { ...LENET_SGD, trainSubset: 5000, epochs: 2 },
      },
      {
        id: 'lr0.01-b128-m0.5',
        label: 'lr 0.01, batch 128, momentum 0.5',
        homework: '0.9869',
        settings: { ...LENET_MNIST, momentum: 0.5, trainSubset: 5000, epochs: 2 },
      },
      {
        id: 'lr0.01-b128-m0.9',
        label: 'lr 0.01, batch 128, momentum 0.9',
        homework: '0.9899',
        settings: { ...LENET_MNIST, trainSubset: 5000, epochs: 2 },
      },
      {
        id: 'lr0.01-b32-m0.9',
        label: 'lr 0.01, batch 32, momentum 0.9',
        homework: '0.9893',
        settings: { ...LENET_MNIST, batchSize: 32, trainSubset: 5000, epochs: 2 },
      },
      {
        id: 'lr0.01-b64-m0.9',
        label: 'lr 0.01, batch 64, momentum 0.9',
        homework: '0.9897',
        settings: { ...LENET_MNIST, batchSize: 64, trainSubset: 5000, epochs: 2 },
      },
    ],
  },
  {
    id: 'fashion',
    title: 'Fashion-MNIST and its confused pairs',
    explanation:
      "LeNet-5 on Fashion-MNIST (2 epochs, 4,000 images). Open the confusion matrix after the run: the classes that look alike — shirt, T-shirt, pullover, coat — take most of the mistakes. Well below the course's ≈ 0.90, which came from about 20 epochs on all 60,000 images.",
    homework: 'Fashion-MNIST ≈ 0.90 test accuracy (overfits after ~20 epochs); top confusions T-shirt ↔ shirt and shirt → coat.',
    variants: [
      {
        id: 'lenet',
        label: 'LeNet-5',
        homework: '≈ 0.90',
        settings: { ...LENET_MNIST, dataset: 'fashion', trainSubset: 4000, batchSize: 32, epochs: 2 },
      },
    ],
  },
  {
    id: 'regularization',
    title: 'Regularisation: L2, dropout, random erasing',
    explanation:
      "LeNet-5 on only 1,000 images for 6 epochs: no regularisation, L2 1e-3, dropout 0.5 before the dense layers, random erasing (p 0.5). Each regulariser makes the training set harder to fit (lower training accuracy; dropout 0.5 most, which also slowed learning so much that its test accuracy fell). L2 and random erasing ended a little above no regularisation on the test set, by less than the spread across seeds; the course's gains were on CIFAR-100 after long training.",
    homework:
      'Coursework (CIFAR-100): random erasing (p 0.5, area 0.02–0.33, aspect 0.3–3.3) and L2 (1e-3) improve generalisation; dropout 0.5 added nothing on top.',
    variants: [
      { id: 'none', label: 'none', settings: { ...LENET_MNIST, trainSubset: 1000, batchSize: 64, epochs: 6 } },
      {
        id: 'l2',
        label: 'L2 1e-3',
        homework: 'improves',
        settings: { ...LENET_MNIST, trainSubset: 1000, batchSize: 64, epochs: 6, l2: 0.001 },
      },
      {
        id: 'dropout',
        label: 'dropout 0.5',
        homework: 'no gain on top',
        settings: { ...LENET_MNIST, trainSubset: 1000, batchSize: 64, epochs: 6, dropout: 0.5 },
      },
      {
        id: 'erasing',
        label: 'random erasing p 0.5',
        homework: 'improves',
        settings: { ...LENET_MNIST, trainSubset: 1000, batchSize: 64, epochs: 6, randomErasing: 0.5 },
      },
    ],
  },
];

/** The complete settings of a variant: its partial settings over the defaults. */
export function presetSettings(variant: PresetVariant, base: Settings = DEFAULT_SETTINGS): Settings {
  return { ...base, ...variant.settings };
}

/** The query string (`v=1&…`) that opens this variant. */
export function presetQuery(variant: PresetVariant): string {
  return serializeSettings(presetSettings(variant));
}
