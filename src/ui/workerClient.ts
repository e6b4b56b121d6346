/**
 * The UI side of the worker protocol: owns the one Worker, registers the one listener, and turns
 * messages into store updates. Plain functions, callable from components and tests alike.
 */
import type { BackendChoice } from '../core/settings';
import type { StepUnit } from '../core/train';
import type { DebugFault, FromWorker, RunState, ToWorker, UploadedFile } from '../shared/protocol';
import { receiveInspect } from './inspectClient';
import { receiveModelFiles } from './modelFiles';
import { LiveCurve } from '../core/series';
import type { BatchPoint } from '../core/train';
import { freshRun, NO_CURVES, useStore, type Curves } from './store';
import { judgeEndedRun, receiveTestScore, resetVerdict } from './verdicts';

let worker: Worker | null = null;
/** Batch points are appended to the store at most this often, to keep React renders cheap. */
const BATCH_FLUSH_MS = 500;
let pendingPoints: FromWorker[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;

/**
 * Tests opt in to fault injection (and a shorter hang timeout) by defining `window.__CNN_DEBUG__`
 * before the app loads (Playwright's addInitScript); users never see either.
 */
const debug = (globalThis as { __CNN_DEBUG__?: { hangMs?: number; stallMs?: number } }).__CNN_DEBUG__;
/** The worker heartbeats every second while busy; this much silence during a run means it hangs. */
const HANG_MS = debug?.hangMs ?? 20_000;
let lastHeard = 0;
let watchdog: ReturnType<typeof setInterval> | null = null;

function watch(): void {
  lastHeard = performance.now();
  watchdog ??= setInterval(() => {
    const { runState, error } = useStore.getState();
    const running = runState === 'loading' || runState === 'training' || runState === 'paused';
    const silent = performance.now() - lastHeard;
    if (!running || !worker || silent < HANG_MS || error?.kind === 'unresponsive' || error?.kind === 'worker') return;
    useStore.setState({
      error: {
        kind: 'unresponsive',
        message: `The training worker has not answered for ${Math.round(silent / 1000)} s: it may be stuck. Restart it to go on; the curves so far are kept. (A very large batch on the plain-JS backend can also take this long: then just wait.)`,
      },
    });
  }, 1000);
}

/** Ends the worker (stuck, crashed or not) and starts a new one; the run's curves stay in the store. */
export function restartWorker(): void {
  worker?.terminate();
  worker = null;
  const { runState, settings } = useStore.getState();
  const active = runState === 'loading' || runState === 'training' || runState === 'paused';
  useStore.setState({ error: null, ...(active ? { runState: 'error' as const } : {}), statusMessage: 'Worker restarted', backend: null });
  initBackend(settings.backend);
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('../worker/training.worker.ts', import.meta.url), { type: 'module', name: 'training' });
  w.onmessage = (event: MessageEvent<FromWorker>) => receive(event.data);
  w.onerror = (event) => {
    event.preventDefault();
    crashed(
      `The training worker crashed${event.message ? `: ${event.message}` : ''}. Restart it (or train again); the curves so far are kept.`,
    );
  };
  w.onmessageerror = () =>
    crashed('A message from the training worker could not be read. Restart it (or train again); the curves so far are kept.');
  worker = w;
  watch();
  if (debug?.stallMs !== undefined) w.postMessage({ type: 'debug-config', stallMs: debug.stallMs } satisfies ToWorker);
  return w;
}

function send(message: ToWorker, transfer: Transferable[] = []): void {
  getWorker().postMessage(message, transfer);
}

/** For the other UI modules that talk to the worker (inspection); `transfer` moves buffers, no copy. */
export const sendToWorker = send;

function crashed(message: string): void {
  worker?.terminate();
  worker = null;
  // Points already received belong to the kept curve; flush them now so nothing trickles in later.
  if (flushTimer) clearTimeout(flushTimer);
  flushPoints();
  const { runState } = useStore.getState();
  useStore.setState({
    error: { kind: 'worker', message },
    runState: runState === 'idle' || runState === 'done' ? runState : 'error',
    statusMessage: 'Worker stopped',
  });
}

/** Starts the worker early and has it pick a backend, so the badge shows before the first run. */
export function initBackend(choice: BackendChoice): void {
  send({ type: 'init-backend', choice, settings: useStore.getState().settings });
}

