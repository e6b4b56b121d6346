/**
 * The one definition of the messages between the UI thread and the training worker.
 * A discriminated union per direction; every run-scoped message carries `runId`, so the UI can drop
 * messages of a run it has already abandoned.
 */
import type { LabelNoiseReport } from '../core/data/labelNoise';
import type { InspectData, InspectRequest } from '../core/inspect/types';
import type { ProbeResult } from '../core/backendChoice';
import type { BackendChoice, BackendName, DatasetId, Settings } from '../core/settings';
import type { BatchPoint, EpochMetrics, Evaluation, ModelSummary, Progress, RunInfo, StepUnit } from '../core/wire';

/** Lifecycle of a run, mirrored in `data-state` of the status element. */
export type RunState = 'idle' | 'loading' | 'training' | 'paused' | 'done' | 'error';

/** A user-supplied file (CIFAR-10 archive or batches, a model) or one to download. The buffer is transferred, not copied. */
export interface UploadedFile {
  readonly name: string;
  readonly bytes: ArrayBuffer;
}

export type ToWorker =
  /** With `step`, the run pauses after that first Step (one batch, or the first epoch). */
  | { readonly type: 'start'; readonly runId: number; readonly settings: Settings; readonly step?: StepUnit }
  | { readonly type: 'pause'; readonly runId: number }
  /** Train one batch (or to the end of the epoch), then pause again; answered by `state: paused`. */
  | { readonly type: 'step'; readonly runId: number; readonly unit: StepUnit }
  /** Reset: stop run `runId` (if it is the current one) and drop the trained model; the next run starts from fresh weights. */
  | { readonly type: 'reset'; readonly runId: number }
  | { readonly type: 'resume'; readonly runId: number }
  | { readonly type: 'stop'; readonly runId: number }
  /** Score the ended run's model (e.g. one stopped mid-epoch) on the test set: answered by `test-score`. */
  | {
      readonly type: 'score-test';
      readonly runId: number;
      /** Where the model is, in epochs (1.6), for the panels' captions. */ readonly epoch: number;
    }
  /** Probe and initialise the backend now (on page load) so the UI can show it before a run. */
  | {
      readonly type: 'init-backend';
      readonly choice: BackendChoice;
      /** The settings the form holds: 'auto' measures the backends on their model and batch size. */
      readonly settings?: Settings;
      /** Measure again instead of using the cached outcome. */
      readonly reprobe?: boolean;
    }
  | { readonly type: 'load-cifar'; readonly files: readonly UploadedFile[] }
  /** Save the current model (of a paused or finished run, or a loaded one): answered by `model-saved` or `model-error`. */
  | { readonly type: 'save-model' }
  /**
   * Load a model (model.json + weights) and evaluate it on `dataset`'s test set. Once it has loaded it
   * is the current model, run `loadId` (an id the UI reserved), for the inspection panels and Download.
   */
  | {
      readonly type: 'load-model';
      readonly loadId: number;
      readonly files: readonly UploadedFile[];
      readonly dataset: DatasetId;
      readonly backend: BackendChoice;
    }
  /** Inspection: which panels are open, a confusion-cell query, a drawing to predict (typed arrays transferred). */
  | { readonly type: 'inspect'; readonly request: InspectRequest }
  /** Fault injection for the end-to-end tests (the UI only sends it when the page opts in; see src/ui/debugHook.ts). */
  | { readonly type: 'debug-fault'; readonly fault: DebugFault }
  /** Test-only timeouts (sent only when the page opts in): how long a dataset download may receive nothing. */
  | { readonly type: 'debug-config'; readonly stallMs?: number };

/** A model loaded from files and scored on the chosen dataset's test set. */
export interface LoadedModelInfo {
  /** The model.json's name. */
  readonly fileName: string;
  /** The dataset it was evaluated on (the one chosen in the settings). */
  readonly dataset: DatasetId;
  readonly test: Evaluation;
  /** What its metadata says: the dataset it was trained on, its settings (URL query), epochs; null when it has none. */
  readonly trainedOn: DatasetId | null;
  readonly settings: string | null;
  readonly epochs: number | null;
  /** Things to know that are not errors, e.g. "not saved by this app: pixels scaled to [0, 1]". */
  readonly notes: readonly string[];
}

