/**
 * Trained models as files, in the standard TensorFlow.js LayersModel format: a model.json (topology,
 * weights manifest, metadata) and one weights .bin, as `tf.io.browserDownloads` writes them, so
 * `tf.loadLayersModel` reads them in any tfjs app. Reading checks every way such a pair can be wrong
 * and says which, as a `DataFormatError`; nothing half-built is left behind.
 *
 * model.json's `userDefinedMetadata` ({@link ModelMetadata}) holds what it takes to use the model
 * again: dataset, input shape, class names, the run's settings (URL query) and the pixel
 * preprocessing the model was trained with. The model outputs logits; probabilities are their softmax.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedBytes } from './data/cifar';
import { makePreprocessing, unitPreprocessing, type Preprocessing } from './data/transforms';
import { DataFormatError } from './data/types';
import { DATASETS, SETTINGS, type DatasetId } from './settings';
import { errorText } from './errorText';

export const MODEL_FORMAT = 'cnn-playground-model';
export const MODEL_FORMAT_VERSION = 1;

/** One file to hand to the UI for download; `bytes` is transferable. */
export interface ModelFile {
  readonly name: string;
  readonly bytes: ArrayBuffer;
}

/** What each image goes through before the model, as numbers and in words. */
export interface PreprocessingRecord {
  readonly formula: string;
  /** v is |b/255 − mean of that image's channel| instead of b/255. */
  readonly absMean: boolean;
  /** Per channel, subtracted from v. */
  readonly mean: readonly number[];
  /** Per channel, divides v − mean. */
  readonly std: readonly number[];
}

/** model.json's `userDefinedMetadata` as this app writes it. */
export interface ModelMetadata {
  readonly format: typeof MODEL_FORMAT;
  readonly version: number;
  /** The dataset it was trained on. */
  readonly dataset: DatasetId;
  /** One image: [height, width, channels], channels last. */
  readonly inputShape: readonly [number, number, number];
  readonly classNames: readonly string[];
  /** The run's settings as this app's URL query (`serializeSettings`); open `/?<settings>` to train it again. */
  readonly settings: string;
  readonly preprocessing: PreprocessingRecord;
  /** The output layer is linear: softmax gives the class probabilities. */
  readonly output: 'logits';
  /** Epochs trained. */
  readonly epochs: number;
  /** Accuracy on the dataset's official test set when saved; null when not evaluated yet. */
  readonly testAccuracy: number | null;
}

const FORMULA =
  'x = (v − mean[c]) / std[c] with v = b / 255 for byte b (0..255) of channel c; images are height × width × channels (channels last). With absMean, v = |b/255 − mean of that image’s channel c|.';

export function preprocessingRecord(p: Preprocessing): PreprocessingRecord {
  return { formula: FORMULA, absMean: p.absMean, mean: [...p.mean], std: [...p.std] };
}

export function describeMetadata(
  args: Omit<ModelMetadata, 'format' | 'version' | 'output' | 'preprocessing'> & { preprocessing: Preprocessing },
): ModelMetadata {
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    ...args,
    preprocessing: preprocessingRecord(args.preprocessing),
    output: 'logits',
  };
}

/** The dataset's name as the settings panel shows it. */
export function datasetLabel(id: DatasetId): string {
  return SETTINGS.dataset.options.find((o) => o.value === id)?.label ?? id;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const shapeText = (s: readonly number[]) => s.join('×');

// ---------------------------------------------------------------------------------------------
// Saving

/**
 * This app's own classes that only matter in training, replaced in the saved topology by the standard
 * ones they equal at inference, so that more saved models load in any tfjs app: SeededDropout (an
 * identity outside training) becomes Dropout, the corrected truncated-normal initialiser becomes
 * VarianceScaling (initialisers are never run on a loaded model). ScaledTanh and AlphaElu compute
 * something no single standard layer does and stay as they are.
 */
function portable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(portable);
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = portable(v);
  const config = (out['config'] ?? {}) as Record<string, unknown>;
  if (out['class_name'] === 'SeededDropout') {
    out['class_name'] = 'Dropout';
    out['config'] = { name: config['name'], trainable: config['trainable'], rate: config['rate'] };
  } else if (out['class_name'] === 'CorrectedNormalScaling') {
    out['class_name'] = 'VarianceScaling';
    out['config'] = { scale: config['scale'], mode: config['mode'], distribution: 'truncated_normal', seed: config['seed'] };
  }
  return out;
}

