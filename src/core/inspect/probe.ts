/**
 * Reading the inside of a tf.layers model for the inspection panels: which layers to look at, and
 * the tfjs side of each snapshot (first-layer kernels, activation / weight histograms, feature maps,
 * predictions). Every function does its device work in one tidy and one bulk read, and returns
 * fresh typed arrays the caller may transfer. Framework-free apart from tfjs; runs in Node tests.
 */
import * as tf from '@tensorflow/tfjs';
import { writeImage, type Preprocessing } from '../data/transforms';
import { createRng } from '../rng';
import { kernelVariables } from '../model';
import { histogram, valueRange } from './histogram';
import type { Anatomy, FeatureMapLayer, FilterSnapshot, HistogramSnapshot, LayerHistogram, SnapshotTime } from './types';

/** Layers that apply a nonlinearity on their own (after batch norm, or when not fusable). */
const ACTIVATION_CLASSES = new Set(['Activation', 'LeakyReLU', 'ScaledTanh', 'ReLU', 'ELU', 'Softmax']);
const WEIGHT_CLASSES = new Set(['Conv2D', 'Dense']);

/** Values binned per layer and snapshot: large layers are sampled down to this many (moments stay exact). */
export const HISTOGRAM_SAMPLE = 4096;
export const HISTOGRAM_BINS = 40;

interface Point {
  /** The weight layer this activation belongs to (its name labels the row). */
  readonly layer: string;
  /** Name of the symbolic tensor to fetch with `model.execute`. */
  readonly output: string;
}

/** What a model offers to the inspections, and how to fetch it. Build once per model. */
export interface ProbePlan {
  readonly anatomy: Anatomy;
  readonly filterLayer: tf.layers.Layer | null;
  readonly featurePoints: readonly Point[];
  readonly activationPoints: readonly Point[];
  readonly kernels: readonly { readonly layer: string; readonly variable: tf.Variable }[];
  readonly logitsOutput: string;
}

const outputName = (layer: tf.layers.Layer) => (layer.output as tf.SymbolicTensor).name;

/**
 * Finds, in layer order: each hidden conv / dense layer's activation output (its own output when the
 * activation is fused, else the next activation layer before the next weight layer), the first conv
 * layer (filters) and the first two conv activations (feature maps). 1×1 residual projections are
 * not activation points; the linear output layer is not either.
 */
export function planProbes(model: tf.LayersModel): ProbePlan {
  const points: Point[] = [];
  const convNames = new Set<string>();
  let current: tf.layers.Layer | null = null;
  let assigned = false;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (WEIGHT_CLASSES.has(cls)) {
      if (layer.name.endsWith('_proj')) continue;
      current = layer;
      assigned = false;
      if (cls === 'Conv2D') convNames.add(layer.name);
      const activation = layer.getConfig()['activation'];
      if (typeof activation === 'string' && activation !== 'linear') {
        points.push({ layer: layer.name, output: outputName(layer) });
        assigned = true;
      }
    } else if (ACTIVATION_CLASSES.has(cls) && current && !assigned) {
      points.push({ layer: current.name, output: outputName(layer) });
      assigned = true;
    }
  }
  const filterLayer = model.layers.find((l) => l.getClassName() === 'Conv2D' && !l.name.endsWith('_proj')) ?? null;
  const featurePoints = points.filter((p) => convNames.has(p.layer)).slice(0, 2);
  const kernels = kernelVariables(model);
  const anatomy: Anatomy = {
    filterLayer: filterLayer?.name ?? null,
    featureLayers: featurePoints.map((p) => p.layer),
    activationLayers: points.map((p) => p.layer),
    kernelLayers: kernels.map((k) => k.layer),
    noConvReason: filterLayer
      ? null
      : 'This model has no convolutional layers (the MLP sees the image as one flat vector), so there are no filters or feature maps to show.',
  };
  return { anatomy, filterLayer, featurePoints, activationPoints: points, kernels, logitsOutput: model.outputs[0]!.name };
}

/** The first conv layer's kernel and bias, copied (the variable's own buffer is never handed out). */
export async function readFilters(plan: ProbePlan, time: SnapshotTime): Promise<FilterSnapshot | null> {
  const layer = plan.filterLayer;
  if (!layer) return null;
  const [kernel, bias] = layer.getWeights();
  if (!kernel) return null;
  const [w, b] = await Promise.all([kernel.data(), bias ? bias.data() : Promise.resolve(new Float32Array(0))]);
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
  // slice(): on the CPU backend data() is the variable's storage, and the caller transfers the buffer.
  return {
    ...time,
    layer: layer.name,
    shape: [kh, kw, cin, cout],
    weights: Float32Array.from(w as Float32Array),
    bias: Float32Array.from(b as Float32Array),
  };
}

/** Fixed pseudo-random positions (seeded by the size) so a layer's sample is the same every snapshot. */
const sampleCache = new Map<number, Int32Array>();
function samplePositions(size: number): Int32Array {
  let s = sampleCache.get(size);
  if (!s) {
    const rng = createRng(size);
    s = Int32Array.from({ length: HISTOGRAM_SAMPLE }, () => Math.floor(rng() * size));
    sampleCache.set(size, s);
  }
  return s;
}

