/**
 * Models as files: a saved model loads back with the same predictions bit for bit (custom layers,
 * functional models and the recorded preprocessing included), loads in plain tfjs, and every kind of
 * unreadable input gives its own message and leaves no tensor behind.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NamedBytes } from './data/cifar';
import { wholeSet } from './data/batches';
import { preprocessingFor } from './data/transforms';
import { DataFormatError } from './data/types';
import { inputTensor } from './inspect/probe';
import { buildModel } from './model';
import { describeMetadata, loadModelFiles, saveModelFiles, type ExpectedInput, type ModelFile } from './modelFile';
import { DEFAULT_SETTINGS, serializeSettings, type Settings } from './settings';
import { syntheticSplit } from './testing/synthetic';
import { evaluate } from './train';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MNIST: ExpectedInput = { dataset: 'mnist', height: 28, width: 28, channels: 1, numClasses: 10 };
const data = syntheticSplit(64, 40, 7);

/** Saves the model of `settings` (built for `shape`) with the run's metadata; returns the files and the model. */
async function saved(settings: Settings, shape = { height: 28, width: 28, channels: 1 }, numClasses = 10) {
  const model = buildModel(settings, shape, numClasses);
  const split = shape.channels === 1 ? data : syntheticSplit(32, 8, 3, shape.height, shape.channels);
  const preprocessing = preprocessingFor(settings, wholeSet(split.train));
  const metadata = describeMetadata({
    dataset: settings.dataset,
    inputShape: [shape.height, shape.width, shape.channels],
    classNames: split.classNames.slice(0, numClasses),
    settings: serializeSettings(settings),
    preprocessing,
    epochs: 3,
    testAccuracy: 0.5,
  });
  const files = await saveModelFiles(model, metadata, `${settings.dataset}-${settings.model}`);
  return { model, files, preprocessing };
}

const named = (f: ModelFile, bytes: Uint8Array = new Uint8Array(f.bytes), name = f.name): NamedBytes => ({ name, bytes });
const text = (s: string) => new TextEncoder().encode(s);
const jsonOf = (f: ModelFile) => JSON.parse(new TextDecoder().decode(f.bytes)) as Record<string, unknown>;

async function logits(model: tf.LayersModel, x: tf.Tensor4D): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor;
  const values = (await y.data()) as Float32Array;
  y.dispose();
  return values;
}

