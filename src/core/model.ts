/**
 * Model builders (LeNet-5 modern and classic 1998, the depth experiment, an MLP baseline), the
 * initialisers and custom layers they use, and a per-layer summary for the UI.
 *
 * Every model ends in a linear 10-way layer: the loss is computed from logits with a stable
 * softmax cross-entropy, and probabilities are `softmax(logits)` at prediction time.
 */
import * as tf from '@tensorflow/tfjs';
import { registerBatchNormGradient } from './batchNormGrad';
import { createRng, deriveSeed, type Rng } from './rng';
import { assertNever, type ActivationId, type InitializerId, type Settings } from './settings';
import type { LayerRow, ModelSummary } from './wire';

/** Shape of one input image, channels last. */
export interface InputShape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

// Batch norm's gradient without tfjs-core's full-size tile (see batchNormGrad.ts).
registerBatchNormGradient();

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

/** ELU with a chosen α: z for z > 0, α(eᶻ − 1) otherwise (tf.layers' ELU only supports α = 1). */
class AlphaElu extends tf.layers.Layer {
  static readonly className = 'AlphaElu';
  private readonly alpha: number;
  constructor(args: { name: string; alpha: number }) {
    super({ name: args.name });
    this.alpha = args.alpha;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const elu = tf.elu(x);
      return tf.where(tf.greater(x, 0), x, tf.mul(elu, this.alpha));
    });
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return shape;
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
tf.serialization.registerClass(AlphaElu);

interface SeededDropoutArgs {
  readonly rate: number;
  readonly seed: number;
  readonly name?: string;
}

/**
 * Inverted dropout whose masks are reproducible and different at every step.
 *
 * `tf.layers.dropout({seed})` passes the same seed to every call, so it would drop the same units at
 * every step; without a seed it draws from Math.random and a run cannot be repeated. This layer draws
 * a fresh seed per training call from its own generator, seeded from the run seed.
 */
export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'SeededDropout';
  readonly rate: number;
  private readonly seed: number;
  private readonly rng: Rng;
  constructor(args: SeededDropoutArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.rate = Math.min(Math.max(args.rate, 0), 0.99);
    this.seed = args.seed;
    this.rng = createRng(args.seed);
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs['training'] !== true || this.rate === 0) return x;
    // tf.dropout's random stream treats seed 0 as "no seed": keep it positive.
    const seed = 1 + Math.floor(this.rng() * 2 ** 30);
    return tf.dropout(x, this.rate, undefined, seed);
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return shape;
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);

/** A tf.layers initialiser. (tfjs exports the base class only as a type of its subclasses.) */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;
const InitializerBase = Object.getPrototypeOf(tf.initializers.zeros().constructor) as abstract new () => Initializer;

/** Keras' correction: a normal truncated at ±2σ has standard deviation 0.8796·σ. */
const TRUNCATED_STD = 0.87962566103423978;

interface VarianceScalingArgs {
  /** Var(w) = scale / fan. */
  readonly scale: number;
  readonly mode: 'fanIn' | 'fanAvg';
  readonly seed: number;
}

/**
 * Variance scaling with a *truncated normal of the intended standard deviation*, as Keras does.
 * tfjs's own glorotNormal/heNormal/leCunNormal truncate at 2σ without the correction, so their weights
 * come out with 0.88× the textbook standard deviation.
 */
class CorrectedNormalScaling extends InitializerBase {
  static readonly className = 'CorrectedNormalScaling';
  constructor(private readonly args: VarianceScalingArgs) {
    super();
  }
  override apply(shape: number[]): tf.Tensor {
    const { fanIn, fanOut } = fans(shape);
    const fan = this.args.mode === 'fanIn' ? fanIn : (fanIn + fanOut) / 2;
    const std = Math.sqrt(this.args.scale / Math.max(1, fan)) / TRUNCATED_STD;
    return tf.truncatedNormal(shape, 0, std, 'float32', this.args.seed || 1);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...this.args };
  }
}

/** fan_in and fan_out of a dense [in, out] or conv [kh, kw, in, out] kernel (as Keras counts them). */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

/**
 * The kernel initialiser for `kind`. `scale` is σ (normal; before truncation for truncated normal),
 * the half-width a (uniform ±a) or the constant. Seeded so the same seed gives the same weights.
 *
 * | kind | distribution |
 * | glorot-uniform | U(±√(6/(fan_in+fan_out))) |   glorot-normal | σ = √(2/(fan_in+fan_out)) |
 * | he-uniform     | U(±√(6/fan_in))           |   he-normal     | σ = √(2/fan_in)           |
 * | lecun-uniform  | U(±√(3/fan_in))           |   lecun-normal  | σ = √(1/fan_in)           |
 * The *-normal ones are truncated at 2σ and rescaled so that σ is the actual standard deviation.
 */
