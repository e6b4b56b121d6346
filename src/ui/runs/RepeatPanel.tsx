import { useId, useState } from 'react';
import type { NumberSpec } from '../../core/settings';
import type { Summary } from '../../core/stats';
import { useRunActive, useStore } from '../store';
import { NumberField } from '../components/NumberField';
import { useDatasetAvailability } from '../components/useDatasetAvailability';
import { cancelSequence, repeatCurrent, resultNote, useRuns } from './runsStore';

/** Trials of one repeat: read like every other number field (never clamped silently). */
const TRIALS: NumberSpec = {
  kind: 'number',
  key: 'trials',
  label: 'Trials',
  help: '',
  group: 'training',
  default: 3,
  min: 2,
  max: 20,
  integer: true,
  scale: 'linear',
  step: 1,
};

const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '–');
const num = (v: number, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : '–');

/** Mean ± std (and variance) of a quantity over trials; data-* carry the raw numbers for tests. */
function SummaryLine({ id, title, s, fmt }: { id: string; title: string; s: Summary; fmt: (v: number) => string }) {
  return (
    <p data-testid={id} data-n={s.n} data-mean={s.mean} data-std={s.std} data-variance={s.variance}>
      <b>{title}:</b> {fmt(s.mean)} ± {fmt(s.std)}{' '}
      <span className="hint">
        (variance {Number.isFinite(s.variance) ? s.variance.toExponential(2) : '–'}, n = {s.n}, min {fmt(s.min)}, max {fmt(s.max)})
      </span>
    </p>
  );
}

/** Runs the current settings N times with seeds seed, seed + 1, … and reports mean ± std of the final test metrics. */
export function RepeatPanel() {
  const [n, setN] = useState(TRIALS.default);
  const fieldId = useId();
  const sequence = useRuns((s) => s.sequence);
  const active = useRunActive();
  const seed = useStore((s) => s.settings.seed);
  const dataset = useStore((s) => s.settings.dataset);
  const unavailable = useDatasetAvailability()[dataset];
  const running = sequence?.running ?? false;
  return (
    <section className="panel repeat" aria-labelledby="repeat-title" data-testid="repeat">
      <h2 id="repeat-title">Repeat</h2>
      <div className="buttons">
        <label>
          Trials <NumberField id={fieldId} spec={TRIALS} value={n} onCommit={setN} testId="repeat-count" inline />
        </label>
        <button
          type="button"
          className="primary"
          data-testid="repeat-start"
          disabled={active || running || unavailable !== null}
          onClick={() => void repeatCurrent(n)}
          title={unavailable ?? undefined}
        >
          Repeat ×{n}
        </button>
        {running && (
          <button type="button" data-testid="sequence-cancel" onClick={cancelSequence}>
            Cancel
          </button>
        )}
      </div>
      <p className="hint">
        Same settings, seeds {seed} … {seed + n - 1}: the spread shows how much of a difference between two runs is luck.
      </p>
      {sequence && sequence.kind !== 'sweep' && (
        <div data-testid="sequence" data-kind={sequence.kind} data-running={sequence.running} data-done={sequence.results.length}>
          <p>
            <b>{sequence.label}</b>: {sequence.results.length}/{sequence.total} done
            {sequence.running ? ' — running…' : sequence.cancelled ? ' — cancelled' : ''}
          </p>
          {sequence.accuracy && sequence.accuracy.n > 0 && (
            <SummaryLine id="repeat-accuracy" title="Final test accuracy" s={sequence.accuracy} fmt={pct} />
          )}
          {sequence.loss && sequence.loss.n > 0 && (
            <SummaryLine id="repeat-loss" title="Final test loss" s={sequence.loss} fmt={(v) => num(v)} />
          )}
          {sequence.results.length > 0 && (
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th>Run</th>
                    <th className="num">Test accuracy</th>
                    <th className="num">Test loss</th>
                  </tr>
                </thead>
                <tbody>
                  {sequence.results.map((r, i) => (
                    <tr key={i}>
                      <td>
                        {r.label}
                        {resultNote(r)}
                      </td>
                      <td className="num">{pct(r.finalAccuracy)}</td>
                      <td className="num">{num(r.finalLoss)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
