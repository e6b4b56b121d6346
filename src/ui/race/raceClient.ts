/**
 * Live races: 2–4 variants trained at the same time, each in its own training worker (the same
 * worker code as a normal run; the main run's worker in workerClient.ts is left alone). Every lane's
 * messages land in the race store; the curves are appended for all lanes at once at most every
 * 500 ms. A lane that ends (finished or stopped) goes into the run history like any run, grouped
 * with its race; when the last lane ends the workers are closed and the race's runs are ticked in
 * the history's compare chart.
 *
 * Why one worker per lane, also on 2 cores: single-threaded WASM keeps one core busy per worker, so
 * two lanes train on both cores at once (one worker interleaving the lanes would use one) and the
 * operating system shares the cores fairly between more lanes than cores. Each lane reports its own
 * examples/s, so what every variant gets is shown, not assumed (measured numbers: README).
 */
import { create } from 'zustand';
import { downsampleBatches, RUN_RECORD_VERSION, type RunRecord } from '../../core/runRecord';
import { LiveCurve, type XY } from '../../core/series';
import { judgeRun } from '../../core/verdict';
import type { RacePlan } from '../../core/race';
import type { Settings } from '../../core/settings';
import type { BatchPoint, EpochMetrics, Progress } from '../../core/wire';
import type { BackendReport, FromWorker, RunState, ToWorker } from '../../shared/protocol';
import { saveRunRecord, setSelected, useRuns } from '../runs/runsStore';
import { isRunActive, useStore } from '../store';

/** Okabe–Ito colours, one per lane. */
export const LANE_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7'] as const;

export interface Lane {
  readonly index: number;
  readonly label: string;
  readonly settings: Settings;
  readonly color: string;
  readonly state: RunState;
  readonly status: string;
  readonly backend: BackendReport | null;
  readonly batches: readonly BatchPoint[];
  /** What the race charts draw of `batches`: smoothed and bounded (see {@link LiveCurve}). */
  readonly curves: LaneCurves;
  readonly epochs: readonly EpochMetrics[];
  readonly progress: Progress | null;
  readonly seconds: number | null;
  readonly stopped: boolean;
  /** The divergence guard ended it (the loss exploded): where, and the loss there. */
  readonly diverged: { readonly step: number; readonly loss: number } | null;
  readonly error: string | null;
  /** The history record once the lane has ended and been saved. */
  readonly recordId: string | null;
}

export interface Race {
  readonly id: string;
  readonly title: string;
  readonly lanes: readonly Lane[];
  readonly paused: boolean;
  /** Every lane has ended (done or error). */
  readonly finished: boolean;
}

export interface RaceState {
  race: Race | null;
  /** A race an address proposed (`race=`), shown ready to start. */
  proposal: RacePlan | null;
}

export const useRace = create<RaceState>()(() => ({ race: null, proposal: null }));

export interface LaneCurves {
  readonly loss: readonly XY[];
  readonly accuracy: readonly XY[];
}
const NO_CURVES: LaneCurves = { loss: [], accuracy: [] };

/** Points a race chart line keeps, and its smoothing (as the main charts). */
const CURVE_POINTS = 300;
const SMOOTHING = 0.9;

/**
 * Each lane's chart lines, extended as its points arrive: a flush costs O(new points) and draws at
 * most {@link CURVE_POINTS} per line, however long the race runs.
 */
let live: { loss: LiveCurve; accuracy: LiveCurve }[] = [];
const newLaneCurves = () => ({ loss: new LiveCurve(SMOOTHING, CURVE_POINTS), accuracy: new LiveCurve(SMOOTHING, CURVE_POINTS) });

/** Lane `index`'s curves after `points`; `restart` first drops what the lane had (a rewound lane). */
function extendCurves(index: number, points: readonly BatchPoint[], restart = false): LaneCurves {
  if (restart || !live[index]) live[index] = newLaneCurves();
  const curves = live[index];
  for (const p of points) {
    curves.loss.push(p.epoch, p.loss);
    curves.accuracy.push(p.epoch, p.accuracy);
  }
  return curves.loss.length === 0 ? NO_CURVES : { loss: curves.loss.points(), accuracy: curves.accuracy.points() };
}

const FLUSH_MS = 500;
const ACTIVE: readonly RunState[] = ['loading', 'training', 'paused'];
export const laneActive = (lane: Pick<Lane, 'state'>) => ACTIVE.includes(lane.state);
export const raceActive = (race: Race | null) => Boolean(race && !race.finished);

// The main run's controls read this to wait while a race trains (see RunPanel, workerClient).
useRace.subscribe((s) => {
  const running = raceActive(s.race);
  if (useStore.getState().raceRunning !== running) useStore.setState({ raceRunning: running });
});