export function createInitializer(kind: InitializerId, scale: number, seed: number): Initializer {
  switch (kind) {
    case 'glorot-uniform':
      return tf.initializers.glorotUniform({ seed });
    case 'he-uniform':
      return tf.initializers.heUniform({ seed });
    case 'lecun-uniform':
      return tf.initializers.leCunUniform({ seed });
    case 'glorot-normal':
      return new CorrectedNormalScaling({ scale: 1, mode: 'fanAvg', seed });
    case 'he-normal':
      return new CorrectedNormalScaling({ scale: 2, mode: 'fanIn', seed });
    case 'lecun-normal':
      return new CorrectedNormalScaling({ scale: 1, mode: 'fanIn', seed });
    // tfjs replaces a zero stddev / range by its 0.05 default, so a zero scale is spelled out.
    case 'truncated-normal':
      return scale > 0 ? tf.initializers.truncatedNormal({ stddev: scale, seed: seed || 1 }) : tf.initializers.zeros();
    case 'random-normal':
      return scale > 0 ? tf.initializers.randomNormal({ stddev: scale, seed: seed || 1 }) : tf.initializers.zeros();
    case 'random-uniform':
      return scale > 0 ? tf.initializers.randomUniform({ minval: -scale, maxval: scale, seed }) : tf.initializers.zeros();
    case 'zeros':
      return tf.initializers.zeros();
    case 'constant':
      return tf.initializers.constant({ value: scale });
    default:
      return assertNever(kind);
  }
}

/** The settings a model is built from, all of them given (their defaults live in the schema only). */
export type ModelSettings = Pick<
  Settings,
  | 'model'
  | 'seed'
  | 'activation'
  | 'leakyAlpha'
  | 'eluAlpha'
  | 'batchNorm'
  | 'batchNormMomentum'
  | 'pooling'
  | 'widthMultiplier'
  | 'dropout'
  | 'initializer'
  | 'initScale'
  | 'biasInit'
  | 'depth'
  | 'residual'
>;

/** Hidden units of the MLP baseline (LeCun et al. 1998's 300-100 network). */
export const MLP_UNITS = [300, 100] as const;
/** Feature maps of the three stages of the depth experiment, before the width multiplier. */
export const DEEP_STAGE_FILTERS = [16, 32, 64] as const;

/** Activation functions tf.layers can fuse into a conv / dense layer. */
const FUSABLE: Partial<Record<ActivationId, 'relu' | 'elu' | 'tanh' | 'sigmoid'>> = {
  relu: 'relu',
  elu: 'elu',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
};

/**
 * Builds the model chosen in `settings` for images of `input` shape and `numClasses` outputs.
 * Weights are initialised from seeds derived from `settings.seed` (`init/<k>` for the k-th kernel), so
 * the same seed gives the same starting point on every backend. Knobs a model does not use (see
 * `inapplicableReason`) are ignored.
 */
export function buildModel(settings: ModelSettings, input: InputShape, numClasses: number): tf.LayersModel {
  const b = new Builder(settings);
  const inputShape = [input.height, input.width, input.channels];
  switch (settings.model) {
    case 'lenet5':
      return b.lenet5(inputShape, numClasses);
    case 'lenet5-classic':
      return b.classic(inputShape, input, numClasses);
    case 'mlp':
      return b.mlp(inputShape, numClasses);
    case 'deep':
      return b.deep(inputShape, numClasses);
    default:
      return assertNever(settings.model);
  }
}

class Builder {
  private kernelIndex = 0;
  private dropoutIndex = 0;
  readonly activation: ActivationId;
  readonly batchNorm: boolean;
  readonly dropout: number;
  constructor(private readonly s: ModelSettings) {
    this.activation = s.activation;
    this.batchNorm = s.batchNorm;
    this.dropout = s.dropout;
  }

  /** Kernel initialiser of the next weight layer (seeds in layer order: init/0, init/1, …). */
  kernel(): Initializer {
    return createInitializer(this.s.initializer, this.s.initScale, deriveSeed(this.s.seed, `init/${this.kernelIndex++}`));
  }
  bias(): { biasInitializer?: Initializer } {
    const value = this.s.biasInit;
    return value === 0 ? {} : { biasInitializer: tf.initializers.constant({ value }) };
  }
  filters(base: number): number {
    return Math.max(1, Math.round(base * this.s.widthMultiplier));
  }