/**
 * model.json (with `metadata` as its userDefinedMetadata) and `<baseName>.weights.bin`, the way
 * `tf.io.browserDownloads` lays them out. Reads the weights once (asynchronously); the model is not
 * changed.
 */
export async function saveModelFiles(
  model: tf.LayersModel,
  metadata: ModelMetadata,
  baseName: string,
): Promise<{ json: ModelFile; weights: ModelFile }> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler((artifacts) => {
      captured = artifacts;
      return Promise.resolve({ modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) });
    }),
  );
  const artifacts = captured as tf.io.ModelArtifacts | null;
  if (!artifacts?.weightSpecs || artifacts.weightData === undefined) throw new Error('the model gave no weights to save');
  const weightsName = `${baseName}.weights.bin`;
  const modelJson: tf.io.ModelJSON = {
    modelTopology: portable(artifacts.modelTopology) as tf.io.ModelJSON['modelTopology'],
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    weightsManifest: [{ paths: [`./${weightsName}`], weights: artifacts.weightSpecs }],
    userDefinedMetadata: metadata as unknown as Record<string, object>,
  };
  const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const json = new TextEncoder().encode(JSON.stringify(modelJson)).buffer;
  return { json: { name: `${baseName}.json`, bytes: json }, weights: { name: weightsName, bytes: weights } };
}

// ---------------------------------------------------------------------------------------------
// Loading

/** What the chosen dataset feeds a model. */
export interface ExpectedInput {
  readonly dataset: DatasetId;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly numClasses: number;
}

export interface LoadedModel {
  /** The caller owns it and must dispose it. */
  readonly model: tf.LayersModel;
  /** Null when model.json has none of this app's metadata (a model from elsewhere) or it is unreadable. */
  readonly metadata: ModelMetadata | null;
  /** What the images go through before this model: the recorded preprocessing, else [0, 1] scaling. */
  readonly preprocessing: Preprocessing;
  /** The model.json's file name. */
  readonly fileName: string;
  /** Things the user should know that are not errors (phrased for the UI). */
  readonly notes: readonly string[];
}

