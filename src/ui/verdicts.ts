/**
 * The UI side of run verdicts: judges the run on screen when it ends (the core's `judgeRun` on the
 * store's curves), applies a verdict's fix to the settings and remembers what it changed, and asks the
 * worker to score a stopped run's model on the test set. Its own small store, so the main UI store
 * stays as it is; worker messages reach it through the worker port's registry (workerPort.ts).
 */
import { create } from 'zustand';
import type { Evaluation } from '../core/wire';
import { applyFix, judgeRun, stoppedWhere, type Fix, type RunEnd, type SettingChange, type Verdict } from '../core/verdict';
import type { FromWorker } from '../shared/protocol';
import { useStore } from './store';
import { onWorkerMessage, sendToWorker } from './workerPort';

export interface VerdictState {
  /** The run the verdict is about (shown only while that run is the store's run). */
  runId: number;
  verdict: Verdict | null;
  end: RunEnd | null;
  /** The divergence guard's own words, when it stopped the run. */
  guardMessage: string | null;
  /** The last fix applied, and what it changed (shown until the next run starts). */
  applied: { readonly label: string; readonly changes: readonly SettingChange[] } | null;
  /** Test score of a stopped run's model: asked, answered, or why not. */
  score:
    | { readonly state: 'scoring' }
    | { readonly state: 'done'; readonly where: string; readonly test: Evaluation }
    | { readonly state: 'failed'; readonly message: string }
    | null;
}

export const useVerdict = create<VerdictState>()(() => ({
  runId: 0,
  verdict: null,
  end: null,
  guardMessage: null,
  applied: null,
  score: null,
}));

/** Forgets the last run's verdict (a new run starts). */
export function resetVerdict(runId: number): void {
  useVerdict.setState({ runId, verdict: null, end: null, guardMessage: null, applied: null, score: null });
}

/** Judges the store's run as it ended; call before its state turns `done` so the history records it. */
export function judgeEndedRun(message: Extract<FromWorker, { type: 'done' }>): Verdict | null {
  const state = useStore.getState();
  if (!state.runSettings) return null;
  const end: RunEnd = message.diverged
    ? { kind: 'diverged', step: message.diverged.step, loss: message.diverged.loss }
    : message.stopped
      ? { kind: 'stopped' }
      : { kind: 'finished' };
  const verdict = judgeRun({
    batches: state.batches,
    epochs: state.epochs,
    numClasses: state.dataset?.classNames.length ?? 10,
    settings: state.runSettings,
    end,
    steps: state.batches.at(-1)?.step ?? 0,
    ...(state.progress ? { batchesPerEpoch: state.progress.batchesPerEpoch } : {}),
    seconds: message.seconds,
  });
  useVerdict.setState({ runId: message.runId, verdict, end, guardMessage: message.diverged?.message ?? null, score: null });
  return verdict;
}

/** Applies a verdict's fix (or the learning-rate hint) to the settings; the confirmation lists old → new. */
export function applySettingsFix(fix: Fix): void {
  const { settings } = useStore.getState();
  const { settings: next, changes } = applyFix(settings, fix.patch);
  if (changes.length > 0) useStore.setState({ settings: next });
  useVerdict.setState({ applied: { label: fix.label, changes } });
}

/** Asks the worker to score the ended run's model on the test set. */
export function scoreStoppedRun(): void {
  const { runId, batches } = useStore.getState();
  useVerdict.setState({ score: { state: 'scoring' } });
  sendToWorker({ type: 'score-test', runId, epoch: Math.round((batches.at(-1)?.epoch ?? 0) * 100) / 100 });
}

function receiveTestScore(message: Extract<FromWorker, { type: 'test-score' }>): void {
  if (message.runId !== useVerdict.getState().runId) return;
  if (!message.test) {
    useVerdict.setState({ score: { state: 'failed', message: message.message ?? 'The test set could not be scored.' } });
    return;
  }
  const { batches, progress, epochs } = useStore.getState();
  useVerdict.setState({
    score: { state: 'done', where: stoppedWhere(batches.at(-1)?.step ?? 0, progress?.batchesPerEpoch, epochs.length), test: message.test },
  });
}

onWorkerMessage('test-score', receiveTestScore);
