/// <reference lib="webworker" />
/**
 * What keeps a run alive, or at least visible, when something under it fails:
 * - a heartbeat while the worker is busy, so the UI can tell a hung or dead worker from a slow one;
 * - recovery from a lost WebGL context: the run continues on another backend from its last host
 *   checkpoint (src/core/recovery.ts), the UI is told which steps are trained again.
 * Fault injection for the end-to-end tests lives in debugHook.ts.
 */
import type { ExperimentResult } from '../core/experiment';
import { BackendLostError, type TrainCheckpoint } from '../core/recovery';
import type { RunControl, TrainObserver } from '../core/train';
import type { BackendReport, FromWorker } from '../shared/protocol';
import { activeWebGLContext, watchWebGLContext } from './backend';

declare const self: DedicatedWorkerGlobalScope;

const HEARTBEAT_MS = 1000;
/** Errors tfjs throws from timers for a while after its context is lost are expected, not a crash. */
const LOSS_AFTERMATH_MS = 60_000;

let busy = 0;
let heartbeat: ReturnType<typeof setInterval> | null = null;
let lostAt = -Infinity;

/** Runs `task` with heartbeats going out (nested and queued tasks share one timer). */
export async function withHeartbeat<T>(post: (m: FromWorker) => void, task: () => Promise<T>): Promise<T> {
  busy += 1;
  heartbeat ??= setInterval(() => post({ type: 'heartbeat' }), HEARTBEAT_MS);
  try {
    return await task();
  } finally {
    busy -= 1;
    if (busy === 0 && heartbeat !== null) {
      clearInterval(heartbeat);
      heartbeat = null;
    }
  }
}

/**
 * After a WebGL context loss tfjs' pending fence polls throw from timers and reject promises nobody
 * awaits any more. Uncaught, they would reach the UI as a worker crash; they are logged instead.
 */
export function installLossAftermathFilter(): void {
  const filter = (event: Event, what: unknown) => {
    if (performance.now() - lostAt > LOSS_AFTERMATH_MS) return;
    event.preventDefault();
    console.warn('after the WebGL context loss:', what);
  };
  self.addEventListener('error', (e) => filter(e, e.message));
  self.addEventListener('unhandledrejection', (e) => filter(e, e.reason));
}

export interface ResilientRun {
  readonly runId: number;
  readonly control: RunControl;
  readonly post: (m: FromWorker) => void;
  /** Switches to a backend that does not need the lost one (the worker's `ensureBackend('wasm')`). */
  readonly fallBack: () => Promise<BackendReport>;
  /** Called before the run starts again (e.g. the inspector forgets the dead model). */
  readonly beforeRetry?: () => void;
}

/**
 * Runs an experiment; if its WebGL context is lost, runs it again on another backend from the last
 * checkpoint (once: a second loss ends the run with an error). `start` gets the checkpoint to resume
 * from (null the first time) and the observer hook that keeps checkpoints (only on WebGL, the only
 * backend that can be lost; elsewhere checkpoints would cost time for nothing).
 */
export async function runResilient(
  run: ResilientRun,
  start: (resume: TrainCheckpoint | null, keep: Pick<TrainObserver, 'onCheckpoint'>) => Promise<ExperimentResult>,
): Promise<ExperimentResult> {
  const { control, post, runId } = run;
  let resume: TrainCheckpoint | null = null;
  for (let attempt = 0; ; attempt++) {
    const onWebGL = activeWebGLContext() !== null;
    // A holder, not a `let`: the observer writes it.
    const kept: { latest: TrainCheckpoint | null } = { latest: resume };
    const stopWatching = watchWebGLContext(() => {
      lostAt = performance.now();
      control.interrupt(new BackendLostError('webgl', 'the WebGL context was lost'));
    });
    try {
      return await start(resume, onWebGL ? { onCheckpoint: (c) => (kept.latest = c) } : {});
    } catch (error) {
      const lost =
        error instanceof BackendLostError ||
        control.interrupted instanceof BackendLostError ||
        (onWebGL && activeWebGLContext()?.isContextLost() === true);
      const latest = kept.latest;
      if (!lost || !latest || attempt > 0)
        throw lost && !(error instanceof BackendLostError) ? new BackendLostError('webgl', String(error)) : error;
      lostAt = performance.now();
      console.warn('WebGL context lost; continuing from the last checkpoint', error);
      control.clearInterruption();
      run.beforeRetry?.();
      const report = await run.fallBack();
      resume = latest;
      post({
        type: 'recovered',
        runId,
        step: resume.step,
        epochs: resume.history.length,
        message:
          `The GPU (WebGL) context was lost during training. The run continues on ${report.name === 'wasm' ? 'WASM' : report.name === 'cpu' ? 'plain JS' : report.name} ` +
          `from its last checkpoint (step ${resume.step.toLocaleString('en-US')}, epoch ${resume.epoch}); no finished epoch is lost.` +
          (resume.optimizerRestart === undefined ? '' : ` ${resume.optimizerRestart}`),
      });
    } finally {
      stopWatching();
    }
  }
}