/** [mean, std, min, max, share of zeros] then up to HISTOGRAM_SAMPLE values, of one tensor. Inside a tidy. */
function summarise(t: tf.Tensor): { stats: tf.Tensor1D; sample: tf.Tensor1D } {
  const flat = tf.reshape<tf.Rank.R1>(t, [-1]);
  const { mean, variance } = tf.moments(flat);
  const zeros = tf.mean(tf.cast(tf.equal(flat, 0), 'float32'));
  const stats = tf.stack([mean, tf.sqrt(variance), tf.min(flat), tf.max(flat), zeros]) as tf.Tensor1D;
  const sample = flat.size > HISTOGRAM_SAMPLE ? tf.gather(flat, tf.tensor1d(samplePositions(flat.size), 'int32')) : flat;
  return { stats, sample };
}

/**
 * Histograms of the hidden layers' activations on the batch `x` and of every kernel, with one range
 * per kind shared by all layers and always including 0 (so a signal that shrinks with depth shows as
 * a narrowing bar).
 */
export async function layerHistograms(
  model: tf.LayersModel,
  plan: ProbePlan,
  x: tf.Tensor4D,
  time: SnapshotTime,
  bins = HISTOGRAM_BINS,
): Promise<HistogramSnapshot> {
  const names = plan.activationPoints.map((p) => p.output);
  const { flat, sizes } = tf.tidy(() => {
    const outs = names.length > 0 ? (model.execute(x, names) as tf.Tensor[]) : [];
    const parts = [...outs, ...plan.kernels.map((k) => k.variable)].map(summarise);
    return {
      flat: tf.concat([...parts.map((p) => p.stats), ...parts.map((p) => p.sample)]),
      sizes: parts.map((p) => p.sample.size),
    };
  });
  const values = await flat.data();
  flat.dispose();
  const layers = [...plan.activationPoints.map((p) => p.layer), ...plan.kernels.map((k) => k.layer)];
  const samples: Float32Array[] = [];
  let at = layers.length * 5;
  for (const size of sizes) {
    samples.push(values.subarray(at, at + size) as Float32Array);
    at += size;
  }
  const make = (from: number, to: number): LayerHistogram[] => {
    // 0 is always on the axis, so a layer whose values all sit near 0.5 (saturating sigmoid, tiny
    // spread) shows as the spike it is instead of being zoomed into a spread-out shape.
    const { lo, hi } = valueRange([...samples.slice(from, to), [0]]);
    return layers.slice(from, to).map((layer, j) => {
      const i = from + j;
      const h = histogram(samples[i]!, lo, hi, bins);
      const s = values.subarray(i * 5, i * 5 + 5);
      return {
        layer,
        counts: h.counts,
        lo,
        hi,
        below: h.below,
        above: h.above,
        nan: h.nan,
        mean: s[0]!,
        std: s[1]!,
        min: s[2]!,
        max: s[3]!,
        zeros: s[4]!,
      };
    });
  };
  const a = plan.activationPoints.length;
  return { ...time, activations: make(0, a), weights: make(a, layers.length) };
}

/**
 * Activation maps of the feature layers and the softmax probabilities, for the images in `x`
 * (one image: the maps are that image's).
 */
export async function featureMaps(
  model: tf.LayersModel,
  plan: ProbePlan,
  x: tf.Tensor4D,
): Promise<{ layers: FeatureMapLayer[]; probabilities: Float32Array }> {
  const names = [...plan.featurePoints.map((p) => p.output), plan.logitsOutput];
  const { flat, shapes } = tf.tidy(() => {
    const outs = model.execute(x, names) as tf.Tensor[];
    const logits = outs.pop()!;
    const parts = [...outs, tf.softmax(logits)];
    return { flat: tf.concat(parts.map((t) => tf.reshape(t, [-1]))), shapes: parts.map((t) => t.shape) };
  });
  const values = await flat.data();
  flat.dispose();
  let at = 0;
  const arrays = shapes.map((shape) => {
    const size = shape.reduce((p, d) => p * d, 1);
    const a = (values as Float32Array).slice(at, at + size);
    at += size;
    return a;
  });
  const probabilities = arrays.pop()!;
  const layers = plan.featurePoints.map((p, i) => {
    const [, height = 1, width = 1, channels = 1] = shapes[i]!;
    return { layer: p.layer, height, width, channels, values: arrays[i]! };
  });
  return { layers, probabilities };
}

/** Softmax probabilities of the images in `x`, n × numClasses. */
export async function predictProbabilities(model: tf.LayersModel, x: tf.Tensor4D): Promise<Float32Array> {
  const p = tf.tidy(() => tf.softmax(model.predict(x) as tf.Tensor2D));
  const values = await p.data();
  p.dispose();
  return Float32Array.from(values as Float32Array);
}

/**
 * The images at `indices` of `images` (H×W×C bytes each) as a model input through `pre`.
 * The caller disposes the tensor.
 */
export function inputTensor(
  images: Uint8Array,
  indices: ArrayLike<number>,
  shape: { height: number; width: number; channels: number },
  pre: Preprocessing,
): tf.Tensor4D {
  const { height, width, channels } = shape;
  const size = height * width * channels;
  const buf = new Float32Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) writeImage(images, indices[i]!, height, width, pre, false, 0, 0, buf, i * size);
  return tf.tensor4d(buf, [indices.length, height, width, channels]);
}

/** Copies the images at `indices` (H×W×C bytes each) into one block, for thumbnails. */
export function gatherImages(
  images: Uint8Array,
  indices: ArrayLike<number>,
  shape: { height: number; width: number; channels: number },
): Uint8Array {
  const size = shape.height * shape.width * shape.channels;
  const out = new Uint8Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) out.set(images.subarray(indices[i]! * size, (indices[i]! + 1) * size), i * size);
  return out;
}
