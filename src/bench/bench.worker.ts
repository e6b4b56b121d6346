/// <reference lib="webworker" />
/**
 * The benchmark worker: runs the app's own code (backend start-up from src/worker/backend.ts, dataset
 * loading from src/worker/datasets.ts, the core's `train` and `evaluate`) on request and times it.
 * One worker per backend, so the first batch on a backend includes its shader compilation.
 */
import * as tf from '@tensorflow/tfjs';
import { wholeSet, type Subset } from '../core/data/batches';
import type { DatasetSplit } from '../core/data/types';
import { buildModel } from '../core/model';
import { createOptimizer } from '../core/optimizers';
import { THREADS_MARGIN } from '../core/backendChoice';
import { restoreShippedWasmKernels } from '../core/wasmKernels';
import { DEFAULT_SETTINGS, type Settings } from '../core/settings';
import { evaluate, macrotask, RunControl, train, type TrainObserver } from '../core/train';
import { appBaseUrl } from '../shared/appBase';
import { initBackend, setWasmThreads, wasmThreadInfo } from '../worker/backend';
import { loadDataset } from '../worker/datasets';
import { measureBackends, probeEnvironment } from '../worker/probe';
import type { BenchReplies, BenchRequest, FromBenchWorker, MemorySample, ToBenchWorker } from './protocol';

/**
 * @tensorflow/tfjs-backend-webgpu, loaded only when asked for (it is a bench-only dependency).
 * WebGPU exists only in a secure context and, in headless Chromium without a GPU, only with
 * `--enable-unsafe-webgpu` (then on SwiftShader).
 */
async function startWebGpu(): Promise<BenchReplies['init']> {
  const start = performance.now();
  type Adapter = { readonly info?: { readonly vendor?: string; readonly architecture?: string; readonly description?: string } };
  const gpu = (self.navigator as unknown as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  const none = (reason: string): BenchReplies['init'] => ({
    backend: 'none',
    reason,
    renderer: null,
    seconds: (performance.now() - start) / 1000,
  });
  if (!gpu) return none('this browser has no WebGPU here (navigator.gpu is missing)');
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return none('WebGPU gave no adapter (headless Chromium needs --enable-unsafe-webgpu)');
  const info = adapter.info;
  const renderer = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
  await import('@tensorflow/tfjs-backend-webgpu');
  const ok = await tf.setBackend('webgpu').catch(() => false);
  if (!ok) return none(`tfjs could not start WebGPU on ${renderer}`);
  await tf.ready();
  return { backend: 'webgpu', reason: `WebGPU adapter: ${renderer}`, renderer, seconds: (performance.now() - start) / 1000 };
}

declare const self: DedicatedWorkerGlobalScope;

const WASM_PATH = `${appBaseUrl()}tfjs-wasm/`;
const NUM_CLASSES = 10;

const post = (message: FromBenchWorker) => self.postMessage(message);
const silent: TrainObserver = { onBatches: () => {}, onProgress: () => {}, onEpoch: () => {} };

let mnist: DatasetSplit | null = null;
let resumeMemory: (() => void) | null = null;

async function data(): Promise<DatasetSplit> {
  mnist ??= await loadDataset('mnist', () => {});
  return mnist;
}

/** The first `n` examples of `set` (in file order; `train` shuffles them). */
function first(set: DatasetSplit['train'], n: number): Subset {
  const whole = wholeSet(set);
  return { source: set, indices: whole.indices.subarray(0, Math.min(n, set.count)) };
}

/** The app's defaults (LeNet-5 modern, SGD + momentum 0.9, learning rate 0.01) at `batchSize`. */
const settingsFor = (batchSize: number, epochs = 1): Settings => ({ ...DEFAULT_SETTINGS, batchSize, epochs, validationSize: 0 });

function memorySample(epoch: number): MemorySample {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPUAllocated?: number };
  return {
    epoch,
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    numDataBuffers: m.numDataBuffers,
    gpuBytes: m.numBytesInGPUAllocated ?? null,
  };
}

/** Starts `request.backend` (WebGPU here, the others through the app's own start-up) and times it. */
async function startBackend(request: Extract<BenchRequest, { kind: 'init' }>): Promise<BenchReplies['init']> {
  if (request.backend === 'webgpu') return await startWebGpu();
  const start = performance.now();
  if (request.threads !== undefined) setWasmThreads(request.threads);
  const info = await initBackend(request.backend, WASM_PATH);
  for (const [flag, value] of Object.entries(request.flags ?? {})) tf.env().set(flag, value);
  if (request.shippedKernels && info.name === 'wasm') restoreShippedWasmKernels();
  const threads = info.name === 'wasm' ? wasmThreadInfo() : null;
  return {
    backend: info.name,
    reason: info.reason,
    renderer: info.renderer ?? null,
    seconds: (performance.now() - start) / 1000,
    ...(threads ? { threads } : {}),
    isolated: self.crossOriginIsolated === true,
  };
}

/** Loads a dataset through the app's own loader and times it. */
async function loadData(request: Extract<BenchRequest, { kind: 'load' }>): Promise<BenchReplies['load']> {
  const start = performance.now();
  const split = await loadDataset(request.dataset, () => {});
  return { dataset: request.dataset, seconds: (performance.now() - start) / 1000, train: split.train.count, test: split.test.count };
}

