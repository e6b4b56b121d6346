import { memo, useDeferredValue, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { downsample, smooth, type XY } from '../../core/series';
import { useStore } from '../store';

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
const COLORS = { train: '#0072B2', trainEpoch: '#56B4E9', validation: '#E69F00', test: '#D55E00', testNegative: '#CC79A7', rate: '#009E73', best: '#555555' };
const MAX_POINTS = 400;
const SMOOTHING = 0.9;

type Metric = 'loss' | 'accuracy';

const fmtRate = (v: number) => (v === 0 ? '0' : v >= 1e-3 && v < 1e3 ? String(Number(v.toPrecision(3))) : v.toExponential(1));

/**
 * Loss and accuracy against epochs: per-batch training (smoothed), per-epoch validation and test, and
 * the test set as negatives when the run has them. The best validation epoch is marked when early
 * stopping is on, and a third chart shows the learning rate when a schedule changes it.
 */
/** Short tick labels: a diverging loss reaches 1e4 and more, which must not be clipped. */
function lossTick(v: number): string {
  return v >= 1000 ? v.toExponential(0) : v >= 10 ? v.toFixed(0) : v.toFixed(2);
}

export function Charts() {
  const scheduled = useStore((s) => (s.runSettings ? s.runSettings.lrSchedule !== 'constant' : false));
  return (
    <section className="panel charts" aria-label="Training curves">
      <MetricChart metric="loss" title="Loss (cross-entropy)" />
      <MetricChart metric="accuracy" title="Accuracy" />
      {scheduled && <LearningRateChart />}
      <EarlyStopNote />
    </section>
  );
}

/** The epoch early stopping considers best, when early stopping is on and has a validation set. */
function useBestEpoch(): number | null {
  const earlyStopping = useStore((s) => (s.runSettings?.patience ?? 0) > 0);
  const best = useStore((s) => s.epochs.at(-1)?.bestEpoch ?? null);
  return earlyStopping ? best : null;
}

/**
 * Re-rendering a recharts chart takes 100+ ms of main thread on a slow machine. The curves follow
 * the store through `useDeferredValue`, so React renders them in interruptible background passes
 * and input and animation frames go first (measured by `npm run bench`: the longest main-thread
 * task while training roughly halved).
 */
function MetricChart({ metric, title }: { metric: Metric; title: string }) {
  const batches = useDeferredValue(useStore((s) => s.batches));
  const epochs = useDeferredValue(useStore((s) => s.epochs));
  const totalEpochs = useStore((s) => s.progress?.epochs ?? s.runSettings?.epochs ?? 1);
  const bestEpoch = useBestEpoch();
  return <MetricChartView metric={metric} title={title} batches={batches} epochs={epochs} totalEpochs={totalEpochs} bestEpoch={bestEpoch} />;
}

type UiState = ReturnType<typeof useStore.getState>;
interface MetricChartProps {
  metric: Metric;
  title: string;
  batches: UiState['batches'];
  epochs: UiState['epochs'];
  totalEpochs: number;
  bestEpoch: number | null;
}

const MetricChartView = memo(function MetricChartView({ metric, title, batches, epochs, totalEpochs, bestEpoch }: MetricChartProps) {
  const trainLine = useMemo<XY[]>(
    () => downsample(smooth(batches.map((b) => ({ x: b.epoch, y: b[metric] })), SMOOTHING), MAX_POINTS),
    [batches, metric],
  );
  const perEpoch = useMemo(
    () => ({
      validation: epochs.flatMap((e) => (e.validation ? [{ x: e.epoch, y: e.validation[metric] }] : [])),
      test: epochs.map((e) => ({ x: e.epoch, y: e.test[metric] })),
      testNegative: epochs.flatMap((e) => (e.testNegative ? [{ x: e.epoch, y: e.testNegative[metric] }] : [])),
      train: epochs.map((e) => ({ x: e.epoch, y: metric === 'loss' ? e.trainLoss : e.trainAccuracy })),
    }),
    [epochs, metric],
  );
  const latest = trainLine.at(-1)?.y;
  const latestNegative = perEpoch.testNegative.at(-1)?.y;
  const fmt = (v: number) => (metric === 'accuracy' ? `${(v * 100).toFixed(1)}%` : v.toFixed(3));
  return (
    <figure className="chart" data-testid={`chart-${metric}`} data-points={batches.length} data-epochs={epochs.length} data-best-epoch={bestEpoch ?? ''}>
      <figcaption>
        {title}
        {latest !== undefined && <span className="chart-latest"> · train {fmt(latest)}</span>}
        {latestNegative !== undefined && (
          <span className="chart-latest" data-testid={`latest-negative-${metric}`} data-value={latestNegative}>
            {' '}
            · test on negatives {fmt(latestNegative)}
          </span>
        )}
        {bestEpoch !== null && <span className="chart-latest"> · best epoch {bestEpoch}</span>}
      </figcaption>
      {/* The plot's height comes from CSS (.chart-plot): 240 px, or the screen's height in presentation mode. */}
      <div className="chart-plot">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
          <XAxis type="number" dataKey="x" domain={[0, Math.max(1, totalEpochs)]} allowDecimals={false} tickCount={Math.min(11, totalEpochs + 1)} label={{ value: 'epoch', position: 'insideBottomRight', offset: -2 }} />
          <YAxis type="number" dataKey="y" domain={metric === 'accuracy' ? [0, 1] : [0, 'auto']} tickFormatter={(v: number) => (metric === 'accuracy' ? `${Math.round(v * 100)}%` : lossTick(v))} width="auto" />
          <Tooltip formatter={(v) => (typeof v === 'number' ? (metric === 'accuracy' ? `${(v * 100).toFixed(2)}%` : v.toFixed(4)) : String(v))} labelFormatter={(x) => `epoch ${Number(x).toFixed(2)}`} />
          <Legend />
          {bestEpoch !== null && (
            // The label sits on the side of the line with more room, so it is never cut at the chart's edge.
            <ReferenceLine x={bestEpoch} stroke={COLORS.best} strokeDasharray="2 4" label={{ value: 'best', position: bestEpoch > totalEpochs / 2 ? 'insideTopRight' : 'insideTopLeft', fill: COLORS.best, fontSize: 11 }} />
          )}
          <Line data={trainLine} dataKey="y" name="train (per batch, smoothed)" stroke={COLORS.train} dot={false} strokeWidth={1.5} isAnimationActive={false} />
          <Line data={perEpoch.train} dataKey="y" name="train (epoch mean)" stroke={COLORS.trainEpoch} strokeDasharray="4 3" dot={{ r: 3 }} isAnimationActive={false} />
          <Line data={perEpoch.validation} dataKey="y" name="validation" stroke={COLORS.validation} dot={{ r: 3 }} strokeWidth={2} isAnimationActive={false} />
          <Line data={perEpoch.test} dataKey="y" name="test" stroke={COLORS.test} dot={{ r: 4, strokeWidth: 2 }} strokeWidth={2} isAnimationActive={false} />
          {perEpoch.testNegative.length > 0 && (
            <Line data={perEpoch.testNegative} dataKey="y" name="test on negatives" stroke={COLORS.testNegative} strokeDasharray="6 3" dot={{ r: 4, strokeWidth: 2 }} strokeWidth={2} isAnimationActive={false} />
          )}
        </LineChart>
      </ResponsiveContainer>
      </div>
    </figure>
  );
});

/** The learning rate of every step (downsampled), as the schedule set it. */
function LearningRateChart() {
  const batches = useStore((s) => s.batches);
  const totalEpochs = useStore((s) => s.progress?.epochs ?? s.runSettings?.epochs ?? 1);
  const line = useMemo<XY[]>(() => downsample(batches.map((b) => ({ x: b.epoch, y: b.learningRate })), MAX_POINTS), [batches]);
  const latest = line.at(-1)?.y;
  return (
    <figure className="chart chart-small" data-testid="chart-lr" data-points={line.length} data-value={latest ?? ''}>
      <figcaption>
        Learning rate
        {latest !== undefined && <span className="chart-latest"> · now {fmtRate(latest)}</span>}
      </figcaption>
      <ResponsiveContainer width="100%" height={140}>
        <LineChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
          <XAxis type="number" dataKey="x" domain={[0, Math.max(1, totalEpochs)]} allowDecimals={false} tickCount={Math.min(11, totalEpochs + 1)} />
          <YAxis type="number" dataKey="y" domain={[0, 'auto']} tickFormatter={fmtRate} width={56} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? fmtRate(v) : String(v))} labelFormatter={(x) => `epoch ${Number(x).toFixed(2)}`} />
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
