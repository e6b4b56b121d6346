/**
 * Messages between the benchmark page (bench.html) and its worker (bench.worker.ts). Request/reply
 * by id; one request at a time per worker. The worker runs the app's own code paths (backend choice,
 * dataset loading, the core training loop and evaluation), so what it measures is what users get.
 */
import type { ProbeCandidate, ProbeEnvironment, ProbeResult } from '../core/backendChoice';
import type { BackendName, DatasetId } from '../core/settings';

/** `tf.memory()` after an epoch, plus what only some backends report. */
export interface MemorySample {
  /** 1-based epoch just finished (0: before the model was built). */
  readonly epoch: number;
  readonly numTensors: number;
  /** Bytes held by live tensors. */
  readonly numBytes: number;
  readonly numDataBuffers: number;
  /** WebGL only: bytes of GPU textures allocated (pool included — caching, not live data). */
  readonly gpuBytes: number | null;
  /** Filled in by the driver (CDP `Runtime.getHeapUsage` of the worker after a GC); null when unknown. */
  heapBytes?: number | null;
}

/**
 * The app's backends, plus WebGPU: measured by the bench only (where the browser has WebGPU), to
 * decide whether the app should offer it.
 */
export type BenchBackend = BackendName | 'webgpu';

export type BenchRequest =
  /**
   * Starts the backend exactly as the app's worker does (`initBackend`), forced to `backend`; then
   * sets the tfjs `flags` given (for experiments: e.g. `WEBGL_USE_SHAPES_UNIFORMS`).
   */
  | {
      readonly kind: 'init';
      readonly backend: BenchBackend;
      readonly flags?: Readonly<Record<string, boolean | number>>;
      /** WASM only: the kernels tfjs ships instead of ours (the "before" of the kernel work). */
      readonly shippedKernels?: boolean;
      /** WASM only: threads (1 = the single-threaded SIMD build); default as in the app, one per core. */
      readonly threads?: number;
    }
  /** Loads a dataset as the app does (fetch, Cache Storage, gunzip, parse). */
  | { readonly kind: 'load'; readonly dataset: DatasetId }
  /** Builds LeNet-5 and trains one batch: the time from "Train" to the first finished batch. */
  | { readonly kind: 'first-batch'; readonly batchSize: number }
  /** Examples/s of the core training loop (`train`) at `batchSize`: warm-up, then `repeats` timed runs. */
  | { readonly kind: 'throughput'; readonly batchSize: number; readonly repeats: number; readonly secondsPerRepeat: number }
  /** Images/s of `evaluate` over the 10,000 test images (batches of 500). */
  | { readonly kind: 'inference'; readonly repeats: number }
  /**
   * Trains `epochs` epochs in one `train` call and reports `tf.memory()` after each; the worker
   * waits for a `continue` message after each epoch so the driver can sample the heap.
   */
  | { readonly kind: 'memory'; readonly epochs: number; readonly examples: number; readonly batchSize: number; readonly testImages: number }
  /** The app's measured backend choice (a fresh probe, no cache) for the default model at `batchSize`. */
  | { readonly kind: 'probe'; readonly batchSize: number };

export interface BenchReplies {
  readonly init: {
    readonly backend: BenchBackend | 'none';
    readonly reason: string;
    readonly renderer: string | null;
    readonly seconds: number;
    /** WASM: threads it computes on, and why only one when so. */
    readonly threads?: { readonly count: number; readonly why: string | null };
    readonly isolated?: boolean;
  };
  readonly load: { readonly dataset: DatasetId; readonly seconds: number; readonly train: number; readonly test: number };
  readonly 'first-batch': { readonly ms: number; readonly loss: number };
  readonly throughput: {
    /** Examples/s of each timed repeat. */
    readonly samples: readonly number[];
    /** Steps per timed repeat. */
    readonly steps: number;
    readonly warmupRate: number;
    /** `tf.memory().numTensors` before the timed repeats and after them (equal unless something leaks). */
    readonly tensorsBefore: number;
    readonly tensorsAfter: number;
  };
  readonly inference: { readonly samples: readonly number[]; readonly images: number };
  readonly memory: { readonly samples: readonly MemorySample[] };
  readonly probe: {
    readonly results: readonly ProbeResult[];
    readonly chosen: ProbeCandidate | null;
    readonly reason: string;
    readonly probeMs: number;
    /** Of which: until every candidate's worker had started. */
    readonly startMs: number | null;
    readonly environment: ProbeEnvironment;
    /** How much faster more WASM threads must measure to be picked (backendChoice.ts). */
    readonly threadsMargin: number;
  };
}

export type ToBenchWorker =
  { readonly type: 'request'; readonly id: number; readonly request: BenchRequest } | { readonly type: 'continue' };

export type FromBenchWorker =
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly result: BenchReplies[BenchRequest['kind']] }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly type: 'memory-epoch'; readonly sample: MemorySample };

/**
 * Messages between the benchmark page and a data-parallel replica worker (replica.worker.ts): W such
 * workers, one WASM thread each, train one model together by averaging gradients over shared memory
 * (src/core/training/dataParallel.ts). Request/reply by id, one request at a time per worker; `setup`
 * and `train` go to every replica at once (they meet at the exchange buffer's barrier).
 */
export type ReplicaRequest =
  /** Starts WASM with one thread, loads MNIST, and counts the default model's trainable values. */
  | { readonly kind: 'start'; readonly index: number; readonly replicas: number }
  /**
   * A fresh model and optimizer from `seed` (the app's defaults at `batchSize`), the seeded order of
   * the training set, and `buffer` as the gradient exchange (fresh, sized for the replicas and params).
   */
  | { readonly kind: 'setup'; readonly batchSize: number; readonly seed: number; readonly buffer: SharedArrayBuffer }
  /** `steps` synchronous steps on the next global batches (each replica on its slice). */
  | { readonly kind: 'train'; readonly steps: number }
  /** The replica's trainable values, flat. */
  | { readonly kind: 'weights' };

export interface ReplicaReplies {
  readonly start: {
    readonly backend: string;
    readonly threads: number;
    readonly isolated: boolean;
    readonly seconds: number;
    readonly params: number;
  };
  readonly setup: { readonly params: number };
  readonly train: {
    /** From the barrier all replicas pass before the first step to the one after the last. */
    readonly seconds: number;
    /** Each step's mean loss over the whole batch (the same on every replica). */
    readonly losses: readonly number[];
    readonly tensorsBefore: number;
    readonly tensorsAfter: number;
    /** Of the replica's weights after the steps (equal on all replicas when they are in sync). */
    readonly fingerprint: string;
    /**
     * Where the replica's time went, summed over the steps: its slice's forward and backward pass with the
     * gradient copied into its slot; waiting at the barrier for the others; averaging and the update.
     */
    readonly phases: { readonly gradientMs: number; readonly waitMs: number; readonly applyMs: number };
  };
  readonly weights: { readonly weights: Float32Array; readonly fingerprint: string };
}

export type ToReplica = { readonly id: number; readonly request: ReplicaRequest };
export type FromReplica =
  | { readonly id: number; readonly ok: true; readonly result: ReplicaReplies[ReplicaRequest['kind']] }
  | { readonly id: number; readonly ok: false; readonly error: string };