/** Times the first training step, its loss read back (on WebGL, shader compilation included). */
async function firstBatch(request: Extract<BenchRequest, { kind: 'first-batch' }>): Promise<BenchReplies['first-batch']> {
  const d = await data();
  const settings = settingsFor(request.batchSize);
  // What "Train" does once the data is in memory: build the model and optimizer, run one step,
  // read its loss back. On WebGL this compiles every shader the step needs.
  const start = performance.now();
  const model = buildModel(settings, d.train, NUM_CLASSES);
  const optimizer = createOptimizer(settings);
  let ms = NaN;
  let loss = NaN;
  try {
    await train({
      model,
      optimizer,
      train: first(d.train, request.batchSize),
      validation: null,
      test: first(d.test, request.batchSize),
      numClasses: NUM_CLASSES,
      settings,
      control: new RunControl(),
      observer: {
        ...silent,
        onBatches: (points) => {
          if (Number.isNaN(ms)) {
            ms = performance.now() - start;
            loss = points[0]?.loss ?? NaN;
          }
        },
      },
    });
  } finally {
    model.dispose();
    optimizer.dispose();
  }
  return { ms, loss };
}

/** Training throughput (examples per second) over `request.repeats` timed repeats, after a warm-up. */
async function throughput(request: Extract<BenchRequest, { kind: 'throughput' }>): Promise<BenchReplies['throughput']> {
  const d = await data();
  const { batchSize } = request;
  const settings = settingsFor(batchSize);
  const model = buildModel(settings, d.train, NUM_CLASSES);
  const optimizer = createOptimizer(settings);
  const test = first(d.test, 100);
  // One `train` call per repeat: `steps` full batches, then a tiny evaluation that is not timed
  // (EpochMetrics.examplesPerSecond counts the training steps only, final metric read included).
  const run = async (steps: number) => {
    const result = await train({
      model,
      optimizer,
      train: first(d.train, steps * batchSize),
      validation: null,
      test,
      numClasses: NUM_CLASSES,
      settings,
      control: new RunControl(),
      observer: silent,
    });
    return result.history[0]?.examplesPerSecond ?? NaN;
  };
  try {
    await run(1);
    const warmupRate = await run(Math.ceil(256 / batchSize));
    const steps = Math.max(
      1,
      Math.min(Math.floor(d.train.count / batchSize), Math.round((warmupRate * request.secondsPerRepeat) / batchSize)),
    );
    const tensorsBefore = tf.memory().numTensors;
    const samples: number[] = [];
    for (let r = 0; r < request.repeats; r++) samples.push(await run(steps));
    return { samples, steps, warmupRate, tensorsBefore, tensorsAfter: tf.memory().numTensors };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

/** Test-set inference throughput (images per second) over `request.repeats` repeats. */
async function inference(request: Extract<BenchRequest, { kind: 'inference' }>): Promise<BenchReplies['inference']> {
  const d = await data();
  const model = buildModel(settingsFor(32), d.train, NUM_CLASSES);
  try {
    const all = wholeSet(d.test);
    await evaluate(model, first(d.test, 1000), NUM_CLASSES);
    const samples: number[] = [];
    for (let r = 0; r < request.repeats; r++) {
      const start = performance.now();
      await evaluate(model, all, NUM_CLASSES);
      samples.push(all.indices.length / ((performance.now() - start) / 1000));
    }
    return { samples, images: all.indices.length };
  } finally {
    model.dispose();
  }
}

/** tf.memory() after each epoch of a run: the page reads each sample and sends `continue` to go on. */
async function memory(request: Extract<BenchRequest, { kind: 'memory' }>): Promise<BenchReplies['memory']> {
  const d = await data();
  const settings = settingsFor(request.batchSize, request.epochs);
  const samples: MemorySample[] = [memorySample(0)];
  const model = buildModel(settings, d.train, NUM_CLASSES);
  const optimizer = createOptimizer(settings);
  let epochDone = false;
  try {
    await train({
      model,
      optimizer,
      train: first(d.train, request.examples),
      validation: null,
      test: first(d.test, request.testImages),
      numClasses: NUM_CLASSES,
      settings,
      control: new RunControl(),
      observer: { ...silent, onEpoch: () => (epochDone = true) },
      // The loop yields right after each epoch's callback: sample there, then wait for the driver.
      yieldNow: async () => {
        if (!epochDone) return macrotask();
        epochDone = false;
        const sample = memorySample(samples.length);
        samples.push(sample);
        post({ type: 'memory-epoch', sample });
        await new Promise<void>((resolve) => (resumeMemory = resolve));
      },
    });
  } finally {
    model.dispose();
    optimizer.dispose();
  }
  return { samples };
}

/** The app's backend measurement (probe.ts), measured afresh. */
async function probe(request: Extract<BenchRequest, { kind: 'probe' }>): Promise<BenchReplies['probe']> {
  const outcome = await measureBackends(settingsFor(request.batchSize), WASM_PATH, true);
  return {
    results: outcome.results,
    chosen: outcome.chosen,
    reason: outcome.reason,
    probeMs: outcome.probeMs,
    startMs: outcome.startMs ?? null,
    environment: probeEnvironment(),
    threadsMargin: THREADS_MARGIN,
  };
}

async function handle(request: BenchRequest): Promise<BenchReplies[BenchRequest['kind']]> {
  switch (request.kind) {
    case 'init':
      return startBackend(request);
    case 'load':
      return loadData(request);
    case 'first-batch':
      return firstBatch(request);
    case 'throughput':
      return throughput(request);
    case 'inference':
      return inference(request);
    case 'memory':
      return memory(request);
    case 'probe':
      return probe(request);
    default: {
      const unknown: never = request;
      throw new Error(`unknown request ${JSON.stringify(unknown)}`);
    }
  }
}

self.onmessage = (event: MessageEvent<ToBenchWorker>) => {
  const message = event.data;
  if (message.type === 'continue') {
    resumeMemory?.();
    resumeMemory = null;
    return;
  }
  handle(message.request).then(
    (result) => post({ type: 'reply', id: message.id, ok: true, result }),
    (error: unknown) =>
      post({
        type: 'reply',
        id: message.id,
        ok: false,
        error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error),
      }),
  );
};