/** Measures the backends again for the current settings (the badge's "measure again"). */
export function reprobeBackend(): void {
  const { settings } = useStore.getState();
  useStore.setState({ backend: null });
  send({ type: 'init-backend', choice: settings.backend, settings, reprobe: true });
}

let lastIssuedRunId = 0;
/** A run id never used before: for a run, or for a model being loaded (which becomes a run once it loads). */
export function nextRunId(): number {
  lastIssuedRunId = Math.max(lastIssuedRunId, useStore.getState().runId) + 1;
  return lastIssuedRunId;
}

export function startTraining(): void {
  startRun();
}

/** Starts a run; with `step`, it pauses after that first Step (Step pressed with no run active). */
function startRun(step?: StepUnit): void {
  const { settings } = useStore.getState();
  const next = nextRunId();
  pendingPoints = [];
  useStore.setState(freshRun(next, settings));
  resetVerdict(next);
  send({ type: 'start', runId: next, settings, ...(step ? { step } : {}) });
}

/** Step (TensorFlow Playground): one batch or to the end of the epoch, then paused; from idle, a new run does its first Step. */
export function stepTraining(unit: StepUnit): void {
  const { runId, runState } = useStore.getState();
  if (runState === 'training' || runState === 'paused') send({ type: 'step', runId, unit });
  else if (runState !== 'loading') startRun(unit);
}

/**
 * Reset (TensorFlow Playground): the run stops (recorded in the history like a stopped run, when it
 * has trained), the worker drops its model, and the charts and numbers start empty; the next run
 * initialises fresh weights.
 */
export function resetTraining(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushPoints();
  const { runId, runState, settings } = useStore.getState();
  const active = runState === 'loading' || runState === 'training' || runState === 'paused';
  // The run ends here for everything that waits on it (history recorder, a sequence in progress).
  if (active) useStore.setState({ runState: 'done', statusMessage: 'Stopped by Reset' });
  send({ type: 'reset', runId });
  pendingPoints = [];
  const next = nextRunId();
  resetVerdict(next);
  useStore.setState({
    ...freshRun(next, settings),
    runSettings: null,
    runState: 'idle',
    statusMessage: 'Reset: the next run starts from fresh weights',
  });
}

export function pauseTraining(): void {
  send({ type: 'pause', runId: useStore.getState().runId });
}

export function resumeTraining(): void {
  send({ type: 'resume', runId: useStore.getState().runId });
}

export function stopTraining(): void {
  const { runId, runState } = useStore.getState();
  send({ type: 'stop', runId });
  if (runState === 'loading' || runState === 'training' || runState === 'paused') useStore.setState({ statusMessage: 'Stopping…' });
}

/** Reads the chosen files and hands them to the worker (buffers transferred, not copied). */
export async function loadCifarFiles(files: readonly File[]): Promise<void> {
  useStore.setState({ cifarStatus: { busy: true, error: null } });
  try {
    const uploaded: UploadedFile[] = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
    send(
      { type: 'load-cifar', files: uploaded },
      uploaded.map((u) => u.bytes),
    );
  } catch (error) {
    useStore.setState({
      cifarStatus: {
        busy: false,
        error: `Could not read the files (${String(error)}). Choose them again; if they are on a removable or network drive, copy them to this computer first.`,
      },
    });
  }
}

/** Points a chart line keeps (about one per 2–3 px of a chart's width), and its smoothing. */
const CURVE_POINTS = 300;
const SMOOTHING = 0.9;
/** The run's chart lines, extended as points arrive: O(new points) per flush, whatever the run's length. */
const newCurves = (runId: number) => ({
  runId,
  loss: new LiveCurve(SMOOTHING, CURVE_POINTS),
  lossLog: new LiveCurve(SMOOTHING, CURVE_POINTS, 'log'),
  accuracy: new LiveCurve(SMOOTHING, CURVE_POINTS),
  learningRate: new LiveCurve(0, CURVE_POINTS),
});
let live = newCurves(-1);

function curvesFor(runId: number, fresh: readonly BatchPoint[], rebuildFrom?: readonly BatchPoint[]): Curves {
  if (live.runId !== runId || rebuildFrom) {
    live = newCurves(runId);
    fresh = rebuildFrom ?? fresh;
  }
  for (const p of fresh) {
    live.loss.push(p.epoch, p.loss);
    live.lossLog.push(p.epoch, p.loss);
    live.accuracy.push(p.epoch, p.accuracy);
    live.learningRate.push(p.epoch, p.learningRate);
  }
  return live.loss.length === 0
    ? NO_CURVES
    : {
        loss: live.loss.points(),
        lossLog: live.lossLog.points(),
        accuracy: live.accuracy.points(),
        learningRate: live.learningRate.points(),
      };
}

