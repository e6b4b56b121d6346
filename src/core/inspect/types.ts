/**
 * What the network looks like inside, as the worker sends it to the UI: plain objects of small typed
 * arrays (transferred, not copied). Framework-free; shared by the core, the worker and the UI.
 */
import type { Binned } from './histogram';

/** Which inspections the UI shows right now; the worker computes nothing for the others. */
export interface InspectWants {
  /** Confusion matrix and top confused pairs, after each epoch's test evaluation. */
  readonly confusion: boolean;
  /** The most confident mistakes on the test set, after each epoch. */
  readonly misclassified: boolean;
  /** First-layer kernels, every snapshot (~2 s) while training. */
  readonly filters: boolean;
  /** Per-layer activation and weight histograms every snapshot, gradient norms every ~second. */
  readonly histograms: boolean;
  /** Feature maps of this image, every snapshot; null: none. */
  readonly featureMaps: FeatureSource | null;
  /** Re-predict the last drawn image at every snapshot, so its probabilities follow training. */
  readonly drawing: boolean;
}

export const NO_WANTS: InspectWants = {
  confusion: false,
  misclassified: false,
  filters: false,
  histograms: false,
  featureMaps: null,
  drawing: false,
};

/** A test image by its index in the test set, or the image drawn by the user. */
export type FeatureSource = { readonly kind: 'test'; readonly index: number } | { readonly kind: 'drawn' };

/** `count` images of height × width × channels bytes each (HWC, 0..255), one after another. */
export interface ImageBlock {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly pixels: Uint8Array;
}

/** Which layers the inspections read; names as in the model table. */
export interface Anatomy {
  /** The first conv layer, whose kernels are drawn as filters; null when the model has none (MLP). */
  readonly filterLayer: string | null;
  /** The first two conv layers whose activation maps are shown. */
  readonly featureLayers: readonly string[];
  /** Hidden weight layers, in depth order, whose (post-activation) outputs are histogrammed. */
  readonly activationLayers: readonly string[];
  /** Every layer with a kernel (conv / dense, output included), in depth order: weights and gradients. */
  readonly kernelLayers: readonly string[];
  /** Why there are no filters / feature maps, for the UI to say; null when there are. */
  readonly noConvReason: string | null;
}

/** One directed confusion: `count` test examples of class `truth` were predicted as `predicted`. */
export interface ConfusedPair {
  readonly truth: number;
  readonly predicted: number;
  readonly count: number;
  /** How many went the other way (`predicted` → `truth`). */
  readonly reverse: number;
}

export interface ConfusionReport {
  /** 1-based epoch whose test evaluation this is. */
  readonly epoch: number;
  readonly numClasses: number;
  /** numClasses × numClasses counts, row = true class, column = predicted class, row-major. */
  readonly matrix: Uint32Array;
  /** Test examples counted (the sum of `matrix`). */
  readonly total: number;
  /** Most frequent off-diagonal pairs, most frequent first. */
  readonly pairs: readonly ConfusedPair[];
  /** Test-set indices of a few examples of each pair, in the order of `pairs`. */
  readonly pairExamples: readonly (readonly number[])[];
  /** The images of `pairExamples`, flattened in the same order. */
  readonly thumbnails: ImageBlock;
}

/** The test examples of one (truth, prediction) cell, on request. */
export interface CellExamples {
  readonly epoch: number;
  readonly truth: number;
  readonly predicted: number;
  /** All examples in the cell (more than are sent when it is large). */
  readonly count: number;
  readonly indices: Uint32Array;
  readonly images: ImageBlock;
}

export interface MisclassifiedReport {
  readonly epoch: number;
  /** All wrong predictions on the test set. */
  readonly totalWrong: number;
  /** The shown examples, most confident mistake first. */
  readonly indices: Uint32Array;
  readonly truth: Uint8Array;
  readonly predicted: Uint8Array;
  /** Softmax probabilities, indices.length × numClasses. */
  readonly probabilities: Float32Array;
  readonly numClasses: number;
  readonly images: ImageBlock;
}

/** When a snapshot was taken. */
export interface SnapshotTime {
  /** Global training step (0 before the first). */
  readonly step: number;
  /** Fractional epoch. */
  readonly epoch: number;
}

/** The first conv layer's kernels, raw, in the tfjs layout [kh, kw, in, out]. */
export interface FilterSnapshot extends SnapshotTime {
  readonly layer: string;
  readonly shape: readonly [number, number, number, number];
  readonly weights: Float32Array;
  /** Biases, one per filter; empty when the layer has none. */
  readonly bias: Float32Array;
}

/**
 * Values of one layer binned into equal-width bins over [lo, hi] (shared by all layers of a snapshot);
 * `below` / `above` / `nan` count those binned (a sample for large layers).
 */
export interface LayerHistogram extends Binned {
  readonly layer: string;
  /** Moments of every value of the layer (not only the binned sample). */
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Share of values that are exactly 0 (dead ReLUs). */
  readonly zeros: number;
}

export interface HistogramSnapshot extends SnapshotTime {
  /** Post-activation outputs of the hidden layers on a fixed batch of test images. */
  readonly activations: readonly LayerHistogram[];
  /** Kernels (biases excluded). */
  readonly weights: readonly LayerHistogram[];
}

/** ‖∂loss/∂W‖₂ of each kernel (`Anatomy.kernelLayers` order), measured inside a training step. */
export interface GradientNormPoint extends SnapshotTime {
  readonly norms: Float32Array;
}

export interface FeatureMapLayer {
  readonly layer: string;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** height × width × channels activations (HWC). */
  readonly values: Float32Array;
}

export interface FeatureMaps extends SnapshotTime {
  readonly source: FeatureSource;
  /** The image as the user sees it (before normalisation). */
  readonly input: ImageBlock;
  /** Its true label for a test image; null for a drawn one. */
  readonly label: number | null;
  readonly probabilities: Float32Array;
  readonly layers: readonly FeatureMapLayer[];
}

/** The current model's answer for the drawn image. */
export interface Prediction extends SnapshotTime {
  readonly requestId: number;
  /** Softmax probabilities; null when there is no model to ask (with `message` saying why). */
  readonly probabilities: Float32Array | null;
  readonly message: string | null;
}

/** Worker → UI, inside a `{ type: 'inspect' }` message. */
export type InspectData =
  | { readonly kind: 'anatomy'; readonly anatomy: Anatomy; readonly classNames: readonly string[] }
  | { readonly kind: 'confusion'; readonly report: ConfusionReport }
  | { readonly kind: 'cell'; readonly cell: CellExamples }
  | { readonly kind: 'misclassified'; readonly report: MisclassifiedReport }
  | { readonly kind: 'filters'; readonly snapshot: FilterSnapshot }
  | { readonly kind: 'histograms'; readonly snapshot: HistogramSnapshot }
  | { readonly kind: 'gradients'; readonly layers: readonly string[]; readonly points: readonly GradientNormPoint[] }
  | { readonly kind: 'feature-maps'; readonly maps: FeatureMaps }
  | { readonly kind: 'feature-maps-unavailable'; readonly message: string }
  | { readonly kind: 'prediction'; readonly prediction: Prediction };

/** UI → worker, inside a `{ type: 'inspect' }` message. */
export type InspectRequest =
  | { readonly kind: 'wants'; readonly wants: InspectWants }
  | { readonly kind: 'cell'; readonly runId: number; readonly truth: number; readonly predicted: number }
  /** A 28×28 drawing, MNIST-style (ink = 255 on 0), to predict now and remember for later snapshots. */
  | { readonly kind: 'predict'; readonly requestId: number; readonly pixels: Uint8Array };
