import { RECENT_BATCHES, recentMean } from '../../core/series';
import { fmtLoss, fmtPct, fmtRate } from '../format';
import { isRunActive, useStore } from '../store';
import type { ReactNode } from 'react';
import type { RunState } from '../../shared/protocol';
import { resetAll } from '../classroom/shortcuts';
import { pauseTraining, resumeTraining, startTraining, stepTraining, stopTraining } from '../workerClient';
import { TrainBlocked } from './TrainBlocked';
import { useDatasetAvailability } from './useDatasetAvailability';
import { useCurrentVerdict, VerdictPanel } from './VerdictPanel';

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m < 60 ? `${m} min ${s} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * One run-bar button. Never `disabled`: an unavailable one is `aria-disabled` (greyed, ignores
 * clicks), so the button just pressed keeps the focus when the run's state changes under it, and Tab
 * goes through the bar in order.
 */
function RunButton({
  enabled,
  onPress,
  children,
  ...rest
}: {
  enabled: boolean;
  onPress: () => void;
  children: ReactNode;
  'data-testid': string;
  title: string;
  className?: string;
}) {
  return (
    <button type="button" {...rest} aria-disabled={!enabled} onClick={enabled ? onPress : undefined}>
      {children}
    </button>
  );
}

const RACE_BLOCKS = 'a live race is training on these cores; stop it or let it finish, then train here.';

/** Train / Pause / Resume / Stop, Step (a batch, an epoch) and Reset, the status line, the progress bar and the headline metrics. */
export function RunPanel() {
  const runState = useStore((s) => s.runState);
  const dataset = useStore((s) => s.settings.dataset);
  const hasCurves = useStore((s) => s.batches.length > 0 || s.epochs.length > 0);
  const raceRunning = useStore((s) => s.raceRunning);
  const unavailable = useDatasetAvailability()[dataset];
  const active = isRunActive(runState);
  const running = runState === 'training' || runState === 'paused';
  const blocked = raceRunning ? RACE_BLOCKS : unavailable;
  const canStart = !active && blocked === null;
  const canStep = running || canStart;
  return (
    // The skip link's target: focusable by script only.
    <section className="panel run" aria-label="Run" id="run-controls" tabIndex={-1}>
      <div className="buttons">
        <RunButton
          className="primary"
          data-testid="start-training"
          onPress={startTraining}
          enabled={canStart}
          title={blocked ?? 'Train with the settings on the left (Space)'}
        >
          {runState === 'done' || runState === 'error' ? 'Train again' : 'Train'}
        </RunButton>
        <RunButton
          data-testid="pause-training"
          enabled={running}
          onPress={runState === 'paused' ? resumeTraining : pauseTraining}
          title="Pause or resume the run (Space)"
        >
          {runState === 'paused' ? 'Resume' : 'Pause'}
        </RunButton>
        <RunButton data-testid="stop-training" enabled={active} onPress={stopTraining} title="Stop the run; it is kept in the history (X)">
          Stop
        </RunButton>
        <RunButton
          data-testid="step-batch"
          enabled={canStep}
          onPress={() => stepTraining('batch')}
          title="Train one batch, then pause; with no run, start one that pauses after its first batch (S or →)"
        >
          Step
        </RunButton>
        <RunButton
          data-testid="step-epoch"
          enabled={canStep}
          onPress={() => stepTraining('epoch')}
          title="Train to the end of the epoch (and evaluate), then pause (E)"
        >
          Step epoch
        </RunButton>
        <RunButton
          data-testid="reset-training"
          enabled={active || hasCurves}
          onPress={resetAll}
          title="Stop, clear the charts and the trained weights: the next run starts from fresh weights (R)"
        >
          Reset
        </RunButton>
        <RunStatus runState={runState} />
      </div>
      {raceRunning && !active && (
        <p className="train-blocked" role="status" data-testid="train-blocked-race">
          <b>Train waits for the live race:</b> {RACE_BLOCKS} <a href="#race">Go to the race</a>
        </p>
      )}
      <TrainBlocked />
      <ProgressLine />
      <VerdictPanel />
      <Metrics />
    </section>
  );
}

/** The status line: what the run is doing, coloured by the current verdict. */
function RunStatus({ runState }: { runState: RunState }) {
  const statusMessage = useStore((s) => s.statusMessage);
  const verdict = useCurrentVerdict();
  return (
    <span
      className={`status status-${runState}${verdict ? ` verdict-${verdict.kind}` : ''}`}
      data-testid="run-status"
      data-state={runState}
      data-verdict={verdict?.kind ?? ''}
      title={statusMessage}
      role="status"
      aria-live="polite"
    >
      {statusMessage}
    </span>
  );
}

function ProgressLine() {
  const progress = useStore((s) => s.progress);
  const datasetProgress = useStore((s) => s.datasetProgress);
  const runState = useStore((s) => s.runState);
  if (runState === 'loading' && datasetProgress) {
    const { loadedBytes, totalBytes } = datasetProgress;
    return (
      <div className="progress">
        <progress max={totalBytes || 1} value={loadedBytes} aria-label="Dataset download" />
        <span>
          Loading data: {(loadedBytes / 1e6).toFixed(1)} / {(totalBytes / 1e6).toFixed(1)} MB
        </span>
      </div>
    );
  }
  const epochs = progress?.epochs ?? 1;
  const done = progress ? (progress.epoch - 1 + progress.batch / progress.batchesPerEpoch) / epochs : 0;
  return (
    <div className="progress">
      {/* The last report says where the run ended (a stopped or diverged run's bar is not full). */}
      <progress max={1} value={done} aria-label="Training progress" />
      <span>
        Epoch{' '}
        <b data-testid="epoch" data-value={progress?.epoch ?? 0}>
          {progress?.epoch ?? 0}
        </b>
        /{progress?.epochs ?? '–'} · batch{' '}
        <b data-testid="batch" data-value={progress?.batch ?? 0}>
          {progress?.batch ?? 0}
        </b>
        /{progress?.batchesPerEpoch ?? '–'} ·{' '}
        <b data-testid="examples-per-second" data-value={progress?.examplesPerSecond ?? 0}>
          {progress ? Math.round(progress.examplesPerSecond).toLocaleString('en-US') : '–'}
        </b>{' '}
        examples/s · ETA {runState === 'training' && progress ? formatDuration(progress.etaSeconds) : '–'}
      </span>
    </div>
  );
}

function Metrics() {
  const batches = useStore((s) => s.batches);
  const epochs = useStore((s) => s.epochs);
  const last = epochs.at(-1);
  // Live training numbers: the mean of the last 50 batches, the same definition as the charts' captions.
  const trainLoss = recentMean(batches.map((b) => b.loss));
  const trainAcc = recentMean(batches.map((b) => b.accuracy));
  const recentNote = batches.length
    ? `mean of last ${Math.min(RECENT_BATCHES, batches.length)} batches`
    : `mean of last ${RECENT_BATCHES} batches`;
  const epochNote = last ? `after epoch ${last.epoch}` : undefined;
  return (
    <dl className="metrics">
      <Metric id="metric-train-loss" label="Train loss" note={recentNote} value={trainLoss} text={fmtLoss(trainLoss)} />
      <Metric id="metric-train-accuracy" label="Train accuracy" note={recentNote} value={trainAcc} text={fmtPct(trainAcc)} />
      <Metric
        id="metric-validation-accuracy"
        label="Validation accuracy"
        note={epochNote}
        value={last?.validation?.accuracy}
        text={fmtPct(last?.validation?.accuracy)}
      />
      <Metric id="metric-test-loss" label="Test loss" note={epochNote} value={last?.test.loss} text={fmtLoss(last?.test.loss)} />
      <Metric
        id="metric-test-accuracy"
        label={last?.testNegative ? 'Test accuracy (positives)' : 'Test accuracy'}
        note={epochNote}
        value={last?.test.accuracy}
        text={fmtPct(last?.test.accuracy)}
      />
      {last?.testNegative && (
        <Metric
          id="metric-test-negative-accuracy"
          label="Test accuracy (negatives)"
          value={last.testNegative.accuracy}
          text={fmtPct(last.testNegative.accuracy)}
        />
      )}
      <Metric
        id="metric-learning-rate"
        label="Learning rate"
        note={batches.length ? 'at the last batch' : undefined}
        value={batches.at(-1)?.learningRate}
        text={batches.length ? fmtRate(batches.at(-1)!.learningRate) : '–'}
      />
    </dl>
  );
}

/** The key numbers: the ones presentation mode and the phone's sticky bar keep. */
const KEY_METRICS = new Set(['metric-train-loss', 'metric-train-accuracy', 'metric-validation-accuracy', 'metric-test-accuracy']);

function Metric({
  id,
  label,
  note,
  value,
  text,
}: {
  id: string;
  label: string;
  note?: string | undefined;
  value: number | undefined;
  text: string;
}) {
  return (
    <div className={KEY_METRICS.has(id) ? 'metric metric-key' : 'metric'}>
      <dt>
        {label}
        {note && <small className="metric-note">{note}</small>}
      </dt>
      <dd data-testid={id} data-value={value ?? ''}>
        {text}
      </dd>
    </div>
  );
}
