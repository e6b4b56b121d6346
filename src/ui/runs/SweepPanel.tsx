import { useId, useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { SETTINGS, type NumberSpec, type SettingName } from '../../core/settings';
import { defaultSweepText, logRange, MAX_SWEEP_VALUES, parseSweepValues, SWEEPABLE } from '../../core/sweep';
import { NumberField } from '../components/NumberField';
import { useDatasetAvailability } from '../components/useDatasetAvailability';
import { useRunActive, useStore } from '../store';
import { cancelSequence, resultNote, runSequence, useRuns } from './runsStore';

const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '–');
const show = (v: unknown) => (typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v));

/** How many log-spaced values "Fill" writes: read like every other number field (never clamped silently). */
const SWEEP_COUNT: NumberSpec = {
  kind: 'number',
  key: 'count',
  label: 'Values',
  help: '',
  group: 'training',
  default: 4,
  min: 2,
  max: MAX_SWEEP_VALUES,
  integer: true,
  scale: 'linear',
  step: 1,
};

/** One setting over several values, run one after another; a results table and accuracy against the value. */
export function SweepPanel() {
  const [param, setParam] = useState<SettingName>('learningRate');
  const [text, setText] = useState(() => defaultSweepText('learningRate'));
  const [range, setRange] = useState({ from: 0.0001, to: 0.1, count: 4 });
  const sequence = useRuns((s) => s.sequence);
  const active = useRunActive();
  const dataset = useStore((s) => s.settings.dataset);
  const unavailable = useDatasetAvailability()[dataset];
  const running = sequence?.running ?? false;
  const parsed = useMemo(() => parseSweepValues(param, text), [param, text]);
  const spec = SETTINGS[param];

  const start = () => {
    const base = useStore.getState().settings;
    const items = parsed.values.map((v) => ({ label: `${spec.key}=${show(v)}`, settings: { ...base, [param]: v } }));
    void runSequence('sweep', `Sweep ${spec.label}`, items, base, param);
  };

  return (
    <section className="panel sweep" aria-labelledby="sweep-title" data-testid="sweep">
      <h2 id="sweep-title">Sweep</h2>
      <div className="sweep-form">
        <label>
          Setting{' '}
          <select
            data-testid="sweep-param"
            value={param}
            onChange={(e) => {
              const name = e.target.value as SettingName;
              setParam(name);
              setText(defaultSweepText(name));
            }}
          >
            {SWEEPABLE.map((n) => (
              <option key={n} value={n}>
                {SETTINGS[n].label}
              </option>
            ))}
          </select>
        </label>
        <label className="sweep-values">
          Values{' '}
          <input
            data-testid="sweep-values"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={parsed.rejected.length > 0}
          />
        </label>
        {spec.kind === 'number' && spec.scale === 'log' && (
          <SweepRange spec={spec} range={range} setRange={setRange} onFill={(values) => setText(values.join(', '))} />
        )}
      </div>
      {parsed.rejected.length > 0 && (
        <ul className="field-error" data-testid="sweep-rejected">
          {parsed.rejected.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      )}
      <SweepButtons
        count={parsed.values.length}
        disabled={active || running || parsed.values.length < 2 || unavailable !== null}
        onStart={start}
      />
      {sequence?.kind === 'sweep' && sequence.param && <SweepResults />}
    </section>
  );
}

type SweepRangeValue = { from: number; to: number; count: number };

/** For a log-scale setting: "Fill" writes `count` log-spaced values from `from` to `to`. */
function SweepRange({
  spec,
  range,
  setRange,
  onFill,
}: {
  spec: NumberSpec;
  range: SweepRangeValue;
  setRange: (range: SweepRangeValue) => void;
  onFill: (values: number[]) => void;
}) {
  const id = useId();
  return (
    <span className="sweep-range">
      log range{' '}
      <NumberField
        id={`${id}-from`}
        spec={spec}
        value={range.from}
        onCommit={(from) => setRange({ ...range, from })}
        testId="sweep-from"
        ariaLabel="from"
        inline
      />{' '}
      to{' '}
      <NumberField
        id={`${id}-to`}
        spec={spec}
        value={range.to}
        onCommit={(to) => setRange({ ...range, to })}
        testId="sweep-to"
        ariaLabel="to"
        inline
      />
      ,{' '}
      <NumberField
        id={`${id}-count`}
        spec={SWEEP_COUNT}
        value={range.count}
        onCommit={(count) => setRange({ ...range, count })}
        testId="sweep-count"
        ariaLabel="count"
        inline
      />{' '}
      values{' '}
      <button type="button" onClick={() => onFill(logRange(range.from, range.to, range.count))}>
        Fill
      </button>
    </span>
  );
}

/** Run the sweep; cancel one that runs (the finished runs stay). */
function SweepButtons({ count, disabled, onStart }: { count: number; disabled: boolean; onStart: () => void }) {
  const sequence = useRuns((s) => s.sequence);
  const running = sequence?.running ?? false;
  return (
    <div className="buttons">
      <button type="button" className="primary" data-testid="sweep-start" disabled={disabled} onClick={onStart}>
        Run {count} values
      </button>
      {running && sequence?.kind === 'sweep' && (
        <button type="button" data-testid="sweep-cancel" onClick={cancelSequence}>
          Cancel (keeps finished runs)
        </button>
      )}
    </div>
  );
}

function SweepResults() {
  const sequence = useRuns((s) => s.sequence)!;
  const param = sequence.param!;
  const spec = SETTINGS[param];
  const numeric = spec.kind === 'number';
  const points = sequence.results.map((r) => ({
    x: numeric ? (r.settings[param] as number) : show(r.settings[param]),
    y: r.finalAccuracy,
    loss: r.finalLoss,
    failed: r.failed,
    stopped: r.stopped,
    verdict: r.verdict,
  }));
  return (
    <div data-testid="sweep-results" data-running={sequence.running} data-done={sequence.results.length}>
      <p>
        <b>{sequence.label}</b>: {sequence.results.length}/{sequence.total} done
        {sequence.running ? ' — running…' : sequence.cancelled ? ' — cancelled' : ''}
      </p>
      {points.length > 0 && (
        <>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th>{spec.label}</th>
                  <th className="num">Final test accuracy</th>
                  <th className="num">Final test loss</th>
                </tr>
              </thead>
              <tbody>
                {points.map((p, i) => (
                  <tr key={i}>
                    <td>
                      {String(p.x)}
                      {resultNote(p)}
                    </td>
                    <td className="num">{pct(p.y)}</td>
                    <td className="num">{Number.isFinite(p.loss) ? p.loss.toFixed(4) : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <figure className="chart" data-testid="sweep-chart" data-points={points.length}>
            <figcaption>Final test accuracy against {spec.label}</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
                {numeric ? (
                  <XAxis dataKey="x" type="number" scale={spec.scale === 'log' ? 'log' : 'auto'} domain={['auto', 'auto']} />
                ) : (
                  <XAxis dataKey="x" type="category" />
                )}
                <YAxis domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} width={54} />
                <Tooltip formatter={(v) => (typeof v === 'number' ? pct(v) : String(v))} />
                <Line dataKey="y" name="final test accuracy" stroke="#0072B2" dot={{ r: 4 }} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        </>
      )}
    </div>
  );
}
