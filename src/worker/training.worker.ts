/// <reference lib="webworker" />
/**
 * The training worker: a thin adapter that turns protocol messages into calls on the framework-free
 * core (`runExperiment`) and the core's callbacks into protocol messages. All tfjs work happens here,
 * never on the UI thread.
 */
import { loadCifarFromFiles } from '../core/data/cifar';
import { DataFormatError } from '../core/data/types';
import { runExperiment } from '../core/experiment';
import type { BackendChoice } from '../core/settings';
import { DivergenceError, macrotask, RunControl } from '../core/train';
import type { LayersModel } from '@tensorflow/tfjs';
import type { BackendReport, ErrorKind, FromWorker, ToWorker } from '../shared/protocol';
import { discardLostWebGL, initBackend } from './backend';
import { loadDataset, setUploadedCifar } from './datasets';
import { Inspector } from './inspector';
import { injectFault, installLossAftermathFilter, runResilient, withHeartbeat } from './resilience';

declare const self: DedicatedWorkerGlobalScope;

const WASM_PATH = `${new URL(`${import.meta.env.BASE_URL}tfjs-wasm/`, self.location.href).href}`;
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

let backend: { choice: BackendChoice; report: BackendReport } | null = null;
/** Serialises backend switches and runs: one thing touches tfjs at a time. */
let queue: Promise<unknown> = Promise.resolve();
let current: { runId: number; control: RunControl } | null = null;
/** The last trained model, kept for later inspection; disposed when the next run starts. */
let lastModel: LayersModel | null = null;

async function ensureBackend(choice: BackendChoice): Promise<BackendReport> {
  if (backend?.choice === choice) return backend.report;
  const info = await initBackend(choice, WASM_PATH);
  const report: BackendReport = { name: info.name, reason: info.reason, ...(info.renderer ? { renderer: info.renderer } : {}) };
  backend = { choice, report };
  post({ type: 'backend', backend: report });
  return report;
}

function classify(error: unknown): { kind: ErrorKind; message: string } {
  if (error instanceof DivergenceError) return { kind: 'diverged', message: error.message };
  if (error instanceof DataFormatError) return { kind: 'data', message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', message: `Training failed: ${message}` };
}

async function run(message: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const { runId, settings } = message;
  const control = new RunControl();
  current = { runId, control };
  const started = performance.now();
  try {
    post({ type: 'state', runId, state: 'loading', message: 'Starting the compute backend…' });
    inspector.reset();
    await ensureBackend(settings.backend);
    lastModel?.dispose();
    lastModel = null;

    post({ type: 'state', runId, state: 'loading', message: `Loading ${settings.dataset}…` });
    let lastProgress = 0;
    const loadStart = performance.now();
    const data = await loadDataset(settings.dataset, (loadedBytes, totalBytes) => {
      const now = performance.now();
      if (now - lastProgress < PROGRESS_INTERVAL_MS && loadedBytes < totalBytes) return;
      lastProgress = now;
      post({ type: 'dataset-progress', runId, dataset: settings.dataset, loadedBytes, totalBytes });
    });
    post({
      type: 'dataset-ready',
      runId,
      info: { id: settings.dataset, train: data.train.count, test: data.test.count, classNames: data.classNames, loadSeconds: (performance.now() - loadStart) / 1000 },
    });
    if (control.stopped) {
      post({ type: 'done', runId, stopped: true, seconds: (performance.now() - started) / 1000 });
      return;
    }

    post({ type: 'state', runId, state: control.paused ? 'paused' : 'training' });
    const fallBack = () => {
      // The lost backend's tensors are gone with it; the next run with this choice starts afresh.
      discardLostWebGL();
      return ensureBackend('wasm');
    };
    const result = await runResilient({ runId, control, post, fallBack, beforeRetry: () => inspector.reset() }, (resume, keepCheckpoints) => runExperiment(
      settings,
      data,
      control,
      {
        ...keepCheckpoints,
        ...inspector.hooks(runId, data.classNames),
        onModel: (summary, sizes, info) => post({ type: 'model', runId, summary, sizes, labelNoise: info.labelNoise, normalization: info.normalization }),
        onBatches: (points) => {
          inspector.noteBatches(points);
          post({ type: 'batches', runId, points });
        },
        onProgress: (progress) => post({ type: 'progress', runId, progress }),
        onEpoch: (metrics) => post({ type: 'epoch', runId, metrics }),
      },
      yieldAndInspect,
      resume,
    ));
    lastModel = result.model;
    await inspector.finish();
    post({ type: 'done', runId, stopped: result.stopped, seconds: (performance.now() - started) / 1000 });
  } catch (error) {
    console.error(error);
    // The run's model is gone (runExperiment disposes it on failure).
    inspector.reset();
    post({ type: 'error', runId, ...classify(error) });
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
      info: { id: 'cifar10', train: split.train.count, test: split.test.count, classNames: split.classNames, loadSeconds: (performance.now() - started) / 1000 },
    });
  } catch (error) {
    post({ type: 'cifar-error', message: error instanceof Error ? error.message : String(error) });
  }
}

/** Queued work (runs, backend start-up) is "busy": heartbeats go out until it ends. */
function enqueue(task: () => Promise<void>): void {
  const tracked = () => withHeartbeat(post, task);
  queue = queue.then(tracked, tracked);
}

installLossAftermathFilter();

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'start':
      // A new run supersedes the current one: stop it, then start when it has wound down.
      current?.control.stop();
      enqueue(() => run(message));
      return;
    case 'pause':
      if (current?.runId !== message.runId) return;
      current.control.pause();
      post({ type: 'state', runId: message.runId, state: 'paused' });
      return;
    case 'resume':
      if (current?.runId !== message.runId) return;
      current.control.resume();
      post({ type: 'state', runId: message.runId, state: 'training' });
      return;
    case 'stop':
      if (current?.runId === message.runId) current.control.stop();
      return;
    case 'init-backend':
      enqueue(async () => {
        try {
          await ensureBackend(message.choice);
        } catch (error) {
          post({ type: 'error', runId: null, kind: 'backend', message: `No compute backend could start: ${error instanceof Error ? error.message : String(error)}` });
        }
      });
      return;
    case 'load-cifar':
      void loadCifar(message);
      return;
    case 'inspect':
      inspector.handle(message.request);
      return;
    case 'debug-fault':
      injectFault(message.fault);
      return;
    default: {
      const unknown: never = message;
      console.warn('worker: unknown message', unknown);
    }
  }
};
