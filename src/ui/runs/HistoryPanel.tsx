import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { autoScale, axisWidth, compactNumber, smoothInLog, yAxisLayout, type AxisScale } from '../../core/chartScale';
import { describeSettings, differingSettings, runsToCsv, runsToJson, runSummary, type RunRecord } from '../../core/runRecord';
import { smooth, type XY } from '../../core/series';
import { serializeSettings } from '../../core/settings';
import { useStore } from '../store';
import { clearRuns, deleteRuns, renameRun, saveAgain, setSelected, toggleSelected, useRuns } from './runsStore';
import { downloadFile } from '../download';
import { VerdictBadge } from '../components/VerdictPanel';
import { epochAxis } from '../components/epochAxis';

/** Okabe–Ito, then a few more: distinguishable with the common colour-vision deficiencies. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999933', '#882255', '#44AA99'];

type CompareMetric = 'train-loss' | 'train-accuracy' | 'test-accuracy' | 'test-loss';
const METRICS: { id: CompareMetric; label: string }[] = [
  { id: 'train-loss', label: 'Training loss (per batch, smoothed)' },
  { id: 'train-accuracy', label: 'Training accuracy (per batch, smoothed)' },
  { id: 'test-accuracy', label: 'Test accuracy (per epoch)' },
  { id: 'test-loss', label: 'Test loss (per epoch)' },
];

const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '–');
const fmtBytes = (b: number) =>
  b >= 1e9 ? `${(b / 1e9).toFixed(1)} GB` : b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${Math.round(b / 1e3)} kB`;

function series(record: RunRecord, metric: CompareMetric): XY[] {
  switch (metric) {
    case 'train-loss':
      return smooth(
        record.batches.map((b) => ({ x: b.epoch, y: b.loss })),
        0.8,
      );
    case 'train-accuracy':
      return smooth(
        record.batches.map((b) => ({ x: b.epoch, y: b.accuracy })),
        0.8,
      );
    case 'test-accuracy':
      return record.epochs.map((e) => ({ x: e.epoch, y: e.test.accuracy }));
    case 'test-loss':
      return record.epochs.map((e) => ({ x: e.epoch, y: e.test.loss }));
  }
}

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');

/** Stored runs: a table with rename / delete / export, the compare chart of the ticked runs, and the storage readout. */
export function HistoryPanel() {
  const records = useRuns((s) => s.records);
  const selectedIds = useRuns((s) => s.selected);
  const message = useRuns((s) => s.message);
  const unsaved = useRuns((s) => s.unsaved ?? null);
  const usage = useRuns((s) => s.usage);
  const loaded = useRuns((s) => s.loaded);
  const selected = useMemo(() => records.filter((r) => selectedIds.includes(r.id)), [records, selectedIds]);
  return (
    <section className="panel history" aria-labelledby="history-title" data-testid="history" data-count={records.length}>
      <h2 id="history-title">Run history</h2>
      <p className="hint" data-testid="storage-usage">
        {records.length} run{records.length === 1 ? '' : 's'} kept in this browser
        {usage ? ` · storage used ${fmtBytes(usage.usage)} of ${fmtBytes(usage.quota)}` : ''}. Tick runs to compare them.
      </p>
      {message && (
        <p className="field-error" role="alert" data-testid="history-message">
          {message}
        </p>
      )}
      {unsaved && (
        <p className="hint">
          {message ? '' : `“${unsaved.name}” is not in the history yet. `}
          <button type="button" data-testid="history-save-again" onClick={() => void saveAgain()}>
            Save the run again
          </button>
        </p>
      )}
      {!loaded && <p className="hint">Loading…</p>}
      {records.length > 0 && (
        <>
          <RunsTable records={records} selectedIds={selectedIds} allSelected={selected.length === records.length} />
          <HistoryButtons records={records} selected={selected} />
        </>
      )}
      {selected.length > 0 && <CompareChart runs={selected} />}
    </section>
  );
}