let workers: (Worker | null)[] = [];
let pending: BatchPoint[][] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;
/** History writes of the current race's lanes. */
let saves: Promise<void>[] = [];
/** Each race's workers use run id 1; a race id makes a late message of an old race harmless. */
const RUN_ID = 1;

function updateLane(index: number, patch: Partial<Lane> | ((lane: Lane) => Partial<Lane>)): void {
  useRace.setState((s) => {
    if (!s.race) return s;
    const lanes = s.race.lanes.map((l) => (l.index === index ? { ...l, ...(typeof patch === 'function' ? patch(l) : patch) } : l));
    return { race: { ...s.race, lanes, finished: lanes.every((l) => !laneActive(l)) } };
  });
}

function flush(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  const points = pending;
  pending = pending.map(() => []);
  if (points.every((p) => p.length === 0)) return;
  useRace.setState((s) =>
    s.race
      ? {
          race: {
            ...s.race,
            lanes: s.race.lanes.map((l) => {
              const fresh = points[l.index];
              return fresh?.length ? { ...l, batches: l.batches.concat(fresh), curves: extendCurves(l.index, fresh) } : l;
            }),
          },
        }
      : s,
  );
}

/** Starts a race of the plan's variants (2–4), replacing a finished one. Does nothing while one runs. */
export function startRace(plan: RacePlan): void {
  if (raceActive(useRace.getState().race) || isRunActive(useStore.getState().runState) || plan.variants.length < 2) return;
  closeWorkers();
  const id = `race-${Date.now().toString(36)}`;
  const lanes: Lane[] = plan.variants.slice(0, LANE_COLORS.length).map((v, index) => ({
    index,
    label: v.label,
    settings: v.settings,
    color: LANE_COLORS[index]!,
    state: 'loading',
    status: 'Starting…',
    backend: null,
    batches: [],
    curves: NO_CURVES,
    epochs: [],
    progress: null,
    seconds: null,
    stopped: false,
    diverged: null,
    error: null,
    recordId: null,
  }));
  pending = lanes.map(() => []);
  live = lanes.map(newLaneCurves);
  saves = [];
  useRace.setState({ race: { id, title: plan.title, lanes, paused: false, finished: false }, proposal: null });
  workers = lanes.map((lane) => {
    const w = new Worker(new URL('../../worker/training.worker.ts', import.meta.url), { type: 'module', name: `race-${lane.index + 1}` });
    w.onmessage = (event: MessageEvent<FromWorker>) => receive(id, lane.index, event.data);
    w.onerror = (event) => {
      event.preventDefault();
      crashed(
        id,
        lane.index,
        `The worker of this variant crashed${event.message ? `: ${event.message}` : ''}; the curves so far are kept.`,
      );
    };
    const start: ToWorker = { type: 'start', runId: RUN_ID, settings: lane.settings };
    w.postMessage(start);
    return w;
  });
}

function send(index: number, message: ToWorker): void {
  workers[index]?.postMessage(message);
}

export function pauseRace(): void {
  const race = useRace.getState().race;
  if (!race) return;
  race.lanes.forEach((l) => l.state === 'training' && send(l.index, { type: 'pause', runId: RUN_ID }));
  useRace.setState({ race: { ...race, paused: true } });
}

export function resumeRace(): void {
  const race = useRace.getState().race;
  if (!race) return;
  race.lanes.forEach((l) => laneActive(l) && send(l.index, { type: 'resume', runId: RUN_ID }));
  useRace.setState({ race: { ...race, paused: false } });
}

/** Stops every lane still running; what they trained so far is kept and saved. */
export function stopRace(): void {
  const race = useRace.getState().race;
  if (!race) return;
  race.lanes.forEach((l) => {
    if (!laneActive(l)) return;
    send(l.index, { type: 'stop', runId: RUN_ID });
    updateLane(l.index, { status: 'Stopping…' });
  });
}

/** Removes a finished race from view (its runs stay in the history). */
export function closeRace(): void {
  if (raceActive(useRace.getState().race)) return;
  closeWorkers();
  useRace.setState({ race: null });
}

function closeWorkers(): void {
  workers.forEach((w) => w?.terminate());
  workers = [];
}

function crashed(raceId: string, index: number, message: string): void {
  if (useRace.getState().race?.id !== raceId) return;
  workers[index]?.terminate();
  workers[index] = null;
  flush();
  updateLane(index, (l) => ({ state: laneActive(l) ? 'error' : l.state, status: 'Worker stopped', error: message }));
  afterLaneEnded();
}

