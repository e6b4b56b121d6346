import { memo, useDeferredValue, useMemo, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { PRESETS } from '../../core/presets';
import { MAX_RACE_LANES, planAgainst, planFromPreset, RACE_KEY, serializeRaceSpec, type RacePlan } from '../../core/race';
import { serializeSettings, SETTINGS, type SettingName, type Settings } from '../../core/settings';
import { defaultSweepText, parseSweepValues, SWEEPABLE } from '../../core/sweep';
import { ChartExportButtons } from '../components/ChartExport';
import { ChartLegend, LineMark } from '../components/ChartLegend';
import type { XY } from '../../core/series';
import type { EpochMetrics } from '../../core/wire';
import { useRunActive, useStore } from '../store';
import { closeRace, laneActive, pauseRace, raceActive, resumeRace, startRace, stopRace, useRace, type Lane } from './raceClient';
import './race.css';
import { epochAxis } from '../components/epochAxis';
import { RadioChoices } from '../components/RadioChoices';

const RACE_SETTINGS: readonly SettingName[] = [...SWEEPABLE, 'seed', 'dataset'];
const RACEABLE_PRESETS = PRESETS.filter((p) => p.variants.length >= 2);
const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3));

/** A sensible first rival for a setting: the next option of a choice, ten times less/more for a rate. */
function rivalText(name: SettingName, current: Settings[SettingName]): string {
  const spec = SETTINGS[name];
  // The last option is the far end for the teaching comparisons (relu → sigmoid, momentum → adam);
  // a dataset or backend races its next option.
  if (spec.kind === 'enum')
    return (
      (name === 'dataset' || name === 'backend' ? spec.options : [...spec.options].reverse()).find((o) => o.value !== current)?.value ?? ''
    );
  if (spec.kind === 'boolean') return current ? '0' : '1';
  return defaultSweepText(name)
    .split(', ')
    .filter((v) => Number(v) !== current)
    .slice(0, 1)
    .join(', ');
}

/** The address that opens this race (and starts it when `autostart`). */
export function raceLink(plan: RacePlan, autostart = false): string {
  const { origin, pathname } = window.location;
  const base = serializeSettings(plan.variants[0]!.settings);
  return `${origin}${pathname}?${base}&${RACE_KEY}=${encodeURIComponent(serializeRaceSpec(plan))}${autostart ? '&autostart=1' : ''}`;
}

/**
 * Live race: 2–4 variants trained at the same time, each in its own worker, on the same charts. Set
 * up from the current settings ("race against …") or from a course experiment's variants.
 */
export function RacePanel() {
  const race = useRace((s) => s.race);
  return (
    <section
      className="panel race"
      id="race"
      aria-labelledby="race-title"
      data-testid="race"
      data-state={race ? (race.finished ? 'finished' : 'running') : 'none'}
    >
      <h2 id="race-title">Live race</h2>
      {race ? <RaceView /> : null}
      {!raceActive(race) && <Proposal />}
      {!raceActive(race) && <RaceBuilder />}
    </section>
  );
}

/** The race a link set up (`race=`), ready to start. */
function Proposal() {
  const proposal = useRace((s) => s.proposal);
  const mainBusy = useRunActive();
  if (!proposal) return null;
  return (
    <div className="race-proposal" data-testid="race-proposal" role="region" aria-label="Race from the link">
      <p>
        <b>This link sets up a race</b> ({proposal.title}): {proposal.variants.map((v) => v.label).join('  vs  ')}.
      </p>
      <div className="buttons">
        <button type="button" className="primary" data-testid="race-proposal-start" disabled={mainBusy} onClick={() => startRace(proposal)}>
          Start this race ({proposal.variants.length})
        </button>
        <button type="button" onClick={() => useRace.setState({ proposal: null })}>
          Dismiss
        </button>
      </div>
    </div>
  );
}