function flushPoints(): void {
  flushTimer = null;
  const messages = pendingPoints;
  pendingPoints = [];
  const { runId, batches } = useStore.getState();
  const fresh = messages.flatMap((m) => (m.type === 'batches' && m.runId === runId ? m.points : []));
  if (fresh.length > 0) useStore.setState({ batches: batches.concat(fresh), curves: curvesFor(runId, fresh) });
}

function receive(message: FromWorker): void {
  lastHeard = performance.now();
  if (useStore.getState().error?.kind === 'unresponsive') useStore.setState({ error: null });
  const state = useStore.getState();
  // Run-scoped messages of an abandoned run are dropped.
  if ('runId' in message && message.runId !== null && message.runId !== state.runId) return;
  switch (message.type) {
    case 'backend':
      useStore.setState({ backend: message.backend });
      return;
    case 'state':
      useStore.setState({ runState: message.state, statusMessage: message.message ?? labelFor(message.state) });
      return;
    case 'dataset-progress':
      useStore.setState({ datasetProgress: { loadedBytes: message.loadedBytes, totalBytes: message.totalBytes } });
      return;
    case 'dataset-ready':
      useStore.setState({ dataset: message.info, datasetProgress: null });
      return;
    case 'model':
      useStore.setState({ model: message.summary, sizes: message.sizes, labelNoise: message.labelNoise });
      return;
    case 'batches':
      pendingPoints.push(message);
      flushTimer ??= setTimeout(flushPoints, BATCH_FLUSH_MS);
      return;
    case 'progress':
      useStore.setState({ progress: message.progress });
      return;
    case 'epoch':
      flushPoints();
      useStore.setState({ epochs: [...state.epochs, message.metrics] });
      return;
    case 'done': {
      flushPoints();
      // Judged before the state turns `done`: the history records the run with its verdict.
      const verdict = judgeEndedRun(message);
      useStore.setState({
        runState: 'done',
        runSeconds: message.seconds,
        statusMessage:
          message.stopped && state.runState === 'loading'
            ? 'Stopped while loading the data'
            : (verdict?.status ?? (message.stopped ? 'Stopped' : `Finished in ${message.seconds.toFixed(1)} s`)),
      });
      return;
    }
    case 'test-score':
      receiveTestScore(message);
      return;
    case 'error':
      flushPoints();
      useStore.setState({
        error: { kind: message.kind, message: message.message },
        ...(message.runId !== null
          ? { runState: 'error' as const, statusMessage: message.kind === 'diverged' ? 'Diverged' : 'Failed' }
          : {}),
      });
      return;
    case 'cifar-loaded':
      useStore.setState({ uploadedCifar: message.info, cifarStatus: { busy: false, error: null } });
      return;
    case 'cifar-error':
      useStore.setState({ cifarStatus: { busy: false, error: message.message } });
      return;
    case 'inspect':
      receiveInspect(message.data);
      return;
    case 'model-saved':
    case 'model-loaded':
    case 'model-error':
      receiveModelFiles(message);
      return;
    case 'heartbeat':
      return;
    case 'recovered': {
      // Steps after the checkpoint are trained again (on the new backend) and sent again.
      flushPoints();
      const { batches, epochs, runId } = useStore.getState();
      const kept = batches.filter((p) => p.step <= message.step);
      useStore.setState({
        batches: kept,
        curves: curvesFor(runId, [], kept),
        epochs: epochs.slice(0, message.epochs),
        notice: message.message,
      });
      return;
    }
    default: {
      const unknown: never = message;
      console.warn('unknown worker message', unknown);
    }
  }
}

function labelFor(state: RunState): string {
  switch (state) {
    case 'loading':
      return 'Loading…';
    case 'training':
      return 'Training';
    case 'paused':
      return 'Paused';
    default:
      return state;
  }
}

if (debug) {
  /** Fault injection for the end-to-end tests (e2e/faults.spec.ts). */
  (globalThis as { __cnnFault?: (fault: DebugFault) => void }).__cnnFault = (fault) => send({ type: 'debug-fault', fault });
}
