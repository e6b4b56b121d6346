import type { VerdictKind } from '../../core/verdict';
import { useRunActive, useStore } from '../store';
import { applySettingsFix, scoreStoppedRun, useVerdict } from '../verdicts';
import { startTraining } from '../workerClient';
import './verdict.css';

/** A symbol per verdict, next to its words (for readers who cannot tell the colours apart). */
export const VERDICT_ICON: Readonly<Record<VerdictKind, string>> = {
  learned: '✓',
  diverged: '✕',
  'not-learning': '○',
  overfitting: '⚠',
  stopped: '■',
  'too-early': '…',
};

/** The verdict of the run on screen, or null (none yet, or it belongs to an earlier run). */
export function useCurrentVerdict() {
  const runId = useStore((s) => s.runId);
  const runState = useStore((s) => s.runState);
  const verdict = useVerdict((s) => s.verdict);
  const verdictRun = useVerdict((s) => s.runId);
  return verdict && verdictRun === runId && runState === 'done' ? verdict : null;
}

/** A verdict's symbol and label as a small coloured badge (run history). */
export function VerdictBadge({ kind, label, title }: { kind: VerdictKind; label: string; title?: string }) {
  return (
    <span className={`verdict-badge verdict-${kind}`} data-testid="verdict-badge" data-kind={kind} title={title}>
      <span aria-hidden="true">{VERDICT_ICON[kind]} </span>
      {label}
    </span>
  );
}

/**
 * What the ended run's curves say (learned, diverged, not learning, overfitting, stopped), the likely
 * causes under its settings, one-click fixes that change the settings and list what they changed, and
 * for a stopped run a test-set score of its model as it is.
 */
export function VerdictPanel() {
  const verdict = useCurrentVerdict();
  const applied = useVerdict((s) => s.applied);
  const score = useVerdict((s) => s.score);
  const steps = useStore((s) => s.batches.at(-1)?.step ?? 0);
  const active = useRunActive();
  if (!verdict) return null;
  return (
    <div className={`verdict verdict-${verdict.kind}`} data-testid="verdict" data-kind={verdict.kind}>
      <p>
        <b>
          <span className="verdict-icon" aria-hidden="true">
            {VERDICT_ICON[verdict.kind]}
          </span>
          {verdict.label}.
        </b>{' '}
        <span data-testid="verdict-summary">{verdict.summary}</span>
      </p>
      {verdict.causes.length > 0 && (
        <>
          <p>{verdict.causes.length === 1 ? 'Likely cause:' : 'Likely causes, most likely first:'}</p>
          <ul data-testid="verdict-causes">
            {verdict.causes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </>
      )}
      {verdict.kind === 'stopped' && steps > 0 && (
        <div className="verdict-fixes">
          <button type="button" data-testid="score-test" onClick={scoreStoppedRun} disabled={score?.state === 'scoring'}>
            {score?.state === 'scoring' ? 'Scoring the test set…' : 'Score the test set now'}
          </button>
          {score?.state === 'done' && (
            <span data-testid="stopped-test-score" data-value={score.test.accuracy}>
              Test accuracy {score.where}: <b>{(score.test.accuracy * 100).toFixed(2)}%</b> (loss {score.test.loss.toFixed(4)})
            </span>
          )}
          {score?.state === 'failed' && (
            <span className="field-error" role="alert">
              {score.message}
            </span>
          )}
        </div>
      )}
      {verdict.fixes.length > 0 && (
        <div className="verdict-fixes" role="group" aria-label="Fixes">
          {verdict.fixes.map((fix) => (
            <button key={fix.label} type="button" data-testid="verdict-fix" disabled={active} onClick={() => applySettingsFix(fix)}>
              {fix.label}
            </button>
          ))}
        </div>
      )}
      {applied && (
        <p className="verdict-applied" role="status" data-testid="fix-applied">
          {applied.changes.length === 0 ? (
            <>“{applied.label}”: the settings already say so; nothing changed.</>
          ) : (
            <>Changed {applied.changes.map((c) => `${c.label}: ${c.from} → ${c.to}`).join('; ')}.</>
          )}
          <button type="button" data-testid="verdict-train-again" disabled={active} onClick={startTraining}>
            Train again
          </button>
        </p>
      )}
    </div>
  );
}