function RaceBuilder() {
  const b = useRaceBuilder();
  const { plan, lanes } = b;
  const pendingPlan = useRace((s) => s.race);
  return (
    <div className="race-builder" data-testid="race-builder">
      <p className="hint">
        Train 2–{MAX_RACE_LANES} variants at the same time and watch them on the same charts: ReLU vs sigmoid, SGD vs Adam, ε = 0 vs 0.8.
        Each variant trains in its own worker and they share this machine's {navigator.hardwareConcurrency || 'few'} CPU cores, so each is
        slower than alone; every variant shows the examples/s it really gets.
        {pendingPlan?.finished ? ' The last race stays above until you close it or start another.' : ''}
      </p>
      <RaceModes mode={b.mode} setMode={b.setMode} />
      {b.mode === 'against' ? <AgainstForm builder={b} /> : <PresetForm builder={b} />}
      {plan && lanes >= 2 && (
        <p className="race-preview hint" data-testid="race-preview">
          {lanes} lanes: {plan.variants.map((v) => v.label).join('  vs  ')}
        </p>
      )}
      <RaceBuilderButtons builder={b} />
    </div>
  );
}

type RaceBuilderState = ReturnType<typeof useRaceBuilder>;

/** The builder's choices (mode, setting and values, or experiment and variants) and the plan they make. */
function useRaceBuilder() {
  const settings = useStore((s) => s.settings);
  const mainBusy = useRunActive();
  const [mode, setMode] = useState<'against' | 'preset'>('against');
  const [param, setParam] = useState<SettingName>('activation');
  const [text, setText] = useState(() => rivalText('activation', settings.activation));
  const [presetId, setPresetId] = useState(RACEABLE_PRESETS[0]?.id ?? '');
  const preset = RACEABLE_PRESETS.find((p) => p.id === presetId);
  const [chosen, setChosen] = useState<readonly string[]>(() => preset?.variants.slice(0, MAX_RACE_LANES).map((v) => v.id) ?? []);
  const parsed = useMemo(() => parseSweepValues(param, text), [param, text]);
  const plan: RacePlan | null = useMemo(() => {
    if (mode === 'preset') return planFromPreset(presetId, chosen);
    return planAgainst(settings, param, parsed.values as Settings[SettingName][]);
  }, [mode, presetId, chosen, settings, param, parsed]);
  const lanes = plan?.variants.length ?? 0;
  const tooMany = mode === 'against' && parsed.values.filter((v) => v !== settings[param]).length > MAX_RACE_LANES - 1;
  const problem = mainBusy
    ? 'A run is training: stop it or let it finish first (a race needs the cores).'
    : lanes < 2
      ? mode === 'preset'
        ? 'Tick 2 to 4 variants.'
        : `Give at least one value of ${SETTINGS[param].label} other than the current one.`
      : null;
  const chooseParam = (name: SettingName) => {
    setParam(name);
    setText(rivalText(name, settings[name]));
  };
  const choosePreset = (id: string) => {
    const next = RACEABLE_PRESETS.find((p) => p.id === id);
    setPresetId(id);
    setChosen(next?.variants.slice(0, MAX_RACE_LANES).map((v) => v.id) ?? []);
  };
  return {
    settings,
    mode,
    setMode,
    param,
    chooseParam,
    text,
    setText,
    parsed,
    tooMany,
    preset,
    presetId,
    choosePreset,
    chosen,
    setChosen,
    plan,
    lanes,
    problem,
  };
}

function RaceModes({ mode, setMode }: { mode: 'against' | 'preset'; setMode: (mode: 'against' | 'preset') => void }) {
  return (
    <div className="race-modes" role="radiogroup" aria-label="What to race">
      <RadioChoices
        name="race-mode"
        value={mode}
        onChange={setMode}
        options={[
          { value: 'against', label: 'the current settings against other values', testId: 'race-mode-against' },
          { value: 'preset', label: 'variants of a course experiment', testId: 'race-mode-preset' },
        ]}
      />
    </div>
  );
}

