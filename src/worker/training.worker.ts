/// <reference lib="webworker" />
/**
 * The training worker: a thin adapter that turns protocol messages into calls on the framework-free
 * core (`runExperiment`) and the core's callbacks into protocol messages. All tfjs work happens here,
 * never on the UI thread.
 */
import { wholeSet } from '../core/data/batches';
import { loadCifarFromFiles } from '../core/data/cifar';
import { unitPreprocessing } from '../core/data/transforms';
import { DownloadStopped } from '../core/data/download';
import { DataFormatError, type DatasetSplit, type Subset } from '../core/data/types';
import { runExperiment, type ExperimentObserver, type ExperimentResult, type ExperimentSetup } from '../core/experiment';
import { summarize } from '../core/model';
import { describeMetadata, loadModelFiles, saveModelFiles, type LoadedModel, type ModelMetadata } from '../core/modelFile';
import { serializeSettings, type BackendChoice } from '../core/settings';
import { DivergenceError, evaluate, macrotask, RunControl } from '../core/train';
import type { EpochMetrics, Evaluation, TestPredictions } from '../core/wire';
import type { LayersModel } from '@tensorflow/tfjs';
import type { BackendReport, ErrorKind, FromWorker, ToWorker } from '../shared/protocol';
import { appBaseUrl } from '../shared/appBase';
import { FEWER_THREADS_WHY, probeKey } from '../core/backendChoice';
import { DEFAULT_SETTINGS, type DatasetId, type Settings } from '../core/settings';
import { discardLostWebGL, initBackend, setWasmThreads, wasmThreadInfo, type BackendInfo } from './backend';
import { measureBackends, probeEnvironment } from './probe';
import { loadDataset, setUploadedCifar } from './datasets';
import { handleDebugMessage } from './debugHook';
import { Inspector } from './inspector';
import { installLossAftermathFilter, runResilient, withHeartbeat } from './resilience';
import { errorText } from '../core/errorText';

declare const self: DedicatedWorkerGlobalScope;

const WASM_PATH = `${appBaseUrl()}tfjs-wasm/`;
/** Dataset download progress is posted at most this often. */
const PROGRESS_INTERVAL_MS = 100;