function receive(raceId: string, index: number, message: FromWorker): void {
  if (useRace.getState().race?.id !== raceId) return;
  if ('runId' in message && message.runId !== null && message.runId !== RUN_ID) return;
  switch (message.type) {
    case 'backend':
      updateLane(index, { backend: message.backend });
      return;
    case 'state':
      updateLane(index, {
        state: message.state,
        status: message.message ?? (message.state === 'paused' ? 'Paused' : message.state === 'training' ? 'Training' : 'Loading…'),
      });
      return;
    case 'dataset-progress':
      updateLane(index, {
        status: `Loading ${message.dataset}… ${Math.round((100 * message.loadedBytes) / Math.max(1, message.totalBytes))}%`,
      });
      return;
    case 'batches':
      pending[index]?.push(...message.points);
      flushTimer ??= setTimeout(flush, FLUSH_MS);
      return;
    case 'progress':
      updateLane(index, { progress: message.progress });
      return;
    case 'epoch':
      flush();
      updateLane(index, (l) => ({ epochs: [...l.epochs, message.metrics] }));
      return;
    case 'done':
      flush();
      updateLane(index, (l) => ({
        state: 'done',
        seconds: message.seconds,
        stopped: message.stopped,
        diverged: message.diverged ? { step: message.diverged.step, loss: message.diverged.loss } : null,
        status: message.diverged
          ? `Diverged at step ${message.diverged.step.toLocaleString('en-US')}`
          : message.stopped
            ? `Stopped after ${l.epochs.length} epoch(s)`
            : `Finished in ${message.seconds.toFixed(1)} s`,
      }));
      saves.push(record(raceId, index));
      afterLaneEnded();
      return;
    case 'error':
      flush();
      if (message.runId === null) {
        updateLane(index, { error: message.message });
        return;
      }
      updateLane(index, { state: 'error', status: message.kind === 'diverged' ? 'Diverged' : 'Failed', error: message.message });
      afterLaneEnded();
      return;
    case 'recovered':
      flush();
      updateLane(index, (l) => {
        const batches = l.batches.filter((p) => p.step <= message.step);
        return { batches, curves: extendCurves(index, batches, true), epochs: l.epochs.slice(0, message.epochs) };
      });
      return;
    case 'dataset-ready':
    case 'test-score':
    case 'model':
    case 'heartbeat':
    case 'inspect':
    case 'cifar-loaded':
    case 'cifar-error':
    case 'model-saved':
    case 'model-loaded':
    case 'model-error':
      return;
    default: {
      const unknown: never = message;
      console.warn('race: unknown worker message', unknown);
    }
  }
}

/** Saves an ended lane to the run history, named after the race and the variant, grouped with its race. */
async function record(raceId: string, index: number): Promise<void> {
  const race = useRace.getState().race;
  const lane = race?.lanes[index];
  if (!race || race.id !== raceId || !lane || (lane.epochs.length === 0 && lane.batches.length === 0)) return;
  const now = Date.now();
  // The same verdict as a run of the main worker gets (judged from the lane's full curves).
  const verdict = judgeRun({
    batches: lane.batches,
    epochs: lane.epochs,
    numClasses: 10,
    settings: lane.settings,
    end: lane.diverged ? { kind: 'diverged', ...lane.diverged } : lane.stopped ? { kind: 'stopped' } : { kind: 'finished' },
    ...(lane.progress ? { batchesPerEpoch: lane.progress.batchesPerEpoch } : {}),
    ...(lane.seconds !== null ? { seconds: lane.seconds } : {}),
  });
  const entry: RunRecord = {
    version: RUN_RECORD_VERSION,
    id: `${now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    name: `${race.title} · ${lane.label}`,
    createdAt: now,
    settings: lane.settings,
    epochs: lane.epochs,
    batches: downsampleBatches(lane.batches),
    seconds: lane.seconds ?? Number.NaN,
    backend: lane.backend?.name ?? null,
    stopped: lane.stopped,
    confusion: null,
    stoppedScore: null,
    group: raceId,
    verdict: { kind: verdict.kind, label: verdict.label, status: verdict.status },
  };
  await saveRunRecord(entry);
  if (useRuns.getState().records.some((r) => r.id === entry.id)) updateLane(index, { recordId: entry.id });
}

function afterLaneEnded(): void {
  const race = useRace.getState().race;
  if (!race?.finished) return;
  // Trained models are not kept from a race: free the workers' memory (datasets, tfjs).
  closeWorkers();
  // Once every lane's run is stored, the race's runs are ticked for the history's compare chart.
  void Promise.all(saves).then(() => {
    const ids = useRuns
      .getState()
      .records.filter((r) => r.group === race.id)
      .map((r) => r.id);
    if (ids.length) setSelected(ids);
  });
}