/** "The current settings against other values": a setting and its rival values. */
function AgainstForm({ builder: { settings, param, chooseParam, text, setText, parsed, tooMany } }: { builder: RaceBuilderState }) {
  return (
    <div className="race-form">
      <label>
        Setting{' '}
        <select data-testid="race-param" value={param} onChange={(e) => chooseParam(e.target.value as SettingName)}>
          {RACE_SETTINGS.map((n) => (
            <option key={n} value={n}>
              {SETTINGS[n].label}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        now <b>{String(settings[param])}</b>, against{' '}
        <input
          data-testid="race-values"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={parsed.rejected.length > 0 || tooMany}
          placeholder="values, comma-separated"
        />
      </label>
      {parsed.rejected.length > 0 && (
        <p className="field-error" role="alert">
          Not used: {parsed.rejected.join(' · ')}
        </p>
      )}
      {tooMany && (
        <p className="field-error">
          At most {MAX_RACE_LANES} variants race at a time: the first {MAX_RACE_LANES - 1} values are used.
        </p>
      )}
    </div>
  );
}

/** "Variants of a course experiment": an experiment and which of its variants race. */
function PresetForm({ builder: { preset, presetId, choosePreset, chosen, setChosen } }: { builder: RaceBuilderState }) {
  return (
    <div className="race-form">
      <label>
        Experiment{' '}
        <select data-testid="race-preset" value={presetId} onChange={(e) => choosePreset(e.target.value)}>
          {RACEABLE_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title}
            </option>
          ))}
        </select>
      </label>
      <span className="race-variants" role="group" aria-label="Variants to race">
        {preset?.variants.map((v) => {
          const on = chosen.includes(v.id);
          return (
            <label key={v.id}>
              <input
                type="checkbox"
                checked={on}
                disabled={!on && chosen.length >= MAX_RACE_LANES}
                onChange={() => setChosen(on ? chosen.filter((id) => id !== v.id) : [...chosen, v.id])}
                data-testid={`race-variant-${v.id}`}
              />{' '}
              {v.label}
            </label>
          );
        })}
      </span>
    </div>
  );
}

/** Start the race, or copy a link that sets it up; the reason when it cannot start. */
function RaceBuilderButtons({ builder: { plan, lanes, problem } }: { builder: RaceBuilderState }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!plan) return;
    try {
      await navigator.clipboard.writeText(raceLink(plan));
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      window.prompt('Copy this link:', raceLink(plan));
    }
  };
  return (
    <div className="buttons">
      <button
        type="button"
        className="primary"
        data-testid="race-start"
        disabled={problem !== null}
        title={problem ?? 'Start all variants now'}
        onClick={() => plan && startRace(plan)}
      >
        Start race{lanes >= 2 ? ` (${lanes})` : ''}
      </button>
      <button
        type="button"
        data-testid="race-copy-link"
        disabled={lanes < 2}
        onClick={() => void copy()}
        title="A link that opens this race set up (add &autostart=1 to start it on open)"
      >
        {copied ? 'Link copied' : 'Copy race link'}
      </button>
      {problem && <span className="hint">{problem}</span>}
    </div>
  );
}