/** Typed arrays in `transfer` move to the UI thread without a copy (and are unusable here after). */
function post(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

/** Inspection panels' data: computed between steps, only for the panels the UI has open. */
const inspector = new Inspector((data, runId, transfer) => post({ type: 'inspect', runId, data }, transfer));
/** The training loop's yield: lets messages in, then sends inspection snapshots that are due. */
async function yieldAndInspect(): Promise<void> {
  await macrotask();
  await inspector.tick();
}

let backend: { choice: BackendChoice; key: string | null; report: BackendReport } | null = null;
/** Serialises backend switches and runs: one thing touches tfjs at a time. */
let queue: Promise<unknown> = Promise.resolve();
/** The run in progress; `download` stops its dataset download at once (Stop, or a newer run). */
let current: { runId: number; control: RunControl; download: AbortController } | null = null;
/** The last trained (or loaded) model, kept for later inspection; disposed when the next run starts. */
let lastModel: LayersModel | null = null;
/** What `score-test` needs of the last run's model (its test subset and preprocessing); null without one. */
let lastSetup: { runId: number; setup: ExperimentSetup } | null = null;
/**
 * What Download saves: the current run's model (saved only while paused) or the last one, with what
 * its model.json records. Null when there is none (before the first run, after a failed one).
 */
let savable: { model: LayersModel; baseName: string; metadata: ModelMetadata } | null = null;
/** The save in progress: a run does not resume, stop or dispose its model until it is written out. */
let saving: Promise<void> = Promise.resolve();

/**
 * Starts the backend for `choice`. 'auto' is a measured choice (probe.ts) for the model and batch size
 * of `settings`: cached per machine and shape, measured again when `reprobe` (or when the shape has
 * no outcome yet). Without settings (a model being loaded, a fallback) the current backend stays.
 */
async function ensureBackend(choice: BackendChoice, settings: Settings | null = null, reprobe = false): Promise<BackendReport> {
  if (choice !== 'auto' || (settings === null && backend?.choice === 'auto')) {
    if (backend?.choice === choice) return backend.report;
    if (choice === 'auto') return adopt(choice, null, await initBackend('auto', WASM_PATH));
    return adopt(choice, null, await initBackend(choice, WASM_PATH));
  }
  const probeSettings = settings ?? DEFAULT_SETTINGS;
  const env = probeEnvironment();
  const key = probeKey(probeSettings, env);
  if (!reprobe && backend?.choice === 'auto' && backend.key === key) return backend.report;
  const outcome = await measureBackends(probeSettings, WASM_PATH, reprobe);
  if (outcome.chosen === null) {
    // Nothing gave a figure: start whatever starts, in the usual order, and say so.
    const info = await initBackend('auto', WASM_PATH);
    return adopt('auto', key, { ...info, reason: `measuring gave no figure (${outcome.reason}); ${info.reason}` }, outcome);
  }
  // WASM's thread count is fixed once it started in this worker (a reload applies a new one).
  if (wasmThreadInfo() === null) setWasmThreads(outcome.chosen.threads);
  const info = await initBackend(outcome.chosen.backend, WASM_PATH);
  const live = info.name === 'wasm' ? wasmThreadInfo() : null;
  const drift =
    info.name === outcome.chosen.backend && live && live.count !== outcome.chosen.threads
      ? ` (running ×${live.count}: the thread count changes on reload)`
      : '';
  const reason = info.name === outcome.chosen.backend ? `${outcome.reason}${drift}` : `${outcome.reason}, but ${info.reason}`;
  return adopt('auto', key, { ...info, reason }, outcome);
}

function adopt(
  choice: BackendChoice,
  key: string | null,
  info: BackendInfo,
  outcome?: Awaited<ReturnType<typeof measureBackends>>,
): BackendReport {
  let threads = info.name === 'wasm' ? wasmThreadInfo() : null;
  if (
    threads &&
    outcome?.chosen?.threads === 1 &&
    outcome.results.some((r) => r.backend === 'wasm' && r.threads > 1 && r.examplesPerSecond !== null)
  ) {
    threads = { ...threads, why: FEWER_THREADS_WHY };
  }
  const report: BackendReport = {
    name: info.name,
    reason: info.reason,
    ...(info.renderer ? { renderer: info.renderer } : {}),
    ...(threads ? { threads } : {}),
    ...(outcome
      ? {
          probe: {
            results: outcome.results,
            probeMs: outcome.probeMs,
            cached: outcome.cached,
            measuredAt: 'measuredAt' in outcome ? outcome.measuredAt : null,
          },
        }
      : {}),
  };
  backend = { choice, key, report };
  post({ type: 'backend', backend: report });
  return report;
}

/** Keeps the saved file's record in step with the weights: epochs trained and their test accuracy. */
function noteTrained(metrics: EpochMetrics): void {
  if (savable) savable.metadata = { ...savable.metadata, epochs: metrics.epoch, testAccuracy: metrics.test.accuracy };
}

function classify(error: unknown): { kind: ErrorKind; message: string } {
  if (error instanceof DivergenceError) return { kind: 'diverged', message: error.message };
  if (error instanceof DataFormatError) return { kind: 'data', message: error.message };
  const message = errorText(error);
  return {
    kind: 'internal',
    message: `Training failed: ${message}. Train again; if it fails again, choose another compute backend in the settings.`,
  };
}

/** Seconds since `started` (a performance.now() reading). */
const secondsSince = (started: number) => (performance.now() - started) / 1000;

/** Starts the run's backend, then lets the last model go (once a save in progress is written out). */
async function prepareRun(runId: number, settings: Settings): Promise<void> {
  post({ type: 'state', runId, state: 'loading', message: 'Starting the compute backend…' });
  inspector.reset();
  await ensureBackend(settings.backend, settings);
  await saving;
  savable = null;
  lastModel?.dispose();
  lastModel = null;
  lastSetup = null;
}

/** Loads the run's dataset, posting its download progress (at most every {@link PROGRESS_INTERVAL_MS}) and then what it holds. */
async function loadRunData(runId: number, settings: Settings, signal: AbortSignal): Promise<DatasetSplit> {
  post({ type: 'state', runId, state: 'loading', message: `Loading ${settings.dataset}…` });
  let lastProgress = 0;
  const loadStart = performance.now();
  const data = await loadDataset(
    settings.dataset,
    (loadedBytes, totalBytes) => {
      const now = performance.now();
      if (now - lastProgress < PROGRESS_INTERVAL_MS && loadedBytes < totalBytes) return;
      lastProgress = now;
      post({ type: 'dataset-progress', runId, dataset: settings.dataset, loadedBytes, totalBytes });
    },
    signal,
  );
  post({
    type: 'dataset-ready',
    runId,
    info: {
      id: settings.dataset,
      train: data.train.count,
      test: data.test.count,
      classNames: data.classNames,
      loadSeconds: secondsSince(loadStart),
    },
  });
  return data;
}

/**
 * How a run's experiment reports: the inspection `hooks`, the model kept for Download and score-test
 * (with what its model.json records), and the curves posted to the UI.
 */
function experimentObserver(
  runId: number,
  settings: Settings,
  data: DatasetSplit,
  hooks: ReturnType<Inspector['hooks']>,
): ExperimentObserver {
  return {
    ...hooks,
    onSetup: (setup) => {
      hooks.onSetup(setup);
      lastSetup = { runId, setup };
      const { height, width, channels } = setup.test.source;
      const metadata = describeMetadata({
        dataset: settings.dataset,
        inputShape: [height, width, channels],
        classNames: data.classNames,
        settings: serializeSettings(settings),
        preprocessing: setup.preprocessing,
        // After a lost backend the run resumes on a new model: the count so far carries over.
        epochs: savable?.metadata.epochs ?? 0,
        testAccuracy: savable?.metadata.testAccuracy ?? null,
      });
      savable = { model: setup.model, baseName: `${settings.dataset}-${settings.model}`, metadata };
    },
    onModel: (summary, sizes, info) =>
      post({ type: 'model', runId, summary, sizes, labelNoise: info.labelNoise, normalization: info.normalization }),
    onBatches: (points) => {
      inspector.noteBatches(points);
      post({ type: 'batches', runId, points });
    },
    onProgress: (progress) => post({ type: 'progress', runId, progress }),
    onEpoch: (metrics) => {
      noteTrained(metrics);
      post({ type: 'epoch', runId, metrics });
    },
  };
}

/** Trains on `data`, falling back to WASM (and resuming from the last checkpoint) when WebGL is lost. */
async function trainRun(runId: number, settings: Settings, data: DatasetSplit, control: RunControl): Promise<ExperimentResult> {
  post({ type: 'state', runId, state: control.paused ? 'paused' : 'training' });
  const fallBack = () => {
    // The lost backend's tensors are gone with it; the next run with this choice starts afresh.
    discardLostWebGL();
    return ensureBackend('wasm');
  };
  const hooks = inspector.hooks(runId, data.classNames);
  return runResilient({ runId, control, post, fallBack, beforeRetry: () => inspector.reset() }, (resume, keepCheckpoints) =>
    runExperiment(
      settings,
      data,
      control,
      { ...keepCheckpoints, ...experimentObserver(runId, settings, data, hooks) },
      yieldAndInspect,
      resume,
    ),
  );
}

/**
 * Ends a run that threw: a stop during its download and a diverged loss end it as `done` (a diverged
 * run with its verdict, its curves kept); anything else is an error the UI shows.
 */
function runFailed(runId: number, error: unknown, started: number): void {
  if (error instanceof DownloadStopped) {
    // Stopped while its data was still coming: nothing to report but the stop.
    post({ type: 'done', runId, stopped: true, seconds: secondsSince(started) });
    return;
  }
  console.error(error);
  // The run's model is gone (runExperiment disposes it on failure).
  inspector.reset();
  savable = null;
  lastSetup = null;
  if (error instanceof DivergenceError) {
    // Not a failure of the app: the run ends with its verdict, its curves kept.
    post({
      type: 'done',
      runId,
      stopped: false,
      seconds: secondsSince(started),
      diverged: { step: error.step, loss: error.loss, message: error.message },
    });
    return;
  }
  post({ type: 'error', runId, ...classify(error) });
}

/** One run: backend, data, training, result; it becomes `current` until it ends. */
async function run(message: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const { runId, settings } = message;
  const control = new RunControl();
  const download = new AbortController();
  if (message.step) control.step(message.step);
  // After a Step the loop pauses by itself: the UI hears it once the step's points are out.
  control.onPaused = () => post({ type: 'state', runId, state: 'paused' });
  current = { runId, control, download };
  const started = performance.now();
  try {
    await prepareRun(runId, settings);
    const data = await loadRunData(runId, settings, download.signal);
    if (control.stopped) {
      post({ type: 'done', runId, stopped: true, seconds: secondsSince(started) });
      return;
    }
    const result = await trainRun(runId, settings, data, control);
    lastModel = result.model;
    // Restore-best put the weights of an earlier epoch back: the file records that epoch.
    const restored = result.restoredEpoch === null ? undefined : result.history[result.restoredEpoch - 1];
    if (restored) noteTrained(restored);
    await inspector.finish();
    post({ type: 'done', runId, stopped: result.stopped, seconds: secondsSince(started) });
  } catch (error) {
    runFailed(runId, error, started);
  } finally {
    if (current?.runId === runId) current = null;
  }
}

async function loadCifar(message: Extract<ToWorker, { type: 'load-cifar' }>): Promise<void> {
  try {
    const started = performance.now();
    const split = await loadCifarFromFiles(message.files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) })));
    setUploadedCifar(split);
    post({
      type: 'cifar-loaded',
      info: {
        id: 'cifar10',
        train: split.train.count,
        test: split.test.count,
        classNames: split.classNames,
        loadSeconds: (performance.now() - started) / 1000,
      },
    });
  } catch (error) {
    post({ type: 'cifar-error', message: errorText(error) });
  }
}