/** Lose the WebGL context, throw an uncaught error, or block the worker's event loop for good. */
export type DebugFault = 'lose-context' | 'crash' | 'hang';

export interface BackendReport {
  readonly name: BackendName;
  readonly reason: string;
  readonly renderer?: string;
  /** WASM: threads it computes on, and why only one when so. */
  readonly threads?: { readonly count: number; readonly why: string | null };
  /** 'auto': the measured choice behind it (figures per configuration, probe time, cached or not). */
  readonly probe?: {
    readonly results: readonly ProbeResult[];
    readonly probeMs: number;
    readonly cached: boolean;
    readonly measuredAt: number | null;
  };
}

export interface DatasetInfo {
  readonly id: DatasetId;
  readonly train: number;
  readonly test: number;
  readonly classNames: readonly string[];
  readonly loadSeconds: number;
}

export type FromWorker =
  | { readonly type: 'backend'; readonly backend: BackendReport }
  | { readonly type: 'state'; readonly runId: number; readonly state: RunState; readonly message?: string }
  | {
      readonly type: 'dataset-progress';
      readonly runId: number;
      readonly dataset: DatasetId;
      readonly loadedBytes: number;
      readonly totalBytes: number;
    }
  | { readonly type: 'dataset-ready'; readonly runId: number; readonly info: DatasetInfo }
  | {
      readonly type: 'model';
      readonly runId: number;
      readonly summary: ModelSummary;
      readonly sizes: { readonly train: number; readonly validation: number; readonly test: number };
      /** The realised training-label noise (10×10 clean → noisy counts), once per run; null when ε = 0. */
      readonly labelNoise: LabelNoiseReport | null;
      /** Per-channel mean / std the inputs are normalised with. */
      readonly normalization: RunInfo['normalization'];
    }
  | { readonly type: 'batches'; readonly runId: number; readonly points: readonly BatchPoint[] }
  | { readonly type: 'progress'; readonly runId: number; readonly progress: Progress }
  | { readonly type: 'epoch'; readonly runId: number; readonly metrics: EpochMetrics }
  /**
   * The run ended: finished, stopped by the user, or (`diverged`) stopped by the divergence guard, whose
   * message names the likely causes; its curves are kept, its model is gone.
   */
  | {
      readonly type: 'done';
      readonly runId: number;
      readonly stopped: boolean;
      readonly seconds: number;
      readonly diverged?: { readonly step: number; readonly loss: number; readonly message: string };
    }
  /** The answer to `score-test`: the run's current model on the test set, or why it could not be scored. */
  | { readonly type: 'test-score'; readonly runId: number; readonly test: Evaluation | null; readonly message?: string }
  | { readonly type: 'error'; readonly runId: number | null; readonly message: string; readonly kind: ErrorKind }
  | { readonly type: 'cifar-loaded'; readonly info: DatasetInfo }
  | { readonly type: 'cifar-error'; readonly message: string }
  /** The current model as files to download (model.json first); buffers transferred. */
  | { readonly type: 'model-saved'; readonly files: readonly UploadedFile[] }
  /**
   * The model of `load-model` loaded and was scored: it is run `loadId` from now on (its dataset,
   * layer table and inspection messages follow with that run id). Not run-scoped itself: the UI adopts
   * the id on this message, unless a newer run or load has started since.
   */
  | { readonly type: 'model-loaded'; readonly loadId: number; readonly info: LoadedModelInfo }
  /** Saving or loading a model failed; a load leaves the previous model as it was. */
  | { readonly type: 'model-error'; readonly action: 'save' | 'load'; readonly message: string }
  /** Inspection data of a run (null: not tied to a run, e.g. "train first"); typed arrays transferred. */
  | { readonly type: 'inspect'; readonly runId: number | null; readonly data: InspectData }
  /** About every second while the worker is busy: silence for long means it hangs (or died). */
  | { readonly type: 'heartbeat' }
  /**
   * The backend was lost and the run goes on (on another backend) from its last checkpoint: points
   * after `step` and epochs after the first `epochs` are trained again, so the UI drops them.
   */
  | { readonly type: 'recovered'; readonly runId: number; readonly step: number; readonly epochs: number; readonly message: string };

/** Lets the UI phrase an error: a diverged loss keeps the curves and suggests a fix. */
export type ErrorKind = 'diverged' | 'data' | 'backend' | 'internal';