  /** Nonlinearity as its own layer (after batch norm, or when tf.layers has no fused form). */
  activationLayer(name: string): tf.layers.Layer {
    switch (this.activation) {
      case 'leaky-relu':
        return tf.layers.leakyReLU({ name, alpha: this.s.leakyAlpha });
      case 'scaled-tanh':
        return new ScaledTanh({ name });
      case 'elu': {
        const alpha = this.s.eluAlpha;
        return alpha === 1 ? tf.layers.activation({ name, activation: 'elu' }) : new AlphaElu({ name, alpha });
      }
      case 'relu':
      case 'tanh':
      case 'sigmoid':
        return tf.layers.activation({ name, activation: this.activation });
      default:
        return assertNever(this.activation);
    }
  }

  /**
   * conv/dense → [batch norm] → activation. Without batch norm a fusable activation stays inside the
   * weight layer (one fused kernel, and the default LeNet-5 keeps its original layer list); with batch
   * norm the weight layer has no bias (the norm's β replaces it) and the activation follows the norm.
   */
  hidden(
    add: (l: tf.layers.Layer) => void,
    name: string,
    make: (cfg: { activation?: 'relu' | 'elu' | 'tanh' | 'sigmoid'; useBias: boolean; biasInitializer?: Initializer }) => tf.layers.Layer,
  ): void {
    // tf.layers' fused 'elu' has α = 1; any other α needs its own layer.
    const fused = this.batchNorm || (this.activation === 'elu' && this.s.eluAlpha !== 1) ? undefined : FUSABLE[this.activation];
    add(make({ ...(fused ? { activation: fused } : {}), useBias: !this.batchNorm, ...(this.batchNorm ? {} : this.bias()) }));
    if (this.batchNorm) add(this.batchNormLayer(`${name}_bn`));
    if (!fused) add(this.activationLayer(`${name}_act`));
  }

  /**
   * Batch norm with the chosen moving-average momentum (the schema's default 0.9 is PyTorch's 0.1). tf.layers' own
   * default, 0.99, leaves the test-time statistics mostly at their initial 0 / 1 after a few hundred
   * steps (0.99^150 ≈ 0.22 of the start remains), so short runs scored near chance on the test set.
   */
  batchNormLayer(name: string): tf.layers.Layer {
    return tf.layers.batchNormalization({ name, momentum: this.s.batchNormMomentum });
  }

  dropoutLayer(): tf.layers.Layer | null {
    if (this.dropout <= 0) return null;
    const index = this.dropoutIndex++;
    return new SeededDropout({ name: `dropout${index + 1}`, rate: this.dropout, seed: deriveSeed(this.s.seed, `dropout/${index}`) });
  }

  pool(name: string): tf.layers.Layer {
    return this.s.pooling === 'avg'
      ? tf.layers.averagePooling2d({ name, poolSize: 2, strides: 2 })
      : tf.layers.maxPooling2d({ name, poolSize: 2, strides: 2 });
  }

  lenet5(inputShape: number[], numClasses: number): tf.Sequential {
    // The homeworks' LeNet-5: conv 6@5×5 same → pool → conv 16@5×5 valid → pool → 120 → 84 → 10.
    // On 32×32 inputs (CIFAR-10) "same" keeps 32×32, so the flattened size grows to 6×6×16.
    const model = tf.sequential({ name: 'lenet5' });
    const add = (l: tf.layers.Layer | null) => l && model.add(l);
    this.hidden(add, 'conv1', (c) =>
      tf.layers.conv2d({
        name: 'conv1',
        inputShape,
        filters: this.filters(6),
        kernelSize: 5,
        padding: 'same',
        kernelInitializer: this.kernel(),
        ...c,
      }),
    );
    add(this.pool('pool1'));
    this.hidden(add, 'conv2', (c) =>
      tf.layers.conv2d({
        name: 'conv2',
        filters: this.filters(16),
        kernelSize: 5,
        padding: 'valid',
        kernelInitializer: this.kernel(),
        ...c,
      }),
    );
    add(this.pool('pool2'));
    add(tf.layers.flatten({ name: 'flatten' }));
    add(this.dropoutLayer());
    this.hidden(add, 'fc1', (c) => tf.layers.dense({ name: 'fc1', units: 120, kernelInitializer: this.kernel(), ...c }));
    add(this.dropoutLayer());
    this.hidden(add, 'fc2', (c) => tf.layers.dense({ name: 'fc2', units: 84, kernelInitializer: this.kernel(), ...c }));
    add(this.dropoutLayer());
    add(tf.layers.dense({ name: 'logits', units: numClasses, kernelInitializer: this.kernel(), ...this.bias() }));
    return model;
  }

