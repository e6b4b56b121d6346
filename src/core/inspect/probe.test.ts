import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { wholeSet } from '../data/batches';
import { unitPreprocessing } from '../data/transforms';
import { runExperiment } from '../experiment';
import { buildModel } from '../model';
import { createOptimizer } from '../optimizers';
import { DEFAULT_SETTINGS, type Settings } from '../settings';
import { syntheticSplit } from '../testing/synthetic';
import { RunControl, train, type TestPredictions, type TrainObserver } from '../train';
import { confusionMatrix } from './confusion';
import { featureMaps, inputTensor, layerHistograms, planProbes, readFilters } from './probe';
import type { GradientNormPoint } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const base: Settings = { ...DEFAULT_SETTINGS, validationSize: 0, batchSize: 16, epochs: 1, optimizer: 'adam', learningRate: 0.003 };
const mnistShape = { height: 28, width: 28, channels: 1 };
const t0 = { step: 0, epoch: 0 };

describe('which layers the inspections read', () => {
  it('modern LeNet-5: filters of conv1, maps of conv1 and conv2, activations of the four hidden layers', () => {
    const model = buildModel(base, mnistShape, 10);
    const { anatomy } = planProbes(model);
    expect(anatomy).toMatchObject({
      filterLayer: 'conv1',
      featureLayers: ['conv1', 'conv2'],
      activationLayers: ['conv1', 'conv2', 'fc1', 'fc2'],
      kernelLayers: ['conv1', 'conv2', 'fc1', 'fc2', 'logits'],
      noConvReason: null,
    });
    model.dispose();
  });

  it('classic LeNet-5 (C1, C3), batch norm (separate activation layers), residual depth model, and the MLP without filters', () => {
    const classic = buildModel({ ...base, model: 'lenet5-classic' }, mnistShape, 10);
    expect(planProbes(classic).anatomy).toMatchObject({
      filterLayer: 'C1',
      featureLayers: ['C1', 'C3'],
      activationLayers: ['C1', 'C3', 'C5', 'F6'],
    });
    const bn = buildModel({ ...base, batchNorm: true, activation: 'sigmoid' }, mnistShape, 10);
    expect(planProbes(bn).anatomy.activationLayers).toEqual(['conv1', 'conv2', 'fc1', 'fc2']);
    const deep = buildModel({ ...base, model: 'deep', depth: 4, residual: true, batchNorm: true }, mnistShape, 10);
    const d = planProbes(deep).anatomy;
    expect(d.activationLayers).toEqual(['block1_conv', 'block2_conv', 'block3_conv', 'block4_conv']);
    expect(d.filterLayer).toBe('block1_conv');
    const mlp = buildModel({ ...base, model: 'mlp' }, mnistShape, 10);
    const m = planProbes(mlp).anatomy;
    expect(m.filterLayer).toBeNull();
    expect(m.featureLayers).toEqual([]);
    expect(m.noConvReason).toMatch(/no convolutional layers/);
    [classic, bn, deep, mlp].forEach((x) => x.dispose());
  });
});