/** model.json parsed and checked, with its weights found and measured: ready to build. */
interface CheckedFiles {
  readonly fileName: string;
  readonly topology: Record<string, unknown>;
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  readonly weightData: ArrayBuffer;
  readonly userDefinedMetadata: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes of one manifest entry, or null when it is not a valid entry. */
function entryBytes(entry: unknown): number | null {
  if (!isObject(entry) || typeof entry['name'] !== 'string' || !Array.isArray(entry['shape'])) return null;
  const shape = entry['shape'] as unknown[];
  if (!shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) return null;
  const quantization = entry['quantization'];
  const dtype = isObject(quantization) ? quantization['dtype'] : entry['dtype'];
  const size = typeof dtype === 'string' ? BYTES_PER_VALUE[dtype] : undefined;
  if (size === undefined) return null;
  return (shape as number[]).reduce((a, b) => a * b, 1) * size;
}

/** The name a path in the manifest has on disk ("./x.weights.bin" → "x.weights.bin"). */
function basename(path: string): string {
  return path.split(/[\\/]/).pop()!.split('?')[0]!;
}

/** Layer class names of a Sequential or functional topology (one level: this app builds no nested models). */
function layerClasses(config: Record<string, unknown>): string[] | null {
  const inner = config['config'];
  // Sequential topologies of old Keras versions hold the layer list directly.
  const layers = Array.isArray(inner) ? inner : isObject(inner) ? inner['layers'] : null;
  if (!Array.isArray(layers)) return null;
  return layers.map((l) => (isObject(l) && typeof l['class_name'] === 'string' ? l['class_name'] : '?'));
}

/** The one model.json among `files`, and the other files (the weights candidates). */
function pickModelJson(files: readonly NamedBytes[]): { file: NamedBytes; others: NamedBytes[] } {
  const jsons = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  const others = files.filter((f) => !f.name.toLowerCase().endsWith('.json'));
  if (jsons.length === 0) {
    throw new DataFormatError(
      files.length === 0
        ? 'Choose a model: its model.json and its weights file (.bin), both at once.'
        : `No .json file among ${files.map((f) => f.name).join(', ')}: choose the model's model.json together with its weights file (.bin).`,
    );
  }
  if (jsons.length > 1)
    throw new DataFormatError(`Choose one model at a time: ${jsons.map((f) => f.name).join(' and ')} are both .json files.`);
  return { file: jsons[0]!, others };
}

/** model.json parsed: a JSON object with modelTopology and weightsManifest (not a graph model). */
function parseModelJson(file: NamedBytes): Record<string, unknown> {
  const name = file.name;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.bytes));
  } catch {
    throw new DataFormatError(
      `${name} is not JSON, so it is not a TensorFlow.js model.json. Choose the .json file that was saved with the model.`,
    );
  }
  if (!isObject(parsed))
    throw new DataFormatError(
      `${name} is JSON but not a TensorFlow.js model: a model.json is an object with modelTopology and weightsManifest.`,
    );
  if (parsed['format'] === 'graph-model') {
    throw new DataFormatError(
      `${name} is a TensorFlow.js graph model (converted from a TensorFlow SavedModel); only layers models, as this app saves them, can be loaded.`,
    );
  }
  const missing = ['modelTopology', 'weightsManifest'].filter((k) => !(k in parsed));
  if (missing.length > 0) {
    throw new DataFormatError(`${name} is JSON but not a TensorFlow.js layers model: it has no ${missing.join(' and no ')}.`);
  }
  return parsed;
}

/** Checks that `rawTopology` is a Keras model description whose layer types tfjs knows. */
function checkTopology(name: string, rawTopology: unknown): void {
  const topology = isObject(rawTopology) && isObject(rawTopology['model_config']) ? rawTopology['model_config'] : rawTopology;
  const classes = isObject(topology) ? layerClasses(topology) : null;
  if (!isObject(topology) || typeof topology['class_name'] !== 'string' || !classes) {
    throw new DataFormatError(
      `${name} is JSON but not a TensorFlow.js layers model: its modelTopology is not a Keras model description (no class_name and layer list).`,
    );
  }
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  const unknown = [...new Set(classes.filter((c) => !(c in known)))];
  if (!(topology['class_name'] in known)) unknown.unshift(topology['class_name']);
  if (unknown.length > 0) {
    throw new DataFormatError(
      `The model in ${name} uses ${unknown.length === 1 ? 'a layer type' : 'layer types'} this app does not know: ${unknown.join(', ')}. Only the standard TensorFlow.js layers and this app's own can be loaded.`,
    );
  }
}

/** The weights manifest read: each group's paths and byte count, and all weight entries in order. */
function readManifest(
  name: string,
  groups: unknown,
): { groups: { paths: string[]; bytes: number }[]; specs: tf.io.WeightsManifestEntry[] } {
  const malformed = () => new DataFormatError(`${name} is not a readable TensorFlow.js layers model: its weightsManifest is malformed.`);
  if (!Array.isArray(groups)) throw malformed();
  const read: { paths: string[]; bytes: number }[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of groups) {
    if (!isObject(group) || !Array.isArray(group['paths']) || !Array.isArray(group['weights'])) throw malformed();
    const groupPaths = group['paths'] as unknown[];
    if (!groupPaths.every((p) => typeof p === 'string')) throw malformed();
    let bytes = 0;
    for (const entry of group['weights'] as unknown[]) {
      const size = entryBytes(entry);
      if (size === null) {
        const dtype = isObject(entry) ? String(entry['dtype']) : '?';
        throw dtype === 'string' ? new DataFormatError(`${name} has string weights; only numeric weights can be loaded.`) : malformed();
      }
      bytes += size;
      specs.push(entry as tf.io.WeightsManifestEntry);
    }
    read.push({ paths: groupPaths, bytes });
  }
  return { groups: read, specs };
}

