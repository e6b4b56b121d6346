/**
 * UI state (zustand). The worker client writes run state into it; components select single fields.
 * Settings start from the address bar and are written back to it (see url.ts).
 */
import { create } from 'zustand';
import type { LabelNoiseReport } from '../core/data/labelNoise';
import { DEFAULT_SETTINGS, type Rejection, type Settings } from '../core/settings';
import type { XY } from '../core/series';
import type { BatchPoint, EpochMetrics, ModelSummary, Progress } from '../core/wire';
import type { Manifest } from '../shared/manifest';
import type { BackendReport, DatasetInfo, ErrorKind, RunState } from '../shared/protocol';

export interface RunError {
  readonly message: string;
  /**
   * `worker`: the worker crashed; `unresponsive`: it has been silent too long (cleared when it answers);
   * `manifest`: the dataset list could not be read at start-up (Retry fetches it again).
   */
  readonly kind: ErrorKind | 'worker' | 'unresponsive' | 'url' | 'manifest';
}

export interface UiState {
  settings: Settings;
  /** Parts of the opening URL that were ignored, shown once in a dismissible notice. */
  urlRejections: readonly Rejection[];

  runId: number;
  runState: RunState;
  statusMessage: string;
  /** Settings the current/last run was started with (the form may have changed since). */
  runSettings: Settings | null;
  backend: BackendReport | null;
  manifest: Manifest | null;
  /** CIFAR-10 loaded from the user's files in this session. */
  uploadedCifar: DatasetInfo | null;
  cifarStatus: { busy: boolean; error: string | null };
  datasetProgress: { loadedBytes: number; totalBytes: number } | null;
  dataset: DatasetInfo | null;
  model: ModelSummary | null;
  sizes: { train: number; validation: number; test: number } | null;
  /** Realised training-label noise (noisy vs clean counts), when label noise is on. */
  labelNoise: LabelNoiseReport | null;
  batches: BatchPoint[];
  /** What the charts draw of `batches`, kept bounded as they grow (see workerClient / LiveCurve). */
  curves: Curves;
  epochs: EpochMetrics[];
  progress: Progress | null;
  runSeconds: number | null;
  error: RunError | null;
  /** Something the run survived, e.g. it continued on WASM after the GPU context was lost. */
  notice: string | null;
  /** A live race (src/ui/race) is training: the main run waits until it ends (they share the cores). */
  raceRunning: boolean;
}

/** The per-batch training lines as drawn: smoothed loss and accuracy, and the learning rate. */
export interface Curves {
  readonly loss: readonly XY[];
  /** The loss smoothed in log space, for a log axis (see `smoothInLog`). */
  readonly lossLog: readonly XY[];
  readonly accuracy: readonly XY[];
  readonly learningRate: readonly XY[];
}
export const NO_CURVES: Curves = { loss: [], lossLog: [], accuracy: [], learningRate: [] };

export const useStore = create<UiState>()(() => ({
  settings: DEFAULT_SETTINGS,
  urlRejections: [],
  runId: 0,
  raceRunning: false,
  runState: 'idle',
  statusMessage: 'Ready',
  runSettings: null,
  backend: null,
  manifest: null,
  uploadedCifar: null,
  cifarStatus: { busy: false, error: null },
  datasetProgress: null,
  dataset: null,
  model: null,
  sizes: null,
  labelNoise: null,
  batches: [],
  curves: NO_CURVES,
  epochs: [],
  progress: null,
  runSeconds: null,
  error: null,
  notice: null,
}));

/** Fields reset at the start of every run; the curves of the previous run go with them. */
export function freshRun(runId: number, settings: Settings): Partial<UiState> {
  return {
    runId,
    runSettings: settings,
    runState: 'loading',
    statusMessage: 'Starting…',
    datasetProgress: null,
    model: null,
    sizes: null,
    labelNoise: null,
    batches: [],
    curves: NO_CURVES,
    epochs: [],
    progress: null,
    runSeconds: null,
    error: null,
    notice: null,
  };
}

/** A run is under way (loading its data, training or paused): settings are locked, Train is busy. */
export function isRunActive(state: RunState): boolean {
  return state === 'loading' || state === 'training' || state === 'paused';
}

/** `isRunActive` of the store's run, for components (re-renders only when it flips). */
export function useRunActive(): boolean {
  return useStore((s) => isRunActive(s.runState));
}
