import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, summarize } from './model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MNIST = { height: 28, width: 28, channels: 1 };
const CIFAR = { height: 32, width: 32, channels: 3 };

describe('LeNet-5 builders', () => {
  it('modern LeNet-5 on MNIST has the homework shapes and 61,706 parameters', () => {
    const model = buildModel({ model: 'lenet5', seed: 1 }, MNIST, 10);
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
    const model = buildModel({ model: 'lenet5-classic', seed: 1 }, MNIST, 10);
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
    const modern = buildModel({ model: 'lenet5', seed: 1 }, CIFAR, 10);
    const s = summarize(modern);
    expect(s.layers[0]!.outputShape).toEqual([32, 32, 6]);
    expect(s.layers[0]!.params).toBe(5 * 5 * 3 * 6 + 6);
    expect(s.layers.find((l) => l.name === 'flatten')!.outputShape).toEqual([576]);
    modern.dispose();
    const classic = buildModel({ model: 'lenet5-classic', seed: 1 }, CIFAR, 10);
    const c = summarize(classic);
    expect(c.layers[0]!.name).toBe('C1');
    expect(c.layers.find((l) => l.name === 'C5')!.outputShape).toEqual([1, 1, 120]);
    classic.dispose();
  });

  it('the same seed gives the same initial weights; another seed does not', () => {
    const weights = (seed: number) => {
      const m = buildModel({ model: 'lenet5', seed }, MNIST, 10);
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      return w;
    };
    const a = weights(7);
    expect(weights(7)).toEqual(a);
    expect(weights(8)[0]).not.toEqual(a[0]);
  });
});
