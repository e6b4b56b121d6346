/// <reference lib="webworker" />
/**
 * One replica of data-parallel training for the benchmark: tfjs WASM on ONE thread, the app's default
 * LeNet-5 and optimizer, its slice of every batch. W of these train one model together, meeting at the
 * barrier of a shared gradient exchange (src/core/training/dataParallel.ts, replica.ts); the page only
 * posts requests and awaits replies. Blocking in Atomics.wait is fine here: this is a worker.
 */
import * as tf from '@tensorflow/tfjs';
import { fillBatch, imageSize, wholeSet, type Subset } from '../core/data/batches';
import type { ImageSet } from '../core/data/types';
import { buildModel } from '../core/model';
import { createOptimizer } from '../core/optimizers';
import { createRng, deriveSeed, permutation, type Rng } from '../core/rng';
import { DEFAULT_SETTINGS, type Settings } from '../core/settings';
import { fingerprint, GradientExchange, sliceOf } from '../core/training/dataParallel';
import { Replica, type StepPhases } from '../core/training/replica';
import { appBaseUrl } from '../shared/appBase';
import { initBackend, setWasmThreads, wasmThreadInfo } from '../worker/backend';
import { loadDataset } from '../worker/datasets';
import type { FromReplica, ReplicaReplies, ReplicaRequest, ToReplica } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const WASM_PATH = `${appBaseUrl()}tfjs-wasm/`;
const NUM_CLASSES = 10;

let me = { index: 0, replicas: 1 };
let trainSet: ImageSet | null = null;

/** What one `setup` builds: a model and optimizer, the data order, the exchange. */
class Run {
  private readonly model: tf.LayersModel;
  private readonly optimizer: tf.Optimizer;
  private readonly replica: Replica;
  private readonly exchange: GradientExchange;
  private readonly subset: Subset;
  private readonly rng: Rng;
  private order: Uint32Array;
  private cursor = 0;
  private step = 0;
  private readonly shape: readonly number[];
  private readonly slice: { start: number; size: number };
  private readonly xBuf: Float32Array;
  private readonly yBuf: Float32Array;

  constructor(
    set: ImageSet,
    private readonly settings: Settings,
    buffer: SharedArrayBuffer,
  ) {
    this.model = buildModel(settings, set, NUM_CLASSES);
    this.optimizer = createOptimizer(settings);
    this.replica = new Replica(this.model, this.optimizer);
    this.exchange = new GradientExchange(buffer, me.replicas, this.replica.params, me.index);
    this.subset = wholeSet(set);
    // The global batches are the same for every W: a seeded walk through the training set.
    this.rng = createRng(deriveSeed(settings.seed, 'shuffle'));
    this.order = permutation(set.count, this.rng);
    this.shape = [set.height, set.width, set.channels];
    this.slice = sliceOf(settings.batchSize, me.replicas, me.index);
    this.xBuf = new Float32Array(this.slice.size * imageSize(set));
    this.yBuf = new Float32Array(this.slice.size * NUM_CLASSES);
  }

  get params(): number {
    return this.replica.params;
  }

  /** `steps` synchronous steps, timed between the barriers before the first and after the last. */
  train(steps: number): ReplicaReplies['train'] {
    const { batchSize } = this.settings;
    const losses: number[] = [];
    const phases: StepPhases = { gradientMs: 0, waitMs: 0, applyMs: 0 };
    const tensorsBefore = tf.memory().numTensors;
    this.exchange.barrier.wait();
    const start = performance.now();
    for (let s = 0; s < steps; s++) {
      if (this.cursor + batchSize > this.order.length) {
        this.order = permutation(this.order.length, this.rng);
        this.cursor = 0;
      }
      fillBatch(this.subset, this.order, this.cursor + this.slice.start, this.slice.size, NUM_CLASSES, this.xBuf, this.yBuf);
      this.cursor += batchSize;
      losses.push(this.replica.step(this.exchange, this.step++, this.xBuf, this.yBuf, this.slice.size, this.shape, NUM_CLASSES, phases));
    }
    this.exchange.barrier.wait();
    const seconds = (performance.now() - start) / 1000;
    const weights = fingerprint(this.replica.weights());
    return { seconds, losses, tensorsBefore, tensorsAfter: tf.memory().numTensors, fingerprint: weights, phases };
  }

  weights(): Float32Array {
    return this.replica.weights();
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}

let run: Run | null = null;

async function start(request: Extract<ReplicaRequest, { kind: 'start' }>): Promise<ReplicaReplies['start']> {
  const began = performance.now();
  me = { index: request.index, replicas: request.replicas };
  setWasmThreads(1);
  const info = await initBackend('wasm', WASM_PATH);
  if (info.name !== 'wasm') throw new Error(`WASM did not start: ${info.reason}`);
  trainSet = (await loadDataset('mnist', () => {})).train;
  const model = buildModel(DEFAULT_SETTINGS, trainSet, NUM_CLASSES);
  const params = model.countParams();
  model.dispose();
  return {
    backend: info.name,
    threads: wasmThreadInfo()?.count ?? 1,
    isolated: self.crossOriginIsolated === true,
    seconds: (performance.now() - began) / 1000,
    params,
  };
}

function handle(request: ReplicaRequest): Promise<ReplicaReplies[ReplicaRequest['kind']]> | ReplicaReplies[ReplicaRequest['kind']] {
  switch (request.kind) {
    case 'start':
      return start(request);
    case 'setup': {
      if (!trainSet) throw new Error('setup before start');
      run?.dispose();
      run = null;
      run = new Run(trainSet, { ...DEFAULT_SETTINGS, batchSize: request.batchSize, seed: request.seed, validationSize: 0 }, request.buffer);
      return { params: run.params };
    }
    case 'train':
      if (!run) throw new Error('train before setup');
      return run.train(request.steps);
    case 'weights': {
      if (!run) throw new Error('weights before setup');
      const weights = run.weights();
      return { weights, fingerprint: fingerprint(weights) };
    }
    default: {
      const unknown: never = request;
      throw new Error(`unknown request ${JSON.stringify(unknown)}`);
    }
  }
}

self.onmessage = (event: MessageEvent<ToReplica>) => {
  const { id, request } = event.data;
  const post = (m: FromReplica) => self.postMessage(m);
  Promise.resolve()
    .then(() => handle(request))
    .then(
      (result) => post({ id, ok: true, result }),
      (error: unknown) => post({ id, ok: false, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) }),
    );
};
