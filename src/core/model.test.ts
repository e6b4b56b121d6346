import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, createInitializer, fans, stageSizes, summarize } from './model';
import { DEFAULT_SETTINGS } from './settings';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MNIST = { height: 28, width: 28, channels: 1 };
const CIFAR = { height: 32, width: 32, channels: 3 };

describe('LeNet-5 builders', () => {
  it('modern LeNet-5 on MNIST has the homework shapes and 61,706 parameters', () => {
    const model = buildModel({ ...DEFAULT_SETTINGS, model: 'lenet5', seed: 1 }, MNIST, 10);
    const { layers, totalParams } = summarize(model);
    expect(totalParams).toBe(61706);
    expect(layers.map((l) => [l.name, l.outputShape])).toEqual([
      ['conv1', [28, 28, 6]],
      ['pool1', [14, 14, 6]],
      ['conv2', [10, 10, 16]],
      ['pool2', [5, 5, 16]],
      ['flatten', [400]],
      ['fc1', [120]],
      ['fc2', [84]],
      ['logits', [10]],
    ]);
    model.dispose();
  });

  it('classic LeNet-5 pads 28×28 to 32×32, uses C5 as a 5×5 conv with 120 maps and scaled tanh', () => {
    const model = buildModel({ ...DEFAULT_SETTINGS, model: 'lenet5-classic', seed: 1 }, MNIST, 10);
    const { layers, totalParams } = summarize(model);
    expect(totalParams).toBe(61706);
    const shapes = Object.fromEntries(layers.map((l) => [l.name, l.outputShape]));
    expect(shapes['pad']).toEqual([32, 32, 1]);
    expect(shapes['C1']).toEqual([28, 28, 6]);
    expect(shapes['S2']).toEqual([14, 14, 6]);
    expect(shapes['C3']).toEqual([10, 10, 16]);
    expect(shapes['S4']).toEqual([5, 5, 16]);
    expect(shapes['C5']).toEqual([1, 1, 120]);
    expect(shapes['F6']).toEqual([84]);
    expect(layers.find((l) => l.name === 'S2')?.kind).toMatch(/avg-pool/);
    // f(z) = 1.7159·tanh(2z/3): check the activation on known inputs.
    const act = model.getLayer('C1_tanh');
    const out = act.apply(tf.tensor1d([-1, 0, 1, 3])) as tf.Tensor;
    const expected = [-1, 0, 1, 3].map((z) => 1.7159 * Math.tanh((2 * z) / 3));
    Array.from(out.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    out.dispose();
    model.dispose();
  });

  it('adapts to CIFAR-10: 3 input channels at 32×32', () => {
    const modern = buildModel({ ...DEFAULT_SETTINGS, model: 'lenet5', seed: 1 }, CIFAR, 10);
    const s = summarize(modern);
    expect(s.layers[0]!.outputShape).toEqual([32, 32, 6]);
    expect(s.layers[0]!.params).toBe(5 * 5 * 3 * 6 + 6);
    expect(s.layers.find((l) => l.name === 'flatten')!.outputShape).toEqual([576]);
    modern.dispose();
    const classic = buildModel({ ...DEFAULT_SETTINGS, model: 'lenet5-classic', seed: 1 }, CIFAR, 10);
    const c = summarize(classic);
    expect(c.layers[0]!.name).toBe('C1');
    expect(c.layers.find((l) => l.name === 'C5')!.outputShape).toEqual([1, 1, 120]);
    classic.dispose();
  });

  it('the same seed gives the same initial weights; another seed does not', () => {
    const weights = (seed: number) => {
      const m = buildModel({ ...DEFAULT_SETTINGS, model: 'lenet5', seed }, MNIST, 10);
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      return w;
    };
    const a = weights(7);
    expect(weights(7)).toEqual(a);
    expect(weights(8)[0]).not.toEqual(a[0]);
  });
});

const SMALL = { height: 16, width: 16, channels: 1 };
const classNames = (m: tf.LayersModel) => m.layers.map((l) => l.getClassName());
const layerConfig = (m: tf.LayersModel, name: string) => m.getLayer(name).getConfig();

describe('model knobs reach the built model', () => {
  it('default settings keep the homework LeNet-5 exactly (fused ReLU, max-pool, no BN / dropout)', () => {
    const m = buildModel({ ...DEFAULT_SETTINGS }, MNIST, 10);
    expect(m.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'fc1', 'fc2', 'logits']);
    expect(layerConfig(m, 'conv1')['activation']).toBe('relu');
    expect(summarize(m).totalParams).toBe(61706);
    m.dispose();
  });

  it.each([
    ['relu', 'relu'],
    ['elu', 'elu'],
    ['tanh', 'tanh'],
    ['sigmoid', 'sigmoid'],
  ] as const)('activation %s is fused into conv and dense layers', (activation, expected) => {
    const m = buildModel({ ...DEFAULT_SETTINGS, activation }, SMALL, 10);
    for (const name of ['conv1', 'conv2', 'fc1', 'fc2']) expect(layerConfig(m, name)['activation']).toBe(expected);
    expect(layerConfig(m, 'logits')['activation']).toBe('linear');
    m.dispose();
  });

  it('leaky ReLU and scaled tanh become their own layers after each hidden layer', () => {
    const leaky = buildModel({ ...DEFAULT_SETTINGS, activation: 'leaky-relu' }, SMALL, 10);
    expect(leaky.getLayer('conv1_act').getClassName()).toBe('LeakyReLU');
    expect(leaky.getLayer('conv1_act').getConfig()['alpha']).toBeCloseTo(0.01);
    expect(layerConfig(leaky, 'conv1')['activation']).toBe('linear');
    expect(classNames(leaky).filter((c) => c === 'LeakyReLU')).toHaveLength(4);
    leaky.dispose();
    const scaled = buildModel({ ...DEFAULT_SETTINGS, activation: 'scaled-tanh' }, SMALL, 10);
    expect(classNames(scaled).filter((c) => c === 'ScaledTanh')).toHaveLength(4);
    scaled.dispose();
  });

  it('batch norm sits after each conv/dense layer and before its activation; the layer loses its bias', () => {
    const m = buildModel({ ...DEFAULT_SETTINGS, batchNorm: true }, SMALL, 10);
    const names = m.layers.map((l) => l.name);
    expect(names.slice(0, 4)).toEqual(['conv1', 'conv1_bn', 'conv1_act', 'pool1']);
    expect(classNames(m).filter((c) => c === 'BatchNormalization')).toHaveLength(4);
    expect(layerConfig(m, 'conv1')['useBias']).toBe(false);
    expect(layerConfig(m, 'conv1_act')['activation']).toBe('relu');
    expect(layerConfig(m, 'logits')['useBias']).toBe(true);
    m.dispose();
    const off = buildModel({ ...DEFAULT_SETTINGS, batchNorm: false }, SMALL, 10);
    expect(classNames(off)).not.toContain('BatchNormalization');
    off.dispose();
  });

  it('average pooling and the width multiplier', () => {
    const m = buildModel({ ...DEFAULT_SETTINGS, pooling: 'avg', widthMultiplier: 2 }, SMALL, 10);
    expect(m.getLayer('pool1').getClassName()).toBe('AveragePooling2D');
    expect(layerConfig(m, 'conv1')['filters']).toBe(12);
    expect(layerConfig(m, 'conv2')['filters']).toBe(32);
    m.dispose();
    const thin = buildModel({ ...DEFAULT_SETTINGS, widthMultiplier: 0.25 }, SMALL, 10);
    expect(layerConfig(thin, 'conv1')['filters']).toBe(2);
    thin.dispose();
  });

  it('dropout layers go in front of every dense layer that reads learned features', () => {
    const m = buildModel({ ...DEFAULT_SETTINGS, dropout: 0.5 }, SMALL, 10);
    const names = m.layers.map((l) => l.name);
    expect(names).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'dropout1', 'fc1', 'dropout2', 'fc2', 'dropout3', 'logits']);
    expect(layerConfig(m, 'dropout1')['rate']).toBe(0.5);
    m.dispose();
    const mlp = buildModel({ ...DEFAULT_SETTINGS, model: 'mlp', dropout: 0.2 }, SMALL, 10);
    expect(mlp.layers.map((l) => l.name)).toEqual(['flatten', 'fc1', 'dropout1', 'fc2', 'dropout2', 'logits']);
    mlp.dispose();
  });

  it('dropout is active in training only, with a new seeded mask at every call', () => {
    const m = buildModel({ ...DEFAULT_SETTINGS, model: 'mlp', dropout: 0.5 }, SMALL, 10);
    const layer = m.getLayer('dropout1');
    const x = tf.ones([4, 100]);
    const a = layer.apply(x, { training: true }) as tf.Tensor;
    const b = layer.apply(x, { training: true }) as tf.Tensor;
    const inference = layer.apply(x) as tf.Tensor;
    const av = Array.from(a.dataSync());
    expect(new Set(av)).toEqual(new Set([0, 2]));
    const kept = av.filter((v) => v > 0).length / av.length;
    expect(kept).toBeGreaterThan(0.35);
    expect(kept).toBeLessThan(0.65);
    expect(Array.from(b.dataSync())).not.toEqual(av);
    expect(Array.from(inference.dataSync()).every((v) => v === 1)).toBe(true);
    // Same seed → same sequence of masks.
    const m2 = buildModel({ ...DEFAULT_SETTINGS, model: 'mlp', dropout: 0.5 }, SMALL, 10);
    const a2 = m2.getLayer('dropout1').apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(a2.dataSync())).toEqual(av);
    tf.dispose([x, a, b, a2]);
    m.dispose();
    m2.dispose();
  });

  it('the MLP baseline is 784-300-100-10 on flattened MNIST input', () => {
    const m = buildModel({ ...DEFAULT_SETTINGS, model: 'mlp' }, MNIST, 10);
    const s = summarize(m);
    expect(s.layers.map((l) => [l.name, l.outputShape])).toEqual([
      ['flatten', [784]],
      ['fc1', [300]],
      ['fc2', [100]],
      ['logits', [10]],
    ]);
    expect(s.totalParams).toBe(784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10);
    m.dispose();
  });

  it('stage sizes split N blocks over up to three stages', () => {
    expect(stageSizes(1)).toEqual([1]);
    expect(stageSizes(2)).toEqual([1, 1]);
    expect(stageSizes(8)).toEqual([3, 3, 2]);
    expect(stageSizes(38)).toEqual([13, 13, 12]);
  });

  it.each([1, 5, 20])('the plain depth model with N = %i blocks has N 3×3 convs and the expected layer count', (depth) => {
    const m = buildModel({ ...DEFAULT_SETTINGS, model: 'deep', depth, widthMultiplier: 0.25 }, SMALL, 10);
    const convs = m.layers.filter((l) => l.getClassName() === 'Conv2D');
    expect(convs).toHaveLength(depth);
    expect(convs.every((l) => (l.getConfig()['kernelSize'] as number[]).join() === '3,3')).toBe(true);
    const pools = Math.min(3, depth) - 1;
    // input + N fused conv blocks + pools + global pooling + logits
    expect(m.layers).toHaveLength(1 + depth + pools + 2);
    expect(summarize(m).layers.at(-1)!.outputShape).toEqual([10]);
    m.dispose();
  });

  it('the depth model with batch norm and residual connections', () => {
    const depth = 6;
    const m = buildModel({ ...DEFAULT_SETTINGS, model: 'deep', depth, batchNorm: true, residual: true, widthMultiplier: 0.25 }, SMALL, 10);
    const count = (c: string) => classNames(m).filter((x) => x === c).length;
    expect(count('BatchNormalization')).toBe(depth);
    expect(count('Add')).toBe(depth);
    // 1×1 projections where the map count changes: input→stage 1, stage 1→2, stage 2→3.
    expect(m.layers.filter((l) => l.name.endsWith('_proj'))).toHaveLength(3);
    expect(count('Conv2D')).toBe(depth + 3);
    const out = m.predict(tf.zeros([2, 16, 16, 1])) as tf.Tensor;
    expect(out.shape).toEqual([2, 10]);
    out.dispose();
    m.dispose();
  });
});