/** The stored runs, one row each, with a tick-all box. */
function RunsTable({
  records,
  selectedIds,
  allSelected,
}: {
  records: readonly RunRecord[];
  selectedIds: readonly string[];
  allSelected: boolean;
}) {
  return (
    <div className="table-scroll">
      <table data-testid="runs-table">
        <thead>
          <tr>
            <th>
              <input
                type="checkbox"
                aria-label="Select all runs"
                checked={allSelected}
                onChange={(e) => setSelected(e.target.checked ? records.map((r) => r.id) : [])}
              />
            </th>
            <th>Name · verdict</th>
            <th className="num" title="Test accuracy after the last epoch">
              Final acc.
            </th>
            <th className="num" title="Best test accuracy of any epoch">
              Best acc.
            </th>
            <th className="num" title="Test loss after the last epoch">
              Loss
            </th>
            <th className="num">Ep.</th>
            <th className="num">Time</th>
            <th>Backend</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <RunRow key={r.id} record={r} checked={selectedIds.includes(r.id)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Export the ticked runs (or all) as CSV or JSON; clear the whole history. */
function HistoryButtons({ records, selected }: { records: readonly RunRecord[]; selected: readonly RunRecord[] }) {
  const exportSet = selected.length ? selected : records;
  return (
    <div className="buttons">
      <button
        type="button"
        data-testid="export-csv"
        onClick={() => downloadFile(`cnn-playground-runs-${stamp()}.csv`, runsToCsv(exportSet), 'text/csv')}
      >
        Export CSV{selected.length ? ` (${selected.length})` : ' (all)'}
      </button>
      <button
        type="button"
        data-testid="export-json"
        onClick={() => downloadFile(`cnn-playground-runs-${stamp()}.json`, runsToJson(exportSet, serializeSettings), 'application/json')}
      >
        Export JSON{selected.length ? ` (${selected.length})` : ' (all)'}
      </button>
      <button
        type="button"
        data-testid="clear-history"
        onClick={() => {
          if (window.confirm(`Delete all ${records.length} stored runs?`)) void clearRuns();
        }}
      >
        Clear history
      </button>
    </div>
  );
}

function RunRow({ record, checked }: { record: RunRecord; checked: boolean }) {
  const [name, setName] = useState(record.name);
  // A rename from elsewhere (or a record replaced) shows here; adjusted while rendering, not in an effect.
  const [storedName, setStoredName] = useState(record.name);
  if (record.name !== storedName) {
    setStoredName(record.name);
    setName(record.name);
  }
  const s = runSummary(record);
  return (
    <tr data-testid="run-row" data-id={record.id}>
      <td>
        <input
          type="checkbox"
          aria-label={`Compare ${record.name}`}
          data-testid="run-select"
          checked={checked}
          onChange={() => toggleSelected(record.id)}
        />
      </td>
      <td>
        <input
          className="run-name"
          aria-label="Run name"
          data-testid="run-name"
          value={name}
          maxLength={200}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => void renameRun(record.id, name)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur();
            if (e.key === 'Escape') setName(record.name);
          }}
        />
        <div className="run-verdict" data-testid="run-verdict" data-kind={record.verdict.kind}>
          <VerdictBadge kind={record.verdict.kind} label={record.verdict.label} title={record.verdict.status} />
        </div>
      </td>
      <td
        className="num"
        data-testid="run-final-accuracy"
        data-value={s.finalAccuracy}
        data-scored-after-stop={record.stoppedScore ? '1' : undefined}
        title={
          record.stoppedScore ? `The stopped model, scored on the test set afterwards (stopped at ${record.stoppedScore.where})` : undefined
        }
      >
        {pct(s.finalAccuracy)}
        {record.stoppedScore && '*'}
      </td>
      <td className="num">{pct(s.bestAccuracy)}</td>
      <td className="num">{Number.isFinite(s.finalLoss) ? s.finalLoss.toFixed(4) : '–'}</td>
      <td className="num">{s.epochs}</td>
      <td className="num">{Number.isFinite(record.seconds) ? `${record.seconds.toFixed(1)} s` : '–'}</td>
      <td>{record.backend ?? '–'}</td>
      <td className="row-actions">
        <button
          type="button"
          title="Load these settings into the form"
          data-testid="run-load"
          onClick={() => useStore.setState({ settings: record.settings })}
        >
          Load
        </button>
        <button
          type="button"
          title="Delete this run"
          aria-label={`Delete ${record.name}`}
          data-testid="run-delete"
          onClick={() => void deleteRuns([record.id])}
        >
          ×
        </button>
      </td>
    </tr>
  );
}

/** The ticked runs' curves on one chart; the legend names each run by the settings that differ between them. */
function CompareChart({ runs }: { runs: readonly RunRecord[] }) {
  const [metric, setMetric] = useState<CompareMetric>('train-loss');
  const { diff, lines, accuracy, axis } = useCompareLines(runs, metric);
  const maxEpoch = Math.max(1, ...runs.map((r) => r.settings.epochs));
  return (
    <figure
      className="chart compare"
      data-testid="compare-chart"
      data-series={lines.length}
      data-scale={axis.scale}
      data-legend={lines.map((l) => l.name).join('|')}
    >
      <CompareCaption runs={runs.length} sameSettings={diff.length === 0} metric={metric} setMetric={setMetric} />
      <ResponsiveContainer width="100%" height={260}>
        <LineChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
          <XAxis {...epochAxis(maxEpoch)} />
          <YAxis
            type="number"
            dataKey="y"
            scale={axis.scale}
            domain={[axis.domain[0], axis.domain[1]]}
            ticks={[...axis.ticks]}
            interval={0}
            tickFormatter={(v: number) => (accuracy ? `${Math.round(v * 100)}%` : compactNumber(v))}
            width={axis.width}
            tick={{ fontSize: 12 }}
          />
          <Tooltip
            formatter={(v) => (typeof v === 'number' ? (accuracy ? `${(v * 100).toFixed(2)}%` : v.toFixed(4)) : String(v))}
            labelFormatter={(x) => `epoch ${Number(x).toFixed(2)}`}
          />
          <Legend />
          {lines.map((l) => (
            <Line
              key={l.id}
              data={axis.scale === 'log' ? l.logData().filter((p) => p.y > 0 && Number.isFinite(p.y)) : l.data}
              dataKey="y"
              name={l.name}
              stroke={l.color}
              dot={metric.startsWith('test') ? { r: 3 } : false}
              strokeWidth={1.8}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/**
 * One line per ticked run for `metric`, named by the settings that differ between the runs, and the
 * y axis: log for a loss that spans decades (drawn from the log-smoothed line), else linear.
 */
function useCompareLines(runs: readonly RunRecord[], metric: CompareMetric) {
  const diff = useMemo(() => differingSettings(runs.map((r) => r.settings)), [runs]);
  const lines = useMemo(
    () =>
      runs.map((r, i) => ({
        id: r.id,
        // Only what differs; runs with identical settings (none differ) are told apart by name.
        name: diff.length ? describeSettings(r.settings, diff) : r.name,
        color: PALETTE[i % PALETTE.length]!,
        data: series(r, metric),
        // On a log axis the training loss is smoothed in log space (a spike does not linger), as on the live chart.
        logData: () =>
          metric === 'train-loss'
            ? smoothInLog(
                r.batches.map((b) => ({ x: b.epoch, y: b.loss })),
                0.8,
              )
            : series(r, metric),
      })),
    [runs, metric, diff],
  );
  const accuracy = metric.endsWith('accuracy');
  // Loss axes as on the live charts: log once the runs span three orders of magnitude (a diverged
  // run beside a good one), compact ticks, and an axis as wide as its labels.
  const axis = useMemo(() => {
    const values = lines.flatMap((l) => l.data.map((p) => p.y));
    const scale: AxisScale = accuracy ? 'linear' : autoScale(values);
    const drawn = scale === 'log' ? lines.flatMap((l) => l.logData().map((p) => p.y)) : values;
    return {
      scale,
      ...(accuracy
        ? { domain: [0, 1] as const, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], width: axisWidth(['100%']) }
        : yAxisLayout(drawn, scale)),
    };
  }, [lines, accuracy]);
  return { diff, lines, accuracy, axis };
}

/** How many runs, the metric to compare, and a note when their settings are the same. */
function CompareCaption({
  runs,
  sameSettings,
  metric,
  setMetric,
}: {
  runs: number;
  sameSettings: boolean;
  metric: CompareMetric;
  setMetric: (metric: CompareMetric) => void;
}) {
  return (
    <figcaption>
      Compare {runs} run{runs === 1 ? '' : 's'} ·{' '}
      <select
        aria-label="Metric to compare"
        data-testid="compare-metric"
        value={metric}
        onChange={(e) => setMetric(e.target.value as CompareMetric)}
      >
        {METRICS.map((m) => (
          <option key={m.id} value={m.id}>
            {m.label}
          </option>
        ))}
      </select>
      {sameSettings && runs > 1 && (
        <span className="chart-latest"> · same settings (seeds included): differences are noise of the backend</span>
      )}
    </figcaption>
  );
}