function saveModel(): void {
  const target = savable;
  if (!target) {
    post({ type: 'model-error', action: 'save', message: 'There is no model to save yet: train one (or load one) first.' });
    return;
  }
  if (current && !current.control.paused) {
    post({
      type: 'model-error',
      action: 'save',
      message: 'Pause the run (or let it finish) to save its model: its weights change at every step.',
    });
    return;
  }
  saving = (async () => {
    try {
      const { json, weights } = await saveModelFiles(target.model, target.metadata, target.baseName);
      post({ type: 'model-saved', files: [json, weights] }, [json.bytes, weights.bytes]);
    } catch (error) {
      console.error(error);
      post({
        type: 'model-error',
        action: 'save',
        message: `The model could not be saved: ${errorText(error)}`,
      });
    }
  })();
}

/** A model loaded from the user's files and scored on `dataset`'s test set. */
interface ScoredModel {
  readonly loadId: number;
  readonly dataset: DatasetId;
  readonly data: DatasetSplit;
  readonly test: Subset;
  readonly loaded: LoadedModel;
  readonly evaluation: Evaluation;
  readonly predictions: TestPredictions;
}

/** The scored model becomes the last model: the one score-test, the panels and Download use. */
function adoptLoadedModel({ loadId, dataset, data, test, loaded, evaluation }: ScoredModel): void {
  const { model, metadata, preprocessing, fileName } = loaded;
  const numClasses = data.classNames.length;
  const { height, width, channels } = data.test;
  inspector.reset();
  if (lastModel !== model) lastModel?.dispose();
  lastModel = model;
  lastSetup = { runId: loadId, setup: { model, preprocessing, test, numClasses } };
  savable = {
    model,
    baseName: fileName.replace(/\.json$/i, ''),
    metadata: metadata
      ? { ...metadata, testAccuracy: metadata.dataset === dataset ? evaluation.accuracy : metadata.testAccuracy }
      : describeMetadata({
          dataset,
          inputShape: [height, width, channels],
          classNames: data.classNames,
          settings: '',
          preprocessing: unitPreprocessing(channels),
          epochs: 0,
          testAccuracy: evaluation.accuracy,
        }),
  };
}