describe('save → load round trip', () => {
  const cases: [string, Partial<Settings>][] = [
    ['LeNet-5 (defaults)', {}],
    ['classic LeNet-5 (ScaledTanh, zero padding), standardised input', { model: 'lenet5-classic', normalization: 'standardize' }],
    [
      'ELU α = 0.5, dropout, He normal (custom layer and initialiser)',
      { activation: 'elu', eluAlpha: 0.5, dropout: 0.3, initializer: 'he-normal' },
    ],
    [
      'deep residual with batch norm (functional model), |I − mean(I)|',
      { model: 'deep', depth: 3, batchNorm: true, residual: true, negatives: 'abs-mean', normalization: 'standardize' },
    ],
  ];
  for (const [label, patch] of cases) {
    it(`${label}: the same logits bit for bit, metadata and preprocessing kept`, async () => {
      const settings: Settings = { ...DEFAULT_SETTINGS, ...patch };
      const { model, files, preprocessing } = await saved(settings);
      const loaded = await loadModelFiles([named(files.json), named(files.weights)], MNIST);
      const x = inputTensor(data.test.images, [0, 1, 2, 3, 4], data.test, preprocessing);
      try {
        expect(Array.from(await logits(loaded.model, x))).toEqual(Array.from(await logits(model, x)));
        expect(loaded.metadata?.settings).toBe(serializeSettings(settings));
        expect(loaded.metadata?.classNames).toEqual(data.classNames);
        expect(loaded.metadata?.inputShape).toEqual([28, 28, 1]);
        expect(loaded.preprocessing.absMean).toBe(preprocessing.absMean);
        expect(Array.from(loaded.preprocessing.lut)).toEqual(Array.from(preprocessing.lut));
        expect(loaded.notes).toEqual([]);
      } finally {
        x.dispose();
        model.dispose();
        loaded.model.dispose();
      }
    });
  }

  it('saving reads the weights and leaves no tensor behind', async () => {
    const model = buildModel(DEFAULT_SETTINGS, data.train, 10);
    const metadata = describeMetadata({
      dataset: 'mnist',
      inputShape: [28, 28, 1],
      classNames: data.classNames,
      settings: '',
      preprocessing: preprocessingFor(DEFAULT_SETTINGS, wholeSet(data.train)),
      epochs: 0,
      testAccuracy: null,
    });
    const before = tf.memory().numTensors;
    const files = await saveModelFiles(model, metadata, 'm');
    expect(tf.memory().numTensors).toBe(before);
    expect(files.weights.bytes.byteLength).toBe(61_706 * 4);
    model.dispose();
  });

  it('the files are the standard layers format: model.json + one .bin, loadable by tf.loadLayersModel, no training-only custom classes', async () => {
    const { model, files } = await saved({ ...DEFAULT_SETTINGS, dropout: 0.5, initializer: 'glorot-normal' });
    const json = jsonOf(files.json);
    expect(files.json.name).toBe('mnist-lenet5.json');
    expect(json['format']).toBe('layers-model');
    expect(json['weightsManifest']).toEqual([{ paths: ['./mnist-lenet5.weights.bin'], weights: expect.any(Array) as unknown }]);
    const topology = JSON.stringify(json['modelTopology']);
    expect(topology).not.toContain('SeededDropout');
    expect(topology).not.toContain('CorrectedNormalScaling');
    expect(json['userDefinedMetadata']).toMatchObject({
      format: 'cnn-playground-model',
      dataset: 'mnist',
      inputShape: [28, 28, 1],
      output: 'logits',
      preprocessing: { absMean: false, mean: [0], std: [1] },
    });

    const manifest = json['weightsManifest'] as tf.io.WeightsManifestConfig;
    const plain = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json['modelTopology'] as object,
        weightSpecs: manifest[0]!.weights,
        weightData: files.weights.bytes,
      }),
    );
    const x = tf.randomUniform<tf.Rank.R4>([2, 28, 28, 1], 0, 1, 'float32', 5);
    expect(Array.from(await logits(plain, x))).toEqual(Array.from(await logits(model, x)));
    x.dispose();
    plain.dispose();
    model.dispose();
  });

  it('load + test evaluation leaves no tensor behind, and scores the test set as the original model does', async () => {
    const settings: Settings = { ...DEFAULT_SETTINGS, normalization: 'standardize' };
    const { model, files, preprocessing } = await saved(settings);
    const test = wholeSet(data.test);
    const original = await evaluate(model, test, 10, preprocessing);
    const before = tf.memory().numTensors;
    const loaded = await loadModelFiles([named(files.json), named(files.weights)], MNIST);
    const predictions = { predicted: new Uint8Array(test.indices.length), confidence: new Float32Array(test.indices.length) };
    const result = await evaluate(loaded.model, test, 10, loaded.preprocessing, predictions);
    loaded.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(result).toEqual(original);
    model.dispose();
  });

  it('a weights file renamed by the browser ("x.weights (1).bin") is still found when it is the only one', async () => {
    const { model, files } = await saved(DEFAULT_SETTINGS);
    const loaded = await loadModelFiles([named(files.json), named(files.weights, undefined, 'mnist-lenet5.weights (1).bin')], MNIST);
    loaded.model.dispose();
    model.dispose();
  });

  it('a model from elsewhere (no metadata) loads with [0, 1] scaling and says so', async () => {
    const { model, files } = await saved(DEFAULT_SETTINGS);
    const json = jsonOf(files.json);
    delete json['userDefinedMetadata'];
    const loaded = await loadModelFiles([{ name: 'model.json', bytes: text(JSON.stringify(json)) }, named(files.weights)], MNIST);
    expect(loaded.metadata).toBeNull();
    expect(loaded.notes.join(' ')).toContain('scaled to [0, 1]');
    loaded.model.dispose();
    model.dispose();
  });
});