describe('snapshots', () => {
  it('filters are a copy of conv1 (6 kernels 5×5×1); histograms share one range per kind; feature maps have the layer shapes; nothing leaks', async () => {
    const data = syntheticSplit(8, 8, 1, 28);
    const model = buildModel(base, mnistShape, 10);
    const plan = planProbes(model);
    const before = tf.memory().numTensors;
    const f = (await readFilters(plan, t0))!;
    expect(f.shape).toEqual([5, 5, 1, 6]);
    expect(f.weights).toHaveLength(150);
    f.weights.fill(0);
    expect(Array.from(model.getLayer('conv1').getWeights()[0]!.dataSync()).some((v) => v !== 0)).toBe(true);

    const x = inputTensor(data.test.images, [0, 1, 2, 3], mnistShape, unitPreprocessing(1));
    const h = await layerHistograms(model, plan, x, t0, 20);
    expect(h.activations.map((a) => a.layer)).toEqual(['conv1', 'conv2', 'fc1', 'fc2']);
    expect(h.weights.map((a) => a.layer)).toEqual(['conv1', 'conv2', 'fc1', 'fc2', 'logits']);
    expect(new Set(h.activations.map((a) => `${a.lo},${a.hi}`)).size).toBe(1);
    // conv1 on 4 images: 4·28·28·6 values, sampled down to 4096; fc2: 4·84, all of them.
    const sum = (a: Uint32Array) => a.reduce((p, v) => p + v, 0);
    expect(sum(h.activations[0]!.counts)).toBe(4096);
    expect(sum(h.activations[3]!.counts)).toBe(4 * 84);
    expect(h.activations[0]!.min).toBeGreaterThanOrEqual(0); // ReLU
    expect(h.weights[0]!.std).toBeGreaterThan(0);

    const one = inputTensor(data.test.images, [5], mnistShape, unitPreprocessing(1));
    const maps = await featureMaps(model, plan, one);
    expect(maps.layers.map((l) => [l.layer, l.height, l.width, l.channels, l.values.length])).toEqual([
      ['conv1', 28, 28, 6, 28 * 28 * 6],
      ['conv2', 10, 10, 16, 10 * 10 * 16],
    ]);
    expect(maps.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    x.dispose();
    one.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('training hooks', () => {
  it('gradient norms measured inside steps change nothing in the run, come per kernel, and test predictions match the test accuracy, without leaks', async () => {
    const settings = { ...base, validationSize: 20, epochs: 2 };
    const data = syntheticSplit(48, 40, 1, 16);
    const plain: number[] = [];
    const r0 = await runExperiment(settings, data, new RunControl(), {
      onModel: () => {},
      onBatches: (p) => plain.push(...p.map((b) => b.loss)),
      onProgress: () => {},
      onEpoch: () => {},
    });
    const w0 = r0.model.getWeights().map((t) => Array.from(t.dataSync()));
    r0.model.dispose();

    const losses: number[] = [];
    const norms: { layers: readonly string[]; points: readonly GradientNormPoint[] }[] = [];
    const predictions: TestPredictions[] = [];
    const accuracy: number[] = [];
    const tensors: number[] = [];
    const r1 = await runExperiment(settings, data, new RunControl(), {
      onModel: () => {},
      onBatches: (p) => losses.push(...p.map((b) => b.loss)),
      onProgress: () => {},
      onEpoch: (m) => {
        accuracy.push(m.test.accuracy);
        tensors.push(tf.memory().numTensors);
      },
      gradientNormsDue: (step) => step % 2 === 0,
      onGradientNorms: (layers, points) => norms.push({ layers, points }),
      onTestPredictions: (_, p) => predictions.push(p),
    });
    expect(losses).toEqual(plain);
    expect(r1.model.getWeights().map((t) => Array.from(t.dataSync()))).toEqual(w0);
    r1.model.dispose();

    const points = norms.flatMap((n) => n.points);
    expect(points.map((p) => p.step)).toEqual(Array.from({ length: points.length }, (_, i) => 2 * (i + 1)));
    expect(norms[0]!.layers).toEqual(['conv1', 'conv2', 'fc1', 'fc2', 'logits']);
    expect(points.every((p) => p.norms.length === 5 && p.norms.every((v) => v > 0 && Number.isFinite(v)))).toBe(true);

    expect(predictions).toHaveLength(2);
    const m = confusionMatrix(data.test.labels, predictions[1]!.predicted, 10);
    const diagonal = Array.from({ length: 10 }, (_, i) => m[i * 11]!).reduce((a, b) => a + b, 0);
    expect(m.reduce((a, b) => a + b, 0)).toBe(40);
    expect(diagonal / 40).toBeCloseTo(accuracy[1]!, 6);
    expect(predictions[1]!.confidence.every((c) => c >= 0.1 - 1e-6 && c <= 1)).toBe(true);
    expect(tensors[1]).toBe(tensors[0]);
  });

  it('leaks no tensors across epochs with every hook on', async () => {
    const data = syntheticSplit(32, 20, 1, 16);
    const model = buildModel(base, data.train, 10);
    const optimizer = createOptimizer({ ...base, optimizer: 'momentum' });
    const counts: number[] = [];
    const observer: TrainObserver = {
      onBatches: () => {},
      onProgress: () => {},
      onEpoch: () => counts.push(tf.memory().numTensors),
      gradientNormsDue: () => true,
      onGradientNorms: () => {},
      onTestPredictions: () => {},
    };
    await train({
      model,
      optimizer,
      train: wholeSet(data.train),
      validation: wholeSet(data.test),
      test: wholeSet(data.test),
      numClasses: 10,
      settings: { ...base, epochs: 3, l2: 1e-4 },
      control: new RunControl(),
      observer,
    });
    expect(counts).toHaveLength(3);
    expect(counts[2]).toBe(counts[1]);
    model.dispose();
    optimizer.dispose();
  });
});