/** Tells the UI about the loaded model as run `loadId`: its record, its dataset, its layers, and the inspection panels' data. */
async function announceLoadedModel(scored: ScoredModel, loadSeconds: number): Promise<void> {
  const { loadId, dataset, data, test, loaded, evaluation, predictions } = scored;
  const { model, metadata, preprocessing, fileName, notes } = loaded;
  const numClasses = data.classNames.length;
  const epochs = metadata?.epochs ?? 0;
  post({
    type: 'model-loaded',
    loadId,
    info: {
      fileName,
      dataset,
      test: evaluation,
      trainedOn: metadata?.dataset ?? null,
      settings: metadata?.settings ?? null,
      epochs: metadata ? epochs : null,
      notes,
    },
  });
  post({
    type: 'dataset-ready',
    runId: loadId,
    info: { id: dataset, train: data.train.count, test: data.test.count, classNames: data.classNames, loadSeconds },
  });
  post({
    type: 'model',
    runId: loadId,
    summary: summarize(model),
    sizes: { train: 0, validation: 0, test: test.indices.length },
    labelNoise: null,
    normalization: { mean: preprocessing.mean, std: preprocessing.std },
  });
  const hooks = inspector.hooks(loadId, data.classNames);
  hooks.onSetup({ model, preprocessing, test, numClasses });
  hooks.onTestPredictions(epochs, predictions);
  await inspector.finish();
}

