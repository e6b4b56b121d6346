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
  };
}

export type ToBenchWorker =
  { readonly type: 'request'; readonly id: number; readonly request: BenchRequest } | { readonly type: 'continue' };

export type FromBenchWorker =
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly result: BenchReplies[BenchRequest['kind']] }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly type: 'memory-epoch'; readonly sample: MemorySample };
