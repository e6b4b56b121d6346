/**
 * The UI side of a run: Train, Step, Pause, Stop, Reset, restart; the worker's run messages (through
 * the port's registry, workerPort.ts) become store updates. Plain functions, callable from components
 * and tests alike.
 */
import type { BackendChoice } from '../core/settings';
import type { StepUnit } from '../core/wire';
import type { FromWorker, RunState, UploadedFile } from '../shared/protocol';
import { LiveCurve } from '../core/series';
import type { BatchPoint } from '../core/wire';
import { freshRun, isRunActive, NO_CURVES, useStore, type Curves } from './store';
import { judgeEndedRun, resetVerdict } from './verdicts';
import { endWorker, nextRunId, onWorkerFailure, onWorkerMessage, sendToWorker } from './workerPort';

/** Batch points are appended to the store at most this often, to keep React renders cheap. */
const BATCH_FLUSH_MS = 500;
let pendingPoints: FromWorker[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;

/** Ends the worker (stuck, crashed or not) and starts a new one; the run's curves stay in the store. */
export function restartWorker(): void {
  endWorker();
  const { runState, settings } = useStore.getState();
  const active = isRunActive(runState);
  useStore.setState({ error: null, ...(active ? { runState: 'error' as const } : {}), statusMessage: 'Worker restarted', backend: null });
  initBackend(settings.backend);
}

/** The worker crashed (the port has ended it already). */
function crashed(message: string): void {
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
  sendToWorker({ type: 'init-backend', choice, settings: useStore.getState().settings });
}

/** Measures the backends again for the current settings (the badge's "measure again"). */
export function reprobeBackend(): void {
  const { settings } = useStore.getState();
  useStore.setState({ backend: null });
  sendToWorker({ type: 'init-backend', choice: settings.backend, settings, reprobe: true });
}

export function startTraining(): void {
  startRun();
}

/** Starts a run; with `step`, it pauses after that first Step (Step pressed with no run active). */
function startRun(step?: StepUnit): void {
  const { settings, raceRunning } = useStore.getState();
  // A live race has the cores; Train says so and waits (RunPanel).
  if (raceRunning) return;
  const next = nextRunId();
  pendingPoints = [];
  useStore.setState(freshRun(next, settings));
  resetVerdict(next);
  sendToWorker({ type: 'start', runId: next, settings, ...(step ? { step } : {}) });
}

/** Step (TensorFlow Playground): one batch or to the end of the epoch, then paused; from idle, a new run does its first Step. */
export function stepTraining(unit: StepUnit): void {
  const { runId, runState } = useStore.getState();
  if (runState === 'training' || runState === 'paused') sendToWorker({ type: 'step', runId, unit });
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
  const active = isRunActive(runState);
  // The run ends here for everything that waits on it (history recorder, a sequence in progress).
  if (active) useStore.setState({ runState: 'done', statusMessage: 'Stopped by Reset' });
  sendToWorker({ type: 'reset', runId });
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
  sendToWorker({ type: 'pause', runId: useStore.getState().runId });
}

export function resumeTraining(): void {
  sendToWorker({ type: 'resume', runId: useStore.getState().runId });
}

export function stopTraining(): void {
  const { runId, runState } = useStore.getState();
  sendToWorker({ type: 'stop', runId });
  if (isRunActive(runState)) useStore.setState({ statusMessage: 'Stopping…' });
}

/** Reads the chosen files and hands them to the worker (buffers transferred, not copied). */
export async function loadCifarFiles(files: readonly File[]): Promise<void> {
  useStore.setState({ cifarStatus: { busy: true, error: null } });
  try {
    const uploaded: UploadedFile[] = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
    sendToWorker(
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

onWorkerFailure(crashed);
onWorkerMessage('backend', (message) => useStore.setState({ backend: message.backend }));
onWorkerMessage('state', (message) =>
  useStore.setState({ runState: message.state, statusMessage: message.message ?? labelFor(message.state) }),
);
onWorkerMessage('dataset-progress', (message) =>
  useStore.setState({ datasetProgress: { loadedBytes: message.loadedBytes, totalBytes: message.totalBytes } }),
);
onWorkerMessage('dataset-ready', (message) => useStore.setState({ dataset: message.info, datasetProgress: null }));
onWorkerMessage('model', (message) => useStore.setState({ model: message.summary, sizes: message.sizes, labelNoise: message.labelNoise }));
onWorkerMessage('batches', (message) => {
  pendingPoints.push(message);
  flushTimer ??= setTimeout(flushPoints, BATCH_FLUSH_MS);
});
onWorkerMessage('progress', (message) => useStore.setState({ progress: message.progress }));
onWorkerMessage('epoch', (message) => {
  flushPoints();
  useStore.setState({ epochs: [...useStore.getState().epochs, message.metrics] });
});
onWorkerMessage('done', (message) => {
  const wasLoading = useStore.getState().runState === 'loading';
  flushPoints();
  // Judged before the state turns `done`: the history records the run with its verdict.
  const verdict = judgeEndedRun(message);
  useStore.setState({
    runState: 'done',
    runSeconds: message.seconds,
    statusMessage:
      message.stopped && wasLoading
        ? 'Stopped while loading the data'
        : (verdict?.status ?? (message.stopped ? 'Stopped' : `Finished in ${message.seconds.toFixed(1)} s`)),
  });
});
onWorkerMessage('error', (message) => {
  flushPoints();
  useStore.setState({
    error: { kind: message.kind, message: message.message },
    ...(message.runId !== null ? { runState: 'error' as const, statusMessage: message.kind === 'diverged' ? 'Diverged' : 'Failed' } : {}),
  });
});
onWorkerMessage('cifar-loaded', (message) => useStore.setState({ uploadedCifar: message.info, cifarStatus: { busy: false, error: null } }));
onWorkerMessage('cifar-error', (message) => useStore.setState({ cifarStatus: { busy: false, error: message.message } }));
onWorkerMessage('recovered', (message) => {
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
});

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