/**
 * Loads a model from the user's files, checks it against the chosen dataset and scores it on the test
 * set with the same evaluation as a run's; only then does it replace the last model (a file that does
 * not load changes nothing) and become run `loadId` for the inspection panels.
 */
async function loadModel(message: Extract<ToWorker, { type: 'load-model' }>): Promise<void> {
  const { loadId, dataset } = message;
  let loaded: LoadedModel | null = null;
  try {
    await ensureBackend(message.backend);
    const loadStart = performance.now();
    const data = await loadDataset(dataset, () => undefined);
    const loadSeconds = secondsSince(loadStart);
    const test = wholeSet(data.test);
    const numClasses = data.classNames.length;
    const { height, width, channels } = data.test;
    loaded = await loadModelFiles(
      message.files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) })),
      { dataset, height, width, channels, numClasses },
    );
    const predictions = { predicted: new Uint8Array(test.indices.length), confidence: new Float32Array(test.indices.length) };
    const evaluation = await evaluate(loaded.model, test, numClasses, loaded.preprocessing, predictions);
    const scored: ScoredModel = { loadId, dataset, data, test, loaded, evaluation, predictions };
    await saving;
    adoptLoadedModel(scored);
    await announceLoadedModel(scored, loadSeconds);
  } catch (error) {
    console.error(error);
    if (loaded && loaded.model !== lastModel) loaded.model.dispose();
    const text = errorText(error);
    post({
      type: 'model-error',
      action: 'load',
      message: error instanceof DataFormatError ? text : `The model could not be loaded: ${text}`,
    });
  }
}

/**
 * Scores the ended run's model on the test set (a run stopped mid-epoch has no test score for the
 * steps since its last epoch): the same evaluation as a run's, predictions included, so the confusion
 * matrix and the other panels follow.
 */
async function scoreTest(runId: number, at: number): Promise<void> {
  const target = lastSetup;
  if (!target || target.runId !== runId || current) {
    post({
      type: 'test-score',
      runId,
      test: null,
      message: current ? 'The run is still going: stop it (or let it finish) first.' : 'This run has no model left to score: train again.',
    });
    return;
  }
  try {
    const { model, test, numClasses, preprocessing } = target.setup;
    const predictions = { predicted: new Uint8Array(test.indices.length), confidence: new Float32Array(test.indices.length) };
    const evaluation = await evaluate(model, test, numClasses, preprocessing, predictions);
    inspector.hooks(runId, []).onTestPredictions(at, predictions);
    await inspector.finish();
    post({ type: 'test-score', runId, test: evaluation });
  } catch (error) {
    console.error(error);
    post({
      type: 'test-score',
      runId,
      test: null,
      message: `The test set could not be scored: ${errorText(error)}`,
    });
  }
}