function RaceView() {
  const race = useRace((s) => s.race)!;
  const active = raceActive(race);
  const anyTraining = race.lanes.some((l) => l.state === 'training' || l.state === 'paused');
  const total = race.lanes.reduce((sum, l) => sum + (l.state === 'training' ? (l.progress?.examplesPerSecond ?? 0) : 0), 0);
  const cores = navigator.hardwareConcurrency || 0;
  const training = race.lanes.filter((l) => l.state === 'training').length;
  const maxEpochs = Math.max(1, ...race.lanes.map((l) => l.progress?.epochs ?? l.settings.epochs));
  return (
    <div className="race-view" data-testid="race-view">
      <div className="buttons race-controls">
        <strong className="race-title">{race.title}</strong>
        {active ? (
          <>
            <button type="button" data-testid="race-pause" disabled={!anyTraining} onClick={race.paused ? resumeRace : pauseRace}>
              {race.paused ? 'Resume all' : 'Pause all'}
            </button>
            <button type="button" data-testid="race-stop" onClick={stopRace}>
              Stop race
            </button>
          </>
        ) : (
          <button type="button" data-testid="race-close" onClick={closeRace}>
            Close race
          </button>
        )}
        <span className="status" role="status" aria-live="polite" data-testid="race-status">
          {active
            ? race.paused
              ? 'Paused'
              : `Racing ${race.lanes.length} variants`
            : 'Race over: the runs are in the history below, ticked for comparison'}
        </span>
      </div>
      <div className="race-lanes-scroll">
        <table className="race-lanes" data-testid="race-lanes">
          <caption className="visually-hidden">Race lanes: what differs, progress, speed and results</caption>
          <thead>
            <tr>
              <th scope="col">Variant (what differs)</th>
              <th scope="col" className="narrow-hide">
                Status
              </th>
              <th scope="col" className="num">
                Epoch
              </th>
              <th scope="col" className="num" title="Training examples per second this variant gets right now">
                Examples/s
              </th>
              <th scope="col" className="num narrow-hide">
                Train loss
              </th>
              <th scope="col" className="num">
                Test acc.
              </th>
            </tr>
          </thead>
          <tbody>
            {race.lanes.map((l) => (
              <LaneRow key={l.index} lane={l} />
            ))}
          </tbody>
        </table>
      </div>
      {active && training > 0 && (
        <p className="hint" data-testid="race-throughput">
          {training} variant{training === 1 ? '' : 's'} training at once{cores ? ` on ${cores} CPU core${cores === 1 ? '' : 's'}` : ''}:{' '}
          {Math.round(total).toLocaleString('en-US')} examples/s in all. Alone, one would run faster; the examples/s of each is what it gets
          while sharing.
        </p>
      )}
      <div className="race-charts">
        <RaceChart metric="loss" title="Race: loss" lanes={race.lanes} maxEpochs={maxEpochs} />
        <RaceChart metric="accuracy" title="Race: accuracy" lanes={race.lanes} maxEpochs={maxEpochs} />
      </div>
      <p className="hint">Solid line: training (per batch, smoothed); dots: test set after each epoch. Same colour, same variant.</p>
    </div>
  );
}

function LaneRow({ lane }: { lane: Lane }) {
  const p = lane.progress;
  const lastTrain = lane.batches.at(-1);
  const lastEpoch = lane.epochs.at(-1);
  return (
    <tr
      data-testid="race-lane"
      data-state={lane.state}
      data-points={lane.batches.length}
      data-epochs={lane.epochs.length}
      data-record={lane.recordId ?? ''}
    >
      <th scope="row">
        <span className="swatch" style={{ background: lane.color }} aria-hidden="true" /> {lane.label}
      </th>
      <td className={lane.error ? undefined : 'narrow-hide'}>
        {lane.status}
        {lane.error && (
          <span className="field-error" role="alert">
            {' '}
            {lane.error}
          </span>
        )}
      </td>
      <td className="num">{p ? `${p.epoch}/${p.epochs}` : '–'}</td>
      <td className="num" data-testid="race-lane-speed" data-value={p?.examplesPerSecond ?? ''}>
        {p && laneActive(lane) ? Math.round(p.examplesPerSecond).toLocaleString('en-US') : '–'}
      </td>
      <td className="num narrow-hide">{num(lastTrain?.loss)}</td>
      <td className="num">{pct(lastEpoch?.test.accuracy)}</td>
    </tr>
  );
}

function RaceChart({
  metric,
  title,
  lanes,
  maxEpochs,
}: {
  metric: 'loss' | 'accuracy';
  title: string;
  lanes: readonly Lane[];
  maxEpochs: number;
}) {
  const deferred = useDeferredValue(lanes);
  return <RaceChartView metric={metric} title={title} lanes={deferred} maxEpochs={maxEpochs} />;
}