/**
 * The weights files, by the names the manifest gives them. A browser may rename a second download of
 * the same name ("x.weights (1).bin"): a single .bin for a single path is taken whatever its name.
 */
function findWeightFiles(name: string, paths: readonly string[], others: readonly NamedBytes[]): NamedBytes[] {
  const byName = new Map(others.map((f) => [f.name, f]));
  const wanted = paths.map(basename);
  const found = wanted.map((w) => byName.get(w) ?? null);
  if (found.some((f) => f === null)) {
    if (wanted.length === 1 && others.length === 1) found[0] = others[0]!;
    else {
      const absent = wanted.filter((_, i) => found[i] === null);
      throw new DataFormatError(
        `The weights file ${absent.join(', ')} is missing: choose it together with ${name} (select both files at once${others.length ? `; got ${others.map((f) => f.name).join(', ')}` : ''}).`,
      );
    }
  }
  return found as NamedBytes[];
}

/** Checks that each manifest group's files hold exactly the bytes its weights need (truncated, or another model's). */
function checkWeightSizes(
  name: string,
  groups: readonly { paths: readonly string[]; bytes: number }[],
  weightFiles: readonly NamedBytes[],
): void {
  let at = 0;
  for (const group of groups) {
    const count = group.paths.length;
    const groupFiles = weightFiles.slice(at, at + count);
    at += count;
    const actual = groupFiles.reduce((sum, f) => sum + f.bytes.byteLength, 0);
    const expected = group.bytes;
    const which = groupFiles.map((f) => f.name).join(' + ') || '(no weights file)';
    if (actual < expected)
      throw new DataFormatError(
        `${which} is truncated: it has ${fmt(actual)} bytes, but ${name} describes ${fmt(expected)} bytes of weights. Download the model again (both files), or choose the complete weights file.`,
      );
    if (actual > expected)
      throw new DataFormatError(
        `${which} has ${fmt(actual)} bytes, but ${name} describes ${fmt(expected)} bytes of weights: it belongs to another model. Choose the weights file that was saved with ${name}.`,
      );
  }
}

/** The files' bytes one after the other, in one buffer. */
function concatBytes(files: readonly NamedBytes[]): ArrayBuffer {
  const total = files.reduce((sum, f) => sum + f.bytes.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const f of files) {
    out.set(f.bytes, offset);
    offset += f.bytes.byteLength;
  }
  return out.buffer;
}

/** Finds model.json and its weights among `files` and checks everything that can be checked without tfjs. */
export function checkModelFiles(files: readonly NamedBytes[]): CheckedFiles {
  const { file, others } = pickModelJson(files);
  const name = file.name;
  const parsed = parseModelJson(file);
  const rawTopology = parsed['modelTopology'];
  checkTopology(name, rawTopology);
  const { groups, specs } = readManifest(name, parsed['weightsManifest']);
  const weightFiles = findWeightFiles(
    name,
    groups.flatMap((g) => g.paths),
    others,
  );
  checkWeightSizes(name, groups, weightFiles);
  return {
    fileName: name,
    topology: rawTopology as Record<string, unknown>,
    weightSpecs: specs,
    weightData: concatBytes(weightFiles),
    userDefinedMetadata: parsed['userDefinedMetadata'],
  };
}

const finiteList = (v: unknown, n: number): v is number[] =>
  Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** This app's metadata when `value` is a readable copy of it for images of `channels` channels; else null. */
export function readMetadata(value: unknown, channels: number): ModelMetadata | null {
  if (!isObject(value) || value['format'] !== MODEL_FORMAT) return null;
  const p = value['preprocessing'];
  const shape = value['inputShape'];
  if (
    !isObject(p) ||
    typeof p['absMean'] !== 'boolean' ||
    !finiteList(p['mean'], channels) ||
    !finiteList(p['std'], channels) ||
    !p['std'].every((s) => s > 0) ||
    !(DATASETS as readonly unknown[]).includes(value['dataset']) ||
    !finiteList(shape, 3) ||
    !Array.isArray(value['classNames']) ||
    typeof value['settings'] !== 'string'
  ) {
    return null;
  }
  return value as unknown as ModelMetadata;
}

