/**
 * LeNet-5 builders (modern and classic 1998) and a per-layer summary for the UI.
 *
 * Both models end in a linear 10-way layer: the loss is computed from logits with a stable
 * softmax cross-entropy, and probabilities are `softmax(logits)` at prediction time.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from './rng';
import type { Settings } from './settings';

/** Shape of one input image, channels last. */
export interface InputShape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** One row of the model table shown in the UI. */
export interface LayerRow {
  readonly name: string;
  readonly kind: string;
  /** Output shape without the batch dimension, e.g. [28, 28, 6]. */
  readonly outputShape: readonly number[];
  readonly params: number;
}

export interface ModelSummary {
  readonly layers: readonly LayerRow[];
  readonly totalParams: number;
}

/** 1.7159 · tanh(2z/3), LeCun's scaled tanh (1998): f(±1) ≈ ±1 and max gain near the origin. */
class ScaledTanh extends tf.layers.Layer {
  static readonly className = 'ScaledTanh';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.mul(tf.tanh(tf.mul(x, 2 / 3)), 1.7159);
    });
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return shape;
  }
}
tf.serialization.registerClass(ScaledTanh);

type ModelSettings = Pick<Settings, 'model' | 'seed'>;

/**
 * Builds the model chosen in `settings` for images of `input` shape and `numClasses` outputs.
 * Weights are initialised from seeds derived from `settings.seed`, so the same seed gives the same
 * starting point on every backend.
 */
export function buildModel(settings: ModelSettings, input: InputShape, numClasses: number): tf.Sequential {
  let layerIndex = 0;
  const init = () => tf.initializers.glorotUniform({ seed: deriveSeed(settings.seed, `init/${layerIndex++}`) });
  const inputShape = [input.height, input.width, input.channels];
  const model = tf.sequential({ name: settings.model });

  switch (settings.model) {
    case 'lenet5': {
      // The homeworks' LeNet-5: conv 6@5×5 same → max-pool → conv 16@5×5 valid → max-pool → 120 → 84 → 10.
      // On 32×32 inputs (CIFAR-10) "same" keeps 32×32, so the flattened size grows to 6×6×16.
      model.add(tf.layers.conv2d({ name: 'conv1', inputShape, filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: init() }));
      model.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2, strides: 2 }));
      model.add(tf.layers.conv2d({ name: 'conv2', filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu', kernelInitializer: init() }));
      model.add(tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2, strides: 2 }));
      model.add(tf.layers.flatten({ name: 'flatten' }));
      model.add(tf.layers.dense({ name: 'fc1', units: 120, activation: 'relu', kernelInitializer: init() }));
      model.add(tf.layers.dense({ name: 'fc2', units: 84, activation: 'relu', kernelInitializer: init() }));
      model.add(tf.layers.dense({ name: 'logits', units: numClasses, kernelInitializer: init() }));
      return model;
    }
    case 'lenet5-classic': {
      // LeCun et al. 1998 on a 32×32 field: 28×28 digits are zero-padded by 2. Two simplifications, as
      // in most re-implementations: C3 connects to all six S2 maps (not the sparse table), and the
      // output is a linear layer with softmax instead of Euclidean RBF units. S2/S4 are average pools.
      const pad = Math.max(0, (32 - input.height) / 2);
      if (pad > 0) model.add(tf.layers.zeroPadding2d({ name: 'pad', inputShape, padding: Math.floor(pad) }));
      const first = pad > 0 ? {} : { inputShape };
      model.add(tf.layers.conv2d({ name: 'C1', ...first, filters: 6, kernelSize: 5, padding: 'valid', kernelInitializer: init() }));
      model.add(new ScaledTanh({ name: 'C1_tanh' }));
      model.add(tf.layers.averagePooling2d({ name: 'S2', poolSize: 2, strides: 2 }));
      model.add(tf.layers.conv2d({ name: 'C3', filters: 16, kernelSize: 5, padding: 'valid', kernelInitializer: init() }));
      model.add(new ScaledTanh({ name: 'C3_tanh' }));
      model.add(tf.layers.averagePooling2d({ name: 'S4', poolSize: 2, strides: 2 }));
      model.add(tf.layers.conv2d({ name: 'C5', filters: 120, kernelSize: 5, padding: 'valid', kernelInitializer: init() }));
      model.add(new ScaledTanh({ name: 'C5_tanh' }));
      model.add(tf.layers.flatten({ name: 'flatten' }));
      model.add(tf.layers.dense({ name: 'F6', units: 84, kernelInitializer: init() }));
      model.add(new ScaledTanh({ name: 'F6_tanh' }));
      model.add(tf.layers.dense({ name: 'logits', units: numClasses, kernelInitializer: init() }));
      return model;
    }
  }
}

/** Per-layer output shapes and parameter counts; activation-only layers are folded into their producer. */
export function summarize(model: tf.LayersModel): ModelSummary {
  const layers: LayerRow[] = model.layers.map((layer) => {
    const shape = layer.outputShape as (number | null)[];
    return {
      name: layer.name,
      kind: describeLayer(layer),
      outputShape: shape.slice(1).map((d) => d ?? 0),
      params: layer.countParams(),
    };
  });
  return { layers, totalParams: layers.reduce((sum, l) => sum + l.params, 0) };
}

function describeLayer(layer: tf.layers.Layer): string {
  const config = layer.getConfig();
  const act = typeof config['activation'] === 'string' && config['activation'] !== 'linear' ? ` · ${config['activation']}` : '';
  switch (layer.getClassName()) {
    case 'Conv2D':
      return `conv ${String(config['filters'])}@${(config['kernelSize'] as number[]).join('×')} ${String(config['padding'])}${act}`;
    case 'MaxPooling2D':
      return `max-pool ${(config['poolSize'] as number[]).join('×')}`;
    case 'AveragePooling2D':
      return `avg-pool ${(config['poolSize'] as number[]).join('×')}`;
    case 'Dense':
      return layer.name === 'logits' ? `dense ${String(config['units'])} · softmax` : `dense ${String(config['units'])}${act}`;
    case 'Flatten':
      return 'flatten';
    case 'ZeroPadding2D':
      return 'zero-pad 2';
    case 'ScaledTanh':
      return '1.7159·tanh(2z/3)';
    default:
      return layer.getClassName();
  }
}
