import { useDeferredValue, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { downsample, smooth, type XY } from '../../core/series';
import { useStore } from '../store';

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
const COLORS = { train: '#0072B2', trainEpoch: '#56B4E9', validation: '#E69F00', test: '#D55E00' };
const MAX_POINTS = 300;
const SMOOTHING = 0.9;

type Metric = 'loss' | 'accuracy';

const SERIES = [
  { name: 'train (per batch, smoothed)', color: COLORS.train, dash: false },
  { name: 'train (epoch mean)', color: COLORS.trainEpoch, dash: true },
  { name: 'validation', color: COLORS.validation, dash: false },
  { name: 'test', color: COLORS.test, dash: false },
];

/** Plain HTML legend: recharts' own Legend re-measures itself on every data update (long tasks). */
function SeriesLegend() {
  return (
    <ul className="legend">
      {SERIES.map((s) => (
        <li key={s.name}>
          <svg width="22" height="10" aria-hidden="true">
            <line x1="1" y1="5" x2="21" y2="5" stroke={s.color} strokeWidth="2.5" strokeDasharray={s.dash ? '4 3' : undefined} />
          </svg>
          {s.name}
        </li>
      ))}
    </ul>
  );
}

/** Loss and accuracy against epochs: per-batch training (smoothed), per-epoch validation and test. */
export function Charts() {
  return (
    <section className="panel charts" aria-label="Training curves">
      <MetricChart metric="loss" title="Loss (cross-entropy)" />
      <MetricChart metric="accuracy" title="Accuracy" />
    </section>
  );
}

function MetricChart({ metric, title }: { metric: Metric; title: string }) {
  // Deferred: chart renders run as interruptible transitions, so they never block input for long.
  const batches = useDeferredValue(useStore((s) => s.batches));
  const epochs = useDeferredValue(useStore((s) => s.epochs));
  const totalEpochs = useStore((s) => s.progress?.epochs ?? s.runSettings?.epochs ?? 1);
  const trainLine = useMemo<XY[]>(
    () => downsample(smooth(batches.map((b) => ({ x: b.epoch, y: b[metric] })), SMOOTHING), MAX_POINTS),
    [batches, metric],
  );
  const perEpoch = useMemo(
    () => ({
      validation: epochs.flatMap((e) => (e.validation ? [{ x: e.epoch, y: e.validation[metric] }] : [])),
      test: epochs.map((e) => ({ x: e.epoch, y: e.test[metric] })),
      train: epochs.map((e) => ({ x: e.epoch, y: metric === 'loss' ? e.trainLoss : e.trainAccuracy })),
    }),
    [epochs, metric],
  );
  const latest = trainLine.at(-1)?.y;
  return (
    <figure className="chart" data-testid={`chart-${metric}`} data-points={batches.length} data-epochs={epochs.length}>
      <figcaption>
        {title}
        {latest !== undefined && <span className="chart-latest"> · train {metric === 'accuracy' ? `${(latest * 100).toFixed(1)}%` : latest.toFixed(3)}</span>}
      </figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
          <XAxis type="number" dataKey="x" domain={[0, Math.max(1, totalEpochs)]} allowDecimals={false} tickCount={Math.min(11, totalEpochs + 1)} label={{ value: 'epoch', position: 'insideBottomRight', offset: -2 }} />
          <YAxis type="number" dataKey="y" domain={metric === 'accuracy' ? [0, 1] : [0, 'auto']} tickFormatter={(v: number) => (metric === 'accuracy' ? `${Math.round(v * 100)}%` : v.toFixed(2))} width={54} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? (metric === 'accuracy' ? `${(v * 100).toFixed(2)}%` : v.toFixed(4)) : String(v))} labelFormatter={(x) => `epoch ${Number(x).toFixed(2)}`} />
          <Line data={trainLine} dataKey="y" name="train (per batch, smoothed)" stroke={COLORS.train} dot={false} strokeWidth={1.5} isAnimationActive={false} />
          <Line data={perEpoch.train} dataKey="y" name="train (epoch mean)" stroke={COLORS.trainEpoch} strokeDasharray="4 3" dot={{ r: 3 }} isAnimationActive={false} />
          <Line data={perEpoch.validation} dataKey="y" name="validation" stroke={COLORS.validation} dot={{ r: 3 }} strokeWidth={2} isAnimationActive={false} />
          <Line data={perEpoch.test} dataKey="y" name="test" stroke={COLORS.test} dot={{ r: 4, strokeWidth: 2 }} strokeWidth={2} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
      <SeriesLegend />
    </figure>
  );
}