function firstLine(error: unknown): string {
  const text = errorText(error);
  return text.split('\n')[0]!.slice(0, 200);
}

/**
 * Reads a model from its model.json and weights file(s) and checks it against the chosen dataset:
 * one image input of the dataset's shape, one output per class.
 *
 * @throws DataFormatError naming what is wrong: not JSON; JSON but not a layers model; an unknown layer
 *   type; a weights file missing, truncated or too long; weights that do not fit the layers; an input
 *   shape or class count that differs from the dataset's (both shapes named).
 */
export async function loadModelFiles(files: readonly NamedBytes[], expected: ExpectedInput): Promise<LoadedModel> {
  const checked = checkModelFiles(files);
  const name = checked.fileName;
  const recorded =
    isObject(checked.userDefinedMetadata) && checked.userDefinedMetadata['format'] === MODEL_FORMAT ? checked.userDefinedMetadata : null;
  const trainedOn = recorded && (DATASETS as readonly unknown[]).includes(recorded['dataset']) ? (recorded['dataset'] as DatasetId) : null;

  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: checked.topology as tf.io.ModelJSON['modelTopology'] });
  } catch (error) {
    throw new DataFormatError(`The model in ${name} could not be built: ${firstLine(error)}`);
  }
  try {
    const inputs = model.inputs;
    const outputs = model.outputs;
    if (inputs.length !== 1 || outputs.length !== 1)
      throw new DataFormatError(
        `The model in ${name} has ${inputs.length} inputs and ${outputs.length} outputs; this app's models take one image and give one output.`,
      );
    const want = [expected.height, expected.width, expected.channels];
    const got = inputs[0]!.shape.slice(1);
    if (got.length !== 3 || got.some((d, i) => d !== want[i])) {
      const hint =
        trainedOn && trainedOn !== expected.dataset
          ? ` It was trained on ${datasetLabel(trainedOn)}: choose that dataset and load it again.`
          : '';
      const what =
        got.length === 3 ? `${shapeText(got.map((d) => d ?? 0))} images` : `inputs of shape [${got.map((d) => d ?? '?').join(', ')}]`;
      throw new DataFormatError(
        `The model in ${name} takes ${what}, but ${datasetLabel(expected.dataset)} has ${shapeText(want)} images.${hint}`,
      );
    }
    const out = outputs[0]!.shape;
    if (out.length !== 2 || out[1] !== expected.numClasses) {
      throw new DataFormatError(
        `The model in ${name} gives ${out.length === 2 ? `${String(out[1])} outputs` : `outputs of shape [${out.map((d) => d ?? '?').join(', ')}]`}, but ${datasetLabel(expected.dataset)} has ${expected.numClasses} classes.`,
      );
    }
    const weights = tf.io.decodeWeights(checked.weightData, checked.weightSpecs);
    try {
      model.loadWeights(weights, true);
    } catch (error) {
      throw new DataFormatError(`The weights in ${name} do not fit its layers: ${firstLine(error)}`);
    } finally {
      tf.dispose(Object.values(weights));
    }
  } catch (error) {
    model.dispose();
    throw error;
  }

  const notes: string[] = [];
  const metadata = readMetadata(checked.userDefinedMetadata, expected.channels);
  if (!metadata) {
    notes.push(
      recorded
        ? 'Its record of the input preprocessing is unreadable, so pixels are scaled to [0, 1].'
        : 'It was not saved by this app and records no input preprocessing, so pixels are scaled to [0, 1].',
    );
  } else if (metadata.dataset !== expected.dataset) {
    notes.push(`It was trained on ${datasetLabel(metadata.dataset)} and is evaluated on ${datasetLabel(expected.dataset)}.`);
  }
  const preprocessing = metadata
    ? makePreprocessing(expected.channels, {
        absMean: metadata.preprocessing.absMean,
        mean: metadata.preprocessing.mean,
        std: metadata.preprocessing.std,
      })
    : unitPreprocessing(expected.channels);
  return { model, metadata, preprocessing, fileName: name, notes };
}