describe('unreadable models: a specific message each, no tensor left behind', () => {
  let before = 0;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  /** The default model's files, altered by `alter` (json object, weights bytes) → the files to load. */
  async function bad(
    alter: (json: Record<string, unknown>, weights: Uint8Array) => NamedBytes[],
    settings: Settings = DEFAULT_SETTINGS,
    shape?: { height: number; width: number; channels: number },
    numClasses?: number,
  ) {
    const { model, files } = await saved(settings, shape, numClasses);
    model.dispose();
    before = tf.memory().numTensors;
    return alter(jsonOf(files.json), new Uint8Array(files.weights.bytes));
  }
  const json = (name: string, value: unknown): NamedBytes => ({ name, bytes: text(JSON.stringify(value)) });
  const W = 'mnist-lenet5.weights.bin';

  const cases: [string, () => Promise<NamedBytes[]>, RegExp][] = [
    [
      'not JSON',
      async () => [{ name: 'model.json', bytes: new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0xff]) }],
      /^model\.json is not JSON, so it is not a TensorFlow\.js model\.json/,
    ],
    [
      'JSON but not a model',
      async () => [json('model.json', { name: 'cnn', accuracy: 0.9 })],
      /^model\.json is JSON but not a TensorFlow\.js layers model: it has no modelTopology and no weightsManifest\.$/,
    ],
    ['a JSON array', async () => [json('model.json', [1, 2, 3])], /model\.json is JSON but not a TensorFlow\.js model/],
    [
      'a graph model',
      async () => [json('model.json', { format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] })],
      /graph model .* only layers models/,
    ],
    [
      'a topology that is not a Keras model',
      async () => [json('model.json', { modelTopology: { hello: 1 }, weightsManifest: [] })],
      /not a TensorFlow\.js layers model: its modelTopology is not a Keras model description/,
    ],
    [
      'weights file missing',
      () => bad((j) => [json('model.json', j)]),
      new RegExp(`^The weights file ${W.replace(/\./g, '\\.')} is missing: choose it together with model\\.json`),
    ],
    ['only the weights file', () => bad((_, w) => [{ name: W, bytes: w }]), /^No \.json file among mnist-lenet5\.weights\.bin/],
    [
      'weights truncated',
      () => bad((j, w) => [json('model.json', j), { name: W, bytes: w.subarray(0, 1000) }]),
      /^mnist-lenet5\.weights\.bin is truncated: it has 1,000 bytes, but model\.json describes 246,824 bytes of weights\. Download the model again \(both files\), or choose the complete weights file\.$/,
    ],
    [
      'weights too long',
      () => bad((j, w) => [json('model.json', j), { name: W, bytes: new Uint8Array(w.length + 8) }]),
      /has 246,832 bytes, but model\.json describes 246,824 bytes of weights: it belongs to another model/,
    ],
    [
      'an unknown layer class',
      () =>
        bad((j, w) => {
          const layers = (j['modelTopology'] as { config: { layers: { class_name: string }[] } }).config.layers;
          layers[1]!.class_name = 'FancyPooling';
          return [json('model.json', j), { name: W, bytes: w }];
        }),
      /^The model in model\.json uses a layer type this app does not know: FancyPooling\./,
    ],
    [
      'weights that do not fit the layers',
      () =>
        bad((j, w) => {
          const entry = (j['weightsManifest'] as { weights: { name: string }[] }[])[0]!.weights[0]!;
          entry.name = 'elsewhere/kernel';
          return [json('model.json', j), { name: W, bytes: w }];
        }),
      /^The weights in model\.json do not fit its layers: /,
    ],
    [
      'a CIFAR-10 model on MNIST',
      () =>
        bad(
          (j, w) => [json('cifar.json', j), { name: 'cifar10-lenet5.weights.bin', bytes: w }],
          { ...DEFAULT_SETTINGS, dataset: 'cifar10' },
          { height: 32, width: 32, channels: 3 },
        ),
      /^The model in cifar\.json takes 32×32×3 images, but MNIST digits has 28×28×1 images\. It was trained on CIFAR-10: choose that dataset and load it again\.$/,
    ],
    [
      'five classes, not ten',
      () => bad((j, w) => [json('model.json', j), { name: W, bytes: w }], DEFAULT_SETTINGS, undefined, 5),
      /^The model in model\.json gives 5 outputs, but MNIST digits has 10 classes\.$/,
    ],
    [
      'two .json files',
      async () => [json('a.json', {}), json('b.json', {})],
      /^Choose one model at a time: a\.json and b\.json are both \.json files\.$/,
    ],
  ];
  for (const [label, make, message] of cases) {
    it(label, async () => {
      const files = await make();
      const error = await loadModelFiles(files, MNIST).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DataFormatError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toMatch(/\n\s+at /);
    });
  }
});