const RaceChartView = memo(function RaceChartView({
  metric,
  title,
  lanes,
  maxEpochs,
}: {
  metric: 'loss' | 'accuracy';
  title: string;
  lanes: readonly Lane[];
  maxEpochs: number;
}) {
  const ref = useRef<HTMLElement>(null);
  const series = useMemo(() => raceSeries(lanes, metric), [lanes, metric]);
  return (
    <figure
      ref={ref}
      className="chart race-chart"
      data-testid={`race-chart-${metric}`}
      data-series={series.filter((s) => s.train.length > 0).length}
      data-points={series.map((s) => s.lane.batches.length).join('|')}
    >
      <figcaption>
        {title} <ChartExportButtons figure={ref} name={title} />
      </figcaption>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart margin={RACE_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
          <XAxis {...epochAxis(maxEpochs)} />
          <YAxis type="number" dataKey="y" domain={RACE_AXIS[metric].domain} tickFormatter={RACE_AXIS[metric].tick} width={54} />
          <Tooltip formatter={RACE_AXIS[metric].value} labelFormatter={epochLabel} />
          <RaceLines series={series} />
        </LineChart>
      </ResponsiveContainer>
      <RaceLegend lanes={lanes} />
    </figure>
  );
});

/*
 * Built once: a new object or function prop re-registers its axis in recharts' store, which then
 * recomputes the whole chart on every update.
 */
const RACE_MARGIN = { top: 8, right: 16, bottom: 4, left: 0 } as const;
const RACE_AXIS = {
  accuracy: {
    domain: [0, 1] as [number, number],
    tick: (v: number) => `${Math.round(v * 100)}%`,
    value: (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(2)}%` : String(v)),
  },
  loss: {
    domain: [0, 'auto'] as [number, 'auto'],
    tick: (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(2)),
    value: (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v)),
  },
};
const epochLabel = (x: unknown) => `epoch ${Number(x).toFixed(2)}`;

/** The lanes, in the table's order, each in its colour (the test points share it). */
function RaceLegend({ lanes }: { lanes: readonly Lane[] }) {
  return (
    <ChartLegend
      entries={lanes.map((l) => ({ key: String(l.index), name: l.label, color: l.color, mark: <LineMark color={l.color} /> }))}
    />
  );
}

type RaceSeries = ReturnType<typeof raceSeries>;

/** Each lane's training line (smoothed and bounded as it arrives: `Lane.curves`) and its test points, for one metric. */
function raceSeries(lanes: readonly Lane[], metric: 'loss' | 'accuracy') {
  return lanes.map((l) => ({ lane: l, train: l.curves[metric], test: testPoints(l.epochs)[metric] }));
}

/** A lane's test points, the same arrays while its epochs stay (so an unchanged line is not redrawn). */
const testCache = new WeakMap<readonly EpochMetrics[], Record<'loss' | 'accuracy', XY[]>>();
function testPoints(epochs: readonly EpochMetrics[]): Record<'loss' | 'accuracy', XY[]> {
  let points = testCache.get(epochs);
  if (!points) {
    points = {
      loss: epochs.map((e) => ({ x: e.epoch, y: e.test.loss })),
      accuracy: epochs.map((e) => ({ x: e.epoch, y: e.test.accuracy })),
    };
    testCache.set(epochs, points);
  }
  return points;
}

/** Every lane's training line, then every lane's test points (dashed, no legend entry). */
function RaceLines({ series }: { series: RaceSeries }) {
  return (
    <>
      {series.map((s) => (
        <Line
          key={`train-${s.lane.index}`}
          data={s.train}
          dataKey="y"
          name={s.lane.label}
          stroke={s.lane.color}
          dot={false}
          strokeWidth={2}
          isAnimationActive={false}
        />
      ))}
      {series.map((s) => (
        <Line
          key={`test-${s.lane.index}`}
          data={s.test}
          dataKey="y"
          name={`${s.lane.label} (test)`}
          legendType="none"
          stroke={s.lane.color}
          strokeDasharray="4 4"
          strokeWidth={1}
          dot={{ r: 4, fill: s.lane.color }}
          isAnimationActive={false}
        />
      ))}
    </>
  );
}