/** Queued work (runs, backend start-up) is "busy": heartbeats go out until it ends. */
function enqueue(task: () => Promise<void>): void {
  const tracked = () => withHeartbeat(post, task);
  queue = queue.then(tracked, tracked);
}

/** A new run supersedes the current one: stop it, then start when it has wound down. */
function startRun(message: Extract<ToWorker, { type: 'start' }>): void {
  current?.control.stop();
  current?.download.abort(new DownloadStopped());
  enqueue(() => run(message));
}

function pauseRun(runId: number): void {
  if (current?.runId !== runId) return;
  current.control.pause();
  post({ type: 'state', runId, state: 'paused' });
}

function resumeRun(runId: number): void {
  if (current?.runId !== runId) return;
  // Not while its model is being saved: a step would change the weights being read.
  const control = current.control;
  void saving.then(() => control.resume());
  post({ type: 'state', runId, state: 'training' });
}

function stepRun(runId: number, unit: Extract<ToWorker, { type: 'step' }>['unit']): void {
  if (current?.runId !== runId) return;
  const control = current.control;
  void saving.then(() => control.step(unit));
  post({
    type: 'state',
    runId,
    state: 'training',
    message: unit === 'batch' ? 'Stepping one batch…' : 'Stepping to the end of the epoch…',
  });
}

function resetRun(runId: number): void {
  if (current?.runId === runId) {
    current.control.stop();
    current.download.abort(new DownloadStopped());
  }
  // After the run has wound down: its model goes, so nothing (panels, Download) shows trained weights.
  enqueue(async () => {
    await saving;
    inspector.reset();
    savable = null;
    lastModel?.dispose();
    lastModel = null;
  });
}

function stopRun(runId: number): void {
  if (current?.runId !== runId) return;
  const control = current.control;
  // A download in progress ends now, not when its request does.
  current.download.abort(new DownloadStopped());
  void saving.then(() => control.stop());
}

/** Starts the backend the UI chose (queued behind any run); a failure is a backend error the UI shows. */
function startBackend(message: Extract<ToWorker, { type: 'init-backend' }>): void {
  enqueue(async () => {
    try {
      await ensureBackend(message.choice, message.settings ?? null, message.reprobe ?? false);
    } catch (error) {
      post({
        type: 'error',
        runId: null,
        kind: 'backend',
        message: `The compute backend could not start (${errorText(error)}). Reload the page; if it fails again, use another browser.`,
      });
    }
  });
}

/** Queues loading a model, but not while a run is going. */
function requestLoadModel(message: Extract<ToWorker, { type: 'load-model' }>): void {
  if (current) {
    post({ type: 'model-error', action: 'load', message: 'Stop the run (or let it finish) before loading a model.' });
    return;
  }
  enqueue(() => loadModel(message));
}

installLossAftermathFilter();

/** Each message to its handler. */
self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'start':
      startRun(message);
      return;
    case 'pause':
      pauseRun(message.runId);
      return;
    case 'resume':
      resumeRun(message.runId);
      return;
    case 'step':
      stepRun(message.runId, message.unit);
      return;
    case 'reset':
      resetRun(message.runId);
      return;
    case 'stop':
      stopRun(message.runId);
      return;
    case 'score-test':
      enqueue(() => scoreTest(message.runId, message.epoch));
      return;
    case 'init-backend':
      startBackend(message);
      return;
    case 'load-cifar':
      void loadCifar(message);
      return;
    case 'save-model':
      saveModel();
      return;
    case 'load-model':
      requestLoadModel(message);
      return;
    case 'inspect':
      inspector.handle(message.request);
      return;
    case 'debug-fault':
    case 'debug-config':
      handleDebugMessage(message);
      return;
    default: {
      const unknown: never = message;
      console.warn('worker: unknown message', unknown);
    }
  }
};