  classic(inputShape: number[], input: InputShape, numClasses: number): tf.Sequential {
    // LeCun et al. 1998 on a 32×32 field: 28×28 digits are zero-padded by 2. Two simplifications, as
    // in most re-implementations: C3 connects to all six S2 maps (not the sparse table), and the
    // output is a linear layer with softmax instead of Euclidean RBF units. S2/S4 are average pools.
    // The architecture is fixed; only initialisation and dropout apply.
    const model = tf.sequential({ name: 'lenet5-classic' });
    const pad = Math.max(0, (32 - input.height) / 2);
    if (pad > 0) model.add(tf.layers.zeroPadding2d({ name: 'pad', inputShape, padding: Math.floor(pad) }));
    const first = pad > 0 ? {} : { inputShape };
    model.add(
      tf.layers.conv2d({
        name: 'C1',
        ...first,
        filters: 6,
        kernelSize: 5,
        padding: 'valid',
        kernelInitializer: this.kernel(),
        ...this.bias(),
      }),
    );
    model.add(new ScaledTanh({ name: 'C1_tanh' }));
    model.add(tf.layers.averagePooling2d({ name: 'S2', poolSize: 2, strides: 2 }));
    model.add(
      tf.layers.conv2d({ name: 'C3', filters: 16, kernelSize: 5, padding: 'valid', kernelInitializer: this.kernel(), ...this.bias() }),
    );
    model.add(new ScaledTanh({ name: 'C3_tanh' }));
    model.add(tf.layers.averagePooling2d({ name: 'S4', poolSize: 2, strides: 2 }));
    model.add(
      tf.layers.conv2d({ name: 'C5', filters: 120, kernelSize: 5, padding: 'valid', kernelInitializer: this.kernel(), ...this.bias() }),
    );
    model.add(new ScaledTanh({ name: 'C5_tanh' }));
    model.add(tf.layers.flatten({ name: 'flatten' }));
    const d1 = this.dropoutLayer();
    if (d1) model.add(d1);
    model.add(tf.layers.dense({ name: 'F6', units: 84, kernelInitializer: this.kernel(), ...this.bias() }));
    model.add(new ScaledTanh({ name: 'F6_tanh' }));
    const d2 = this.dropoutLayer();
    if (d2) model.add(d2);
    model.add(tf.layers.dense({ name: 'logits', units: numClasses, kernelInitializer: this.kernel(), ...this.bias() }));
    return model;
  }

  mlp(inputShape: number[], numClasses: number): tf.Sequential {
    // Input flattened → 300 → 100 → 10. Dropout goes in front of the dense layers that read learned
    // features (fc2, logits), not on the raw pixels.
    const model = tf.sequential({ name: 'mlp' });
    const add = (l: tf.layers.Layer | null) => l && model.add(l);
    add(tf.layers.flatten({ name: 'flatten', inputShape }));
    MLP_UNITS.forEach((units, i) => {
      if (i > 0) add(this.dropoutLayer());
      this.hidden(add, `fc${i + 1}`, (c) => tf.layers.dense({ name: `fc${i + 1}`, units, kernelInitializer: this.kernel(), ...c }));
    });
    add(this.dropoutLayer());
    add(tf.layers.dense({ name: 'logits', units: numClasses, kernelInitializer: this.kernel(), ...this.bias() }));
    return model;
  }