describe('initialisers', () => {
  /** Weights of a [fanIn, fanOut] dense kernel drawn by `kind`. */
  const draw = (kind: Parameters<typeof createInitializer>[0], scale = 0.05, shape = [400, 300]) => {
    const t = createInitializer(kind, scale, 1234).apply(shape);
    const v = Float64Array.from(t.dataSync());
    t.dispose();
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    const maxAbs = v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
    return { v, mean, std, maxAbs };
  };
  const [fanIn, fanOut] = [400, 300];

  it.each([
    ['glorot-uniform', Math.sqrt(2 / (fanIn + fanOut))],
    ['glorot-normal', Math.sqrt(2 / (fanIn + fanOut))],
    ['he-uniform', Math.sqrt(2 / fanIn)],
    ['he-normal', Math.sqrt(2 / fanIn)],
    ['lecun-uniform', Math.sqrt(1 / fanIn)],
    ['lecun-normal', Math.sqrt(1 / fanIn)],
    ['random-normal', 0.3],
    ['random-uniform', 0.3 / Math.sqrt(3)],
    // σ before truncation at 2σ: the truncated distribution has 0.88σ.
    ['truncated-normal', 0.3 * 0.8796],
  ] as const)('%s has the standard deviation of its formula', (kind, expected) => {
    const { mean, std } = draw(kind, 0.3);
    expect(Math.abs(mean)).toBeLessThan(expected * 0.02);
    expect(std / expected).toBeGreaterThan(0.98);
    expect(std / expected).toBeLessThan(1.02);
  });

  it('uniform ones stay inside their limit, truncated ones inside 2σ', () => {
    expect(draw('he-uniform').maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / fanIn));
    expect(draw('random-uniform', 0.2).maxAbs).toBeLessThanOrEqual(0.2);
    expect(draw('truncated-normal', 0.2).maxAbs).toBeLessThanOrEqual(0.4 + 1e-6);
  });

  it('fans of conv kernels count the receptive field', () => {
    expect(fans([5, 5, 6, 16])).toEqual({ fanIn: 150, fanOut: 400 });
    const { std } = draw('he-normal', 0, [5, 5, 6, 16]);
    expect(std / Math.sqrt(2 / 150)).toBeCloseTo(1, 1);
  });

  it('zeros are all zero, constant is the constant, a zero scale gives zeros', () => {
    expect(draw('zeros').v.every((x) => x === 0)).toBe(true);
    expect(draw('constant', 0.7).v.every((x) => Math.abs(x - 0.7) < 1e-7)).toBe(true);
    expect(draw('random-normal', 0).v.every((x) => x === 0)).toBe(true);
  });

  it('the initialiser and bias init reach every kernel and bias of the model', () => {
    const m = buildModel({ ...DEFAULT_SETTINGS, model: 'mlp', initializer: 'constant', initScale: 0.25, biasInit: 0.1 }, SMALL, 10);
    for (const w of m.getWeights()) {
      const values = new Set(Array.from(w.dataSync()).map((x) => Math.round(x * 1e6) / 1e6));
      expect([...values]).toEqual([w.shape.length === 1 ? 0.1 : 0.25]);
    }
    m.dispose();
  });
});
