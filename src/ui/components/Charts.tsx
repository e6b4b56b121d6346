import { createContext, memo, useContext, useEffect, useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { autoScale, axisWidth, compactNumber, yAxisLayout, type AxisScale } from '../../core/chartScale';
import { RECENT_BATCHES, recentMean, type XY } from '../../core/series';
import { fmtLoss, fmtPct, fmtRate } from '../format';
import { useQueued } from '../paintQueue';
import { isRunActive, useStore } from '../store';
import { useView } from '../classroom/viewStore';
import { SettingsChanged } from './SettingsChanged';
import { epochAxis } from './epochAxis';
import { plainTick } from './axisTick';
import { ChartLegend, LineMark } from './ChartLegend';
import { onIdle } from '../idle';

/**
 * Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. Validation (bluish
 * green, squares, solid) and test (vermillion, rings, dashed) sit far apart and differ in marker and
 * line style too, so each stays visible where they overlap — also as the single points of a one-epoch run.
 */
const COLORS = {
  train: '#0072B2',
  trainEpoch: '#56B4E9',
  validation: '#009E73',
  test: '#D55E00',
  testNegative: '#CC79A7',
  rate: '#000000',
  best: '#555555',
  chance: '#6b7280',
};

type Metric = 'loss' | 'accuracy';

/** A filled square marker (validation), drawn where recharts would draw a dot. */
function SquareDot({ cx, cy, stroke }: { cx?: number; cy?: number; stroke?: string }) {
  if (cx === undefined || cy === undefined || !Number.isFinite(cx) || !Number.isFinite(cy)) return null;
  return <rect x={cx - 4} y={cy - 4} width={8} height={8} fill={stroke} stroke="#fff" strokeWidth={0.5} />;
}

/** Finite values a `scale` can draw (a log axis cannot show 0). */
const drawable = (points: readonly XY[], scale: AxisScale) => points.filter((p) => Number.isFinite(p.y) && (scale === 'linear' || p.y > 0));

/*
 * Recharts' components are memoised on shallow-equal props, and a prop that is a new object or
 * function re-registers its axis or line in recharts' store, which recomputes and redraws the whole
 * chart. So every object and function prop below is built once (here, or memoised on what it
 * depends on): a batch update then redraws only the line whose points changed.
 */
const TICK = plainTick(12);
const EPOCH_PADDING = { left: 0, right: 10 } as const;
const MARGIN = { top: 8, right: 16, bottom: 4, left: 0 } as const;
const RATE_DOMAIN: [number, 'auto'] = [0, 'auto'];
const DOTS = {
  trainEpoch: { r: 3 },
  test: { r: 6, strokeWidth: 2.5, fill: '#fff' },
  validation: <SquareDot />,
  testNegative: { r: 4, strokeWidth: 2 },
} as const;

type LineKey = 'train' | 'trainEpoch' | 'test' | 'validation' | 'testNegative';
/** How each line is drawn, for the plot and its legend alike. Marker: the per-epoch points' shape. */
const LINE_STYLE: Record<LineKey, { name: string; dash?: string; width: number; marker: 'none' | 'dot' | 'ring' | 'square' }> = {
  train: { name: 'train (per batch, smoothed)', width: 1.5, marker: 'none' },
  trainEpoch: { name: 'train (epoch mean)', dash: '4 3', width: 1, marker: 'dot' },
  validation: { name: 'validation', width: 2, marker: 'square' },
  test: { name: 'test', dash: '7 3', width: 2, marker: 'ring' },
  testNegative: { name: 'test on negatives', dash: '2 3', width: 2, marker: 'dot' },
};
const ACCURACY_AXIS = { domain: [0, 1] as const, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], width: axisWidth(['100%']) };
const FORMAT = {
  loss: {
    tick: (v: number) => compactNumber(v),
    value: (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v)),
  },
  accuracy: {
    tick: (v: number) => `${Math.round(v * 100)}%`,
    value: (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(2)}%` : String(v)),
  },
  rate: { value: (v: unknown) => (typeof v === 'number' ? fmtRate(v) : String(v)) },
  epoch: (x: unknown) => `epoch ${Number(x).toFixed(2)}`,
};

/**
 * Loss and accuracy against epochs: per-batch training (smoothed), per-epoch validation and test, and
 * the test set as negatives when the run has them. The best validation epoch is marked when early
 * stopping is on, and a third chart shows the learning rate when a schedule changes it.
 */
export function Charts() {
  const scheduled = useStore((s) => (s.runSettings ? s.runSettings.lrSchedule !== 'constant' : false));
  return (
    <section className="panel charts" aria-label="Training curves">
      <SettingsChanged />
      <MetricChart metric="loss" title="Loss (cross-entropy)" />
      <MetricChart metric="accuracy" title="Accuracy" />
      {scheduled && <LearningRateChart />}
      <EarlyStopNote />
      <ChartWarmUp />
    </section>
  );
}

/** The epoch early stopping considers best, when early stopping is on and has a validation set. */
function useBestEpoch(): number | null {
  const earlyStopping = useStore((s) => (s.runSettings?.patience ?? 0) > 0);
  const best = useStore((s) => s.epochs.at(-1)?.bestEpoch ?? null);
  return earlyStopping ? best : null;
}

/** What a metric chart draws of the store's run. */
const selectRun = (s: UiState) => [s.curves, s.epochs, s.batches] as const;

/**
 * A recharts redraw is one synchronous piece of main-thread work (render, then effects that update
 * recharts' own store and render again). Each chart therefore redraws through the paint queue, in a
 * task of its own (never together with the other chart or the inspection panels), and from lines
 * the store keeps bounded (`curves`: at most a few hundred points, however long the run).
 */
function MetricChart({ metric, title }: { metric: Metric; title: string }) {
  const [curves, epochs, batches] = useQueued(useStore, selectRun, `chart-${metric}`);
  const totalEpochs = useStore((s) => s.progress?.epochs ?? s.runSettings?.epochs ?? 1);
  const bestEpoch = useBestEpoch();
  const classes = useStore((s) => s.dataset?.classNames.length ?? 10);
  const chance = metric === 'accuracy' ? 1 / classes : null;
  return (
    <MetricChartView
      metric={metric}
      title={title}
      curves={curves}
      batches={batches}
      epochs={epochs}
      totalEpochs={totalEpochs}
      bestEpoch={bestEpoch}
      chance={chance}
    />
  );
}

type UiState = ReturnType<typeof useStore.getState>;
interface MetricChartProps {
  metric: Metric;
  title: string;
  /** The per-batch lines as drawn, smoothed and bounded (store `curves`). */
  curves: UiState['curves'];
  batches: UiState['batches'];
  epochs: UiState['epochs'];
  totalEpochs: number;
  bestEpoch: number | null;
  /** Accuracy of guessing: 1 / classes (accuracy chart only). */
  chance: number | null;
}

const MetricChartView = memo(function MetricChartView({
  metric,
  title,
  curves,
  batches,
  epochs,
  totalEpochs,
  bestEpoch,
  chance,
}: MetricChartProps) {
  const [scaleChoice, setScaleChoice] = useState<'auto' | AxisScale>('auto');
  const series = useMetricSeries(metric, curves, epochs, batches, scaleChoice);
  const showValidation = epochs.length === 0 || series.perEpoch.validation.length > 0;
  const plot = useMemo(
    () => ({ metric, series, totalEpochs, bestEpoch, chance, showValidation }),
    [metric, series, totalEpochs, bestEpoch, chance, showValidation],
  );
  return (
    <figure
      className="chart"
      data-testid={`chart-${metric}`}
      data-points={batches.length}
      data-epochs={epochs.length}
      data-best-epoch={bestEpoch ?? ''}
      data-scale={series.scale}
      data-chance={chance ?? ''}
    >
      <MetricCaption
        metric={metric}
        title={title}
        series={series}
        batchCount={batches.length}
        bestEpoch={bestEpoch}
        scaleChoice={scaleChoice}
        onScaleChoice={setScaleChoice}
      />
      {/* The plot's height comes from CSS (.chart-plot): 240 px, or the screen's height in presentation mode. */}
      <div className="chart-plot">
        <PlotContext.Provider value={plot}>
          <div className="chart-area">
            <MetricPlot metric={metric} />
          </div>
          <MetricLegend />
        </PlotContext.Provider>
      </div>
    </figure>
  );
});

type MetricSeries = ReturnType<typeof useMetricSeries>;

/**
 * What a metric chart draws, worked out from the store's lines: the per-epoch points, the caption's
 * latest numbers, the y scale (`auto` picks log for a loss that spans decades) and the y axis.
 */
function useMetricSeries(
  metric: Metric,
  curves: UiState['curves'],
  epochs: UiState['epochs'],
  batches: UiState['batches'],
  scaleChoice: 'auto' | AxisScale,
) {
  const trainLine = curves[metric];
  const perEpoch = useMemo(
    () => ({
      validation: epochs.flatMap((e) => (e.validation ? [{ x: e.epoch, y: e.validation[metric] }] : [])),
      test: epochs.map((e) => ({ x: e.epoch, y: e.test[metric] })),
      testNegative: epochs.flatMap((e) => (e.testNegative ? [{ x: e.epoch, y: e.testNegative[metric] }] : [])),
      train: epochs.map((e) => ({ x: e.epoch, y: metric === 'loss' ? e.trainLoss : e.trainAccuracy })),
    }),
    [epochs, metric],
  );
  // The caption's train number is the metric card's: the mean of the last 50 batches, named as such.
  const latest = useMemo(() => recentMean(batches.slice(-RECENT_BATCHES).map((b) => b[metric])), [batches, metric]);
  const latestNegative = perEpoch.testNegative.at(-1)?.y;
  // On a log axis the loss is smoothed in log space: an arithmetic average would trail a spike to
  // 1e10 for dozens of batches and draw a loss the network no longer has.
  const logLine: readonly XY[] | null = metric === 'loss' ? curves.lossLog : null;
  const epochValues = useMemo(
    () => [perEpoch.train, perEpoch.validation, perEpoch.test, perEpoch.testNegative].flatMap((l) => l.map((p) => p.y)),
    [perEpoch],
  );
  const auto = logLine ? autoScale([...logLine.map((p) => p.y), ...epochValues]) : 'linear';
  const scale: AxisScale = metric === 'loss' && scaleChoice !== 'auto' ? scaleChoice : auto;
  const shownTrain = scale === 'log' && logLine ? logLine : trainLine;
  // Presentation mode draws tick labels larger (CSS: 0.8 rem of a 20–34 px root); the axis widens with them.
  const present = useView((s) => s.view.present);
  const tickScale = present ? (0.8 * parseFloat(getComputedStyle(document.documentElement).fontSize)) / 12 : 1;
  const axis = useMemo(
    () => (metric === 'loss' ? yAxisLayout([...shownTrain.map((p) => p.y), ...epochValues], scale) : ACCURACY_AXIS),
    [shownTrain, epochValues, metric, scale],
  );
  return { perEpoch, latest, latestNegative, auto, scale, shownTrain, tickScale, axis };
}

/** The title, the latest numbers and (loss only) the y-axis scale choice. */
function MetricCaption({
  metric,
  title,
  series: { latest, latestNegative, auto },
  batchCount,
  bestEpoch,
  scaleChoice,
  onScaleChoice,
}: {
  metric: Metric;
  title: string;
  series: MetricSeries;
  batchCount: number;
  bestEpoch: number | null;
  scaleChoice: 'auto' | AxisScale;
  onScaleChoice: (choice: 'auto' | AxisScale) => void;
}) {
  const fmt = (v: number) => (metric === 'accuracy' ? fmtPct(v) : fmtLoss(v));
  return (
    <figcaption>
      {title}
      {latest !== undefined && (
        <span className="chart-latest" data-testid={`latest-train-${metric}`} data-value={latest}>
          {' '}
          · train, mean of last {Math.min(RECENT_BATCHES, batchCount)} batches: {fmt(latest)}
        </span>
      )}
      {latestNegative !== undefined && (
        <span className="chart-latest" data-testid={`latest-negative-${metric}`} data-value={latestNegative}>
          {' '}
          · test on negatives {fmt(latestNegative)}
        </span>
      )}
      {bestEpoch !== null && <span className="chart-latest"> · best epoch {bestEpoch}</span>}
      {metric === 'loss' && (
        <label className="chart-scale">
          y axis
          <select data-testid="loss-scale" value={scaleChoice} onChange={(e) => onScaleChoice(e.target.value as 'auto' | AxisScale)}>
            <option value="auto">auto ({auto})</option>
            <option value="linear">linear</option>
            <option value="log">log</option>
          </select>
        </label>
      )}
    </figcaption>
  );
}

/** What the plot's parts draw: the chart's series and marks (see `MetricPlot`). */
interface PlotData {
  metric: Metric;
  series: MetricSeries;
  totalEpochs: number;
  bestEpoch: number | null;
  chance: number | null;
  showValidation: boolean;
}
const PlotContext = createContext<PlotData | null>(null);

function usePlot(): PlotData {
  const plot = useContext(PlotContext);
  if (!plot) throw new Error('a chart part outside its MetricPlot');
  return plot;
}

/**
 * The plot: epoch and metric axes, tooltip, the chance and best-epoch marks, and the lines (the legend
 * is {@link MetricLegend}, beside it).
 * The chart itself renders once per metric: the parts whose props move (the y axis, the marks, the
 * lines) read them from `PlotContext`, so a batch update re-renders those parts and not the
 * `LineChart` (whose every render re-sends its options through recharts' store and recomputes the chart).
 */
const MetricPlot = memo(function MetricPlot({ metric }: { metric: Metric }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart margin={MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
        <EpochXAxis />
        <MetricYAxis />
        <Tooltip formatter={FORMAT[metric].value} labelFormatter={FORMAT.epoch} />
        <MetricMarks />
        <MetricLines />
      </LineChart>
    </ResponsiveContainer>
  );
});

/** The lines' legend ({@link ChartLegend}): the lines this run draws, each with its dash and marker. */
function MetricLegend() {
  const {
    showValidation,
    series: { perEpoch },
  } = usePlot();
  const negatives = perEpoch.testNegative.length > 0;
  return useMemo(() => {
    const keys: LineKey[] = ['train', 'trainEpoch', ...(showValidation ? (['validation'] as const) : []), 'test'];
    if (negatives) keys.push('testNegative');
    const entries = keys.map((key) => ({ key, name: LINE_STYLE[key].name, color: COLORS[key], mark: <LegendMark line={key} /> }));
    return <ChartLegend entries={entries} testId="chart-legend" />;
  }, [showValidation, negatives]);
}

/** A short piece of the line with its dash pattern and, in the middle, its per-epoch marker. */
function LegendMark({ line }: { line: LineKey }) {
  const { dash, width, marker } = LINE_STYLE[line];
  const color = COLORS[line];
  return (
    <LineMark color={color} width={width} dash={dash}>
      {marker === 'dot' && <circle cx="15" cy="6" r="3" fill="#fff" stroke={color} strokeWidth="1.5" />}
      {marker === 'ring' && <circle cx="15" cy="6" r="4.5" fill="#fff" stroke={color} strokeWidth="2" />}
      {marker === 'square' && <rect x="11" y="2" width="8" height="8" fill={color} />}
    </LineMark>
  );
}

function EpochXAxis() {
  const { totalEpochs } = usePlot();
  return <XAxis {...epochAxis(totalEpochs)} padding={EPOCH_PADDING} />;
}

function MetricYAxis() {
  const {
    metric,
    series: { scale, axis, tickScale },
  } = usePlot();
  // The same array while the tick values stay (a new one would re-register the axis with recharts).
  const tickKey = axis.ticks.join(' ');
  const ticks = useMemo(() => (tickKey === '' ? [] : tickKey.split(' ').map(Number)), [tickKey]);
  return (
    <YAxis
      type="number"
      dataKey="y"
      scale={scale}
      domain={[axis.domain[0], axis.domain[1]]}
      ticks={ticks}
      niceTicks="none"
      interval={0}
      tickFormatter={FORMAT[metric].tick}
      width={Math.ceil(axis.width * tickScale)}
      tick={TICK}
    />
  );
}

/** The chance level (accuracy) and the best epoch (early stopping), as reference lines. */
function MetricMarks() {
  const { totalEpochs, bestEpoch, chance } = usePlot();
  const chanceLabel = useMemo(
    () =>
      chance !== null && {
        value: `chance ${Math.round(chance * 100)}%`,
        position: 'insideTopLeft' as const,
        fill: COLORS.chance,
        fontSize: 11,
      },
    [chance],
  );
  // The label sits on the side of the line with more room, so it is never cut at the chart's edge.
  const bestRight = bestEpoch !== null && bestEpoch > totalEpochs / 2;
  const bestLabel = useMemo(
    () => ({
      value: 'best',
      position: bestRight ? ('insideTopRight' as const) : ('insideTopLeft' as const),
      fill: COLORS.best,
      fontSize: 11,
    }),
    [bestRight],
  );
  return (
    <>
      {chance !== null && chanceLabel && <ReferenceLine y={chance} stroke={COLORS.chance} strokeDasharray="8 4" label={chanceLabel} />}
      {bestEpoch !== null && <ReferenceLine x={bestEpoch} stroke={COLORS.best} strokeDasharray="2 4" label={bestLabel} />}
    </>
  );
}

/** A short line with one epoch's points: enough to run every part of the plot's drawing code. */
const WARM_UP_LINE: readonly XY[] = [
  { x: 0, y: 2.3 },
  { x: 0.5, y: 0.9 },
  { x: 1, y: 0.4 },
];
const warmUpPlot = (metric: Metric): PlotData => {
  const epoch = [{ x: 1, y: 0.5 }];
  const axis = metric === 'loss' ? yAxisLayout([2.3, 0.4], 'linear') : ACCURACY_AXIS;
  return {
    metric,
    totalEpochs: 1,
    bestEpoch: 1,
    chance: metric === 'accuracy' ? 0.1 : null,
    showValidation: true,
    series: {
      perEpoch: { train: epoch, validation: epoch, test: epoch, testNegative: epoch },
      latest: undefined,
      latestNegative: undefined,
      auto: 'linear',
      scale: 'linear',
      shownTrain: WARM_UP_LINE,
      tickScale: 1,
      axis,
    },
  };
};

/**
 * The JavaScript engine runs code slowly until it has run it once: a chart's first redraw with a line
 * cost 30–40 ms of CPU (later ones 7–10 ms), and on a busy 2-core machine that made the one
 * main-thread task over 50 ms of a training run. So once the page is idle after loading, both plots
 * are drawn once off screen (hidden, never painted, not read by assistive technology) with a short
 * line, and removed at the next idle moment: the first training run then draws as fast as later ones.
 * Once per page load, and only when no run is under way.
 */
let warmedUp = false;

function ChartWarmUp() {
  const [phase, setPhase] = useState<'wait' | 'draw' | 'done'>(warmedUp ? 'done' : 'wait');
  useEffect(() => {
    if (phase === 'wait')
      return onIdle(() => {
        // Once per page, and never during a run (a run started from the address may come first).
        const skip = warmedUp || isRunActive(useStore.getState().runState);
        warmedUp = true;
        setPhase(skip ? 'done' : 'draw');
      });
    // Two idle moments: the plots get their size (a resize observer) and draw with it in between.
    if (phase === 'draw') return onIdle(() => onIdle(() => setPhase('done')));
    return undefined;
  }, [phase]);
  const plots = useMemo(() => (phase === 'draw' ? [warmUpPlot('loss'), warmUpPlot('accuracy')] : []), [phase]);
  if (phase !== 'draw') return null;
  return (
    <div className="chart-warm-up" aria-hidden="true" data-testid="chart-warm-up">
      {plots.map((plot) => (
        <div key={plot.metric} className="chart-plot">
          <PlotContext.Provider value={plot}>
            <div className="chart-area">
              <MetricPlot metric={plot.metric} />
            </div>
            <MetricLegend />
          </PlotContext.Provider>
        </div>
      ))}
    </div>
  );
}

/** The train (per batch and per epoch), test, validation and negatives lines, in drawing order. */
function MetricLines() {
  const {
    series: { perEpoch, shownTrain, scale },
    showValidation,
  } = usePlot();
  // Each line's points are filtered once per change of its own data: the per-epoch lines keep their
  // arrays (and skip their redraw) while the per-batch line moves.
  const train = useMemo(() => drawable(shownTrain, scale), [shownTrain, scale]);
  const epochLines = useMemo(
    () => ({
      train: drawable(perEpoch.train, scale),
      test: drawable(perEpoch.test, scale),
      validation: drawable(perEpoch.validation, scale),
      testNegative: drawable(perEpoch.testNegative, scale),
    }),
    [perEpoch, scale],
  );
  return (
    <>
      <Line data={train} dataKey="y" {...lineProps('train')} dot={false} />
      <Line data={epochLines.train} dataKey="y" {...lineProps('trainEpoch')} dot={DOTS.trainEpoch} />
      {/* Test first, validation on top: a validation square shows inside the test ring where they meet. */}
      <Line data={epochLines.test} dataKey="y" {...lineProps('test')} dot={DOTS.test} />
      {/* A run without a validation set has no validation entry in the legend. */}
      {showValidation && <Line data={epochLines.validation} dataKey="y" {...lineProps('validation')} dot={DOTS.validation} />}
      {perEpoch.testNegative.length > 0 && (
        <Line data={epochLines.testNegative} dataKey="y" {...lineProps('testNegative')} dot={DOTS.testNegative} />
      )}
    </>
  );
}

/** A line's name, colour and stroke from {@link LINE_STYLE}, without animation. */
function lineProps(key: LineKey) {
  const { name, dash, width } = LINE_STYLE[key];
  return { name, stroke: COLORS[key], ...(dash ? { strokeDasharray: dash } : {}), strokeWidth: width, isAnimationActive: false };
}

/** The learning rate of every step (downsampled), as the schedule set it. */
const selectRate = (s: UiState) => [s.curves.learningRate] as const;

function LearningRateChart() {
  const [line] = useQueued(useStore, selectRate, 'chart-lr');
  const totalEpochs = useStore((s) => s.progress?.epochs ?? s.runSettings?.epochs ?? 1);
  const latest = line.at(-1)?.y;
  return (
    <figure className="chart chart-small" data-testid="chart-lr" data-points={line.length} data-value={latest ?? ''}>
      <figcaption>
        Learning rate
        {latest !== undefined && <span className="chart-latest"> · now {fmtRate(latest)}</span>}
      </figcaption>
      <ResponsiveContainer width="100%" height={140}>
        <LineChart margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
          <XAxis {...epochAxis(totalEpochs, { unit: false })} />
          <YAxis type="number" dataKey="y" domain={RATE_DOMAIN} tickFormatter={compactNumber} width={axisWidth(['0.0005'])} tick={TICK} />
          <Tooltip formatter={FORMAT.rate.value} labelFormatter={FORMAT.epoch} />
          <Line data={line} dataKey="y" name="learning rate" stroke={COLORS.rate} dot={false} strokeWidth={1.5} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** One line when early stopping ended the run: when, and which epoch's weights the model kept. */
function EarlyStopNote() {
  const last = useStore((s) => s.epochs.at(-1));
  const restore = useStore((s) => s.runSettings?.restoreBest ?? false);
  if (!last?.stoppedEarly) return null;
  return (
    <p className="hint early-stop" data-testid="early-stop" data-epoch={last.epoch} data-best-epoch={last.bestEpoch ?? ''}>
      Early stopping ended the run after epoch {last.epoch}: no lower validation loss since epoch {last.bestEpoch}.
      {restore && last.bestEpoch !== last.epoch ? ` The model keeps the weights of epoch ${last.bestEpoch}.` : ''}
    </p>
  );
}