  /**
   * The depth experiment: N blocks of conv 3×3 "same" → [BN] → activation, split into up to three
   * stages of 16, 32, 64 maps (× width) with a 2×2 pool between stages, then global average pooling and
   * the linear output. With residual connections a block computes act(BN(conv(x)) + x), using a 1×1
   * projection of x where the number of maps changes.
   */
  deep(inputShape: number[], numClasses: number): tf.LayersModel {
    const depth = Math.max(1, this.s.depth);
    const residual = this.s.residual;
    const stages = stageSizes(depth);
    const input = tf.input({ shape: inputShape, name: 'input' });
    let x: tf.SymbolicTensor = input;
    let channels = inputShape[2]!;
    let block = 0;
    const apply = (layer: tf.layers.Layer, t: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(t) as tf.SymbolicTensor;
    stages.forEach((blocks, stage) => {
      const filters = this.filters(DEEP_STAGE_FILTERS[stage]!);
      for (let i = 0; i < blocks; i++) {
        block += 1;
        const name = `block${block}`;
        if (!residual) {
          this.hidden(
            (l) => (x = apply(l, x)),
            name,
            (c) =>
              tf.layers.conv2d({ name: `${name}_conv`, filters, kernelSize: 3, padding: 'same', kernelInitializer: this.kernel(), ...c }),
          );
        } else {
          const skip: tf.SymbolicTensor =
            channels === filters
              ? x
              : apply(
                  tf.layers.conv2d({
                    name: `${name}_proj`,
                    filters,
                    kernelSize: 1,
                    padding: 'same',
                    useBias: false,
                    kernelInitializer: this.kernel(),
                  }),
                  x,
                );
          let y = apply(
            tf.layers.conv2d({
              name: `${name}_conv`,
              filters,
              kernelSize: 3,
              padding: 'same',
              useBias: !this.batchNorm,
              kernelInitializer: this.kernel(),
              ...this.bias(),
            }),
            x,
          );
          if (this.batchNorm) y = apply(this.batchNormLayer(`${name}_bn`), y);
          y = apply(tf.layers.add({ name: `${name}_add` }), [y, skip]);
          x = apply(this.activationLayer(`${name}_act`), y);
        }
        channels = filters;
      }
      if (stage < stages.length - 1) x = apply(this.pool(`pool${stage + 1}`), x);
    });
    x = apply(tf.layers.globalAveragePooling2d({ name: 'gap' }), x);
    const drop = this.dropoutLayer();
    if (drop) x = apply(drop, x);
    const logits = apply(tf.layers.dense({ name: 'logits', units: numClasses, kernelInitializer: this.kernel(), ...this.bias() }), x);
    return tf.model({ name: 'deep', inputs: input, outputs: logits });
  }
}

/** Blocks per stage: N split over min(3, N) stages as evenly as possible, earlier stages first. */
export function stageSizes(depth: number): number[] {
  const stages = Math.min(3, depth);
  return Array.from({ length: stages }, (_, i) => Math.floor(depth / stages) + (i < depth % stages ? 1 : 0));
}

/** Per-layer output shapes and parameter counts; the input placeholder of functional models is left out. */
export function summarize(model: tf.LayersModel): ModelSummary {
  const layers: LayerRow[] = model.layers
    .filter((layer) => layer.getClassName() !== 'InputLayer')
    .map((layer) => {
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

/** The kernel variable of every conv / dense layer, in layer order, with its layer's name. */
export function kernelVariables(model: tf.LayersModel): { layer: string; variable: tf.Variable }[] {
  return model.layers.flatMap((layer) =>
    layer.trainableWeights
      .filter((w) => /(^|\/)kernel$/.test(w.originalName))
      .map((w) => ({ layer: layer.name, variable: w.read() as tf.Variable })),
  );
}

/** Names of the variables L2 applies to: conv and dense kernels (not biases, not batch-norm γ/β). */
export function kernelNames(model: tf.LayersModel): Set<string> {
  return new Set(model.trainableWeights.filter((w) => /(^|\/)kernel$/.test(w.originalName)).map((w) => (w.read() as tf.Variable).name));
}

function describeLayer(layer: tf.layers.Layer): string {
  const config = layer.getConfig();
  const act = typeof config['activation'] === 'string' && config['activation'] !== 'linear' ? ` · ${config['activation']}` : '';
  switch (layer.getClassName()) {
    case 'Conv2D':
      return `conv ${configText(config['filters'])}@${(config['kernelSize'] as number[]).join('×')} ${configText(config['padding'])}${act}`;
    case 'MaxPooling2D':
      return `max-pool ${(config['poolSize'] as number[]).join('×')}`;
    case 'AveragePooling2D':
      return `avg-pool ${(config['poolSize'] as number[]).join('×')}`;
    case 'GlobalAveragePooling2D':
      return 'global avg-pool';
    case 'Dense':
      return layer.name === 'logits' ? `dense ${configText(config['units'])} · softmax` : `dense ${configText(config['units'])}${act}`;
    case 'Flatten':
      return 'flatten';
    case 'ZeroPadding2D':
      return 'zero-pad 2';
    case 'AlphaElu':
      return `ELU α=${configText(layer.getConfig()['alpha'])}`;
    case 'ScaledTanh':
      return '1.7159·tanh(2z/3)';
    case 'BatchNormalization':
      return 'batch norm';
    case 'SeededDropout':
    case 'Dropout':
      return `dropout ${configText(config['rate'])}`;
    case 'LeakyReLU':
      return `leaky ReLU ${configText(config['alpha'])}`;
    case 'Activation':
      return configText(config['activation']);
    case 'Add':
      return 'add (residual)';
    default:
      return layer.getClassName();
  }
}

/** A layer's config value as text (they are numbers and strings here; anything else as JSON). */
function configText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}
