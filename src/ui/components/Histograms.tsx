import { useEffect, useRef, useState } from 'react';
import type { GradientNormPoint, HistogramSnapshot, LayerHistogram } from '../../core/inspect/types';
import { hiDpi } from '../canvas';
import { css, OKABE_ITO, sequential } from '../colormap';
import { useInspect } from '../inspectStore';
import { RadioChoices } from './RadioChoices';

type Kind = 'activations' | 'weights';

const BAR_W = 170;
const STRIP_W = 300;
const ROW_H = 40;
const fmt = (v: number) =>
  !Number.isFinite(v) ? '–' : v === 0 ? '0' : Math.abs(v) >= 0.01 && Math.abs(v) < 1000 ? v.toPrecision(3) : v.toExponential(1);

/**
 * "Do signals survive depth?": per layer (deeper rows lower), the histogram of activations or
 * weights now and over time, on one value range shared by all layers, plus every kernel's gradient
 * norm over time on a log scale. With sigmoid and a small init the deep rows collapse and the
 * gradient lines fan out by orders of magnitude; with He init and ReLU they stay together.
 */
export function Histograms() {
  const snapshots = useInspect((s) => s.histograms);
  const gradients = useInspect((s) => s.gradients);
  const [kind, setKind] = useState<Kind>('activations');
  const latest = snapshots.at(-1);
  return (
    <div className="histograms" data-testid="histograms" data-snapshots={snapshots.length} data-gradient-points={gradients.points.length}>
      <div className="inspect-controls" role="group" aria-label="Histogram values">
        <RadioChoices
          name="hist-kind"
          value={kind}
          onChange={setKind}
          options={[
            { value: 'activations', label: 'activations (16 test images)' },
            { value: 'weights', label: 'weights' },
          ]}
        />
        {latest && (
          <span className="hint">
            step {latest.step} · {snapshots.length} snapshots
          </span>
        )}
      </div>
      {!latest ? (
        <p className="hint">Histograms appear when training starts and are refreshed about every 2 s.</p>
      ) : (
        <>
          <p className="hint">
            Left: now, on one value range [{fmt(latest[kind][0]?.lo ?? 0)}, {fmt(latest[kind][0]?.hi ?? 0)}] shared by all layers (bar
            height ∝ √count). Right: over time (left to right), value upwards, darker = more values (log scale).
          </p>
          <div className="hist-scroll">
            <table className="hist-table">
              <thead>
                <tr>
                  <th scope="col">layer</th>
                  <th scope="col">now</th>
                  <th scope="col">over time</th>
                  <th scope="col" className="num">
                    mean
                  </th>
                  <th scope="col" className="num">
                    std
                  </th>
                  <th scope="col" className="num">
                    {kind === 'activations' ? 'zeros' : 'max |w|'}
                  </th>
                </tr>
              </thead>
              <tbody>
                {latest[kind].map((h, i) => (
                  <tr key={h.layer}>
                    <th scope="row">{h.layer}</th>
                    <td>
                      <Bars h={h} />
                    </td>
                    <td>
                      <Strip snapshots={snapshots} kind={kind} row={i} />
                    </td>
                    <td className="num">{fmt(h.mean)}</td>
                    <td className="num" data-testid={`hist-std-${kind}`}>
                      {fmt(h.std)}
                    </td>
                    <td className="num">
                      {kind === 'activations' ? `${(h.zeros * 100).toFixed(0)}%` : fmt(Math.max(Math.abs(h.min), Math.abs(h.max)))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <GradientChart layers={gradients.layers} points={gradients.points} />
    </div>
  );
}

function Bars({ h }: { h: LayerHistogram }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current && hiDpi(ref.current, BAR_W, ROW_H);
    if (!ctx) return;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, BAR_W, ROW_H);
    const max = Math.sqrt(Math.max(1, ...h.counts));
    const w = BAR_W / h.counts.length;
    ctx.fillStyle = css(sequential(0.85));
    h.counts.forEach((c, b) => {
      const bh = (Math.sqrt(c) / max) * (ROW_H - 2);
      ctx.fillRect(b * w, ROW_H - bh, Math.max(1, w - 0.5), bh);
    });
    // Zero, when inside the range.
    if (h.lo < 0 && h.hi > 0) {
      const x = ((0 - h.lo) / (h.hi - h.lo)) * BAR_W;
      ctx.fillStyle = '#b35806';
      ctx.fillRect(x - 0.5, 0, 1, ROW_H);
    }
  }, [h]);
  const out = h.below + h.above + h.nan;
  const label = `${h.layer}: mean ${fmt(h.mean)}, std ${fmt(h.std)}, min ${fmt(h.min)}, max ${fmt(h.max)}${out ? `, ${out} values outside the range or NaN` : ''}`;
  return <canvas ref={ref} role="img" aria-label={label} title={label} />;
}

function Strip({ snapshots, kind, row }: { snapshots: readonly HistogramSnapshot[]; kind: Kind; row: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current && hiDpi(ref.current, STRIP_W, ROW_H);
    if (!ctx) return;
    ctx.fillStyle = css(sequential(0));
    ctx.fillRect(0, 0, STRIP_W, ROW_H);
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of snapshots) {
      const h = s[kind][row];
      if (h) {
        lo = Math.min(lo, h.lo);
        hi = Math.max(hi, h.hi);
      }
    }
    if (!(hi > lo)) return;
    const y = (v: number) => ROW_H - ((v - lo) / (hi - lo)) * ROW_H;
    const colW = STRIP_W / Math.max(1, snapshots.length);
    snapshots.forEach((s, t) => {
      const h = s[kind][row];
      if (!h) return;
      // Log scale: the spike of exact zeros under ReLU must not wash out the rest of the column.
      const colMax = Math.log1p(Math.max(1, ...h.counts));
      const bw = (h.hi - h.lo) / h.counts.length;
      h.counts.forEach((c, b) => {
        if (c === 0) return;
        const top = y(h.lo + (b + 1) * bw);
        const bottom = y(h.lo + b * bw);
        ctx.fillStyle = css(sequential(0.15 + 0.85 * (Math.log1p(c) / colMax)));
        ctx.fillRect(t * colW, top, Math.ceil(colW), Math.max(1, bottom - top));
      });
    });
  }, [snapshots, kind, row]);
  return <canvas ref={ref} aria-hidden="true" />;
}

const CHART_W = 560;
const CHART_H = 190;
const PAD = { left: 46, right: 10, top: 8, bottom: 22 };

function GradientChart({ layers, points }: { layers: readonly string[]; points: readonly GradientNormPoint[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current && hiDpi(ref.current, CHART_W, CHART_H);
    if (!ctx || points.length === 0) return;
    ctx.clearRect(0, 0, CHART_W, CHART_H);
    paintGradientNorms(ctx, layers, points);
  }, [layers, points]);
  return (
    <figure className="gradient-chart" data-testid="gradient-norms" data-points={points.length}>
      <figcaption>Gradient norm ‖∂loss/∂W‖ per layer (log scale), measured inside a training step about once a second</figcaption>
      {points.length === 0 ? (
        <p className="hint">Appears while training runs with this panel open.</p>
      ) : (
        <>
          <div className="hist-scroll">
            <canvas
              ref={ref}
              role="img"
              aria-label="Gradient norms per layer over training steps, log scale; latest values in the list below"
            />
          </div>
          <GradientLegend layers={layers} last={points.at(-1)} />
        </>
      )}
    </figure>
  );
}

/** The norms on a log axis (whole decades, labelled 1e…), one line per layer, over the steps measured. */
function paintGradientNorms(ctx: CanvasRenderingContext2D, layers: readonly string[], points: readonly GradientNormPoint[]) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points)
    for (const v of p.norms)
      if (v > 0 && Number.isFinite(v)) {
        lo = Math.min(lo, Math.log10(v));
        hi = Math.max(hi, Math.log10(v));
      }
  if (!Number.isFinite(lo)) return;
  lo = Math.floor(lo);
  hi = Math.max(lo + 1, Math.ceil(hi));
  const s0 = points[0]!.step;
  const s1 = Math.max(s0 + 1, points.at(-1)!.step);
  const w = CHART_W - PAD.left - PAD.right;
  const h = CHART_H - PAD.top - PAD.bottom;
  const x = (step: number) => PAD.left + ((step - s0) / (s1 - s0)) * w;
  const y = (log: number) => PAD.top + (1 - (log - lo) / (hi - lo)) * h;
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#5a6370';
  ctx.strokeStyle = '#e3e6ea';
  ctx.lineWidth = 1;
  const every = Math.ceil((hi - lo) / 6);
  for (let d = lo; d <= hi; d += every) {
    ctx.beginPath();
    ctx.moveTo(PAD.left, y(d));
    ctx.lineTo(CHART_W - PAD.right, y(d));
    ctx.stroke();
    ctx.fillText(`1e${d}`, 4, y(d) + 4);
  }
  ctx.fillText(`step ${s0}`, PAD.left, CHART_H - 6);
  const end = `step ${points.at(-1)!.step}`;
  ctx.fillText(end, CHART_W - PAD.right - ctx.measureText(end).width, CHART_H - 6);
  layers.forEach((_, i) => {
    ctx.strokeStyle = OKABE_ITO[i % OKABE_ITO.length]!;
    ctx.setLineDash(i >= OKABE_ITO.length ? [4, 3] : []);
    ctx.lineWidth = 1.6;
    ctx.beginPath();
    let started = false;
    for (const p of points) {
      const v = p.norms[i]!;
      if (!(v > 0 && Number.isFinite(v))) continue;
      const px = x(p.step);
      const py = y(Math.log10(v));
      if (started) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      started = true;
    }
    ctx.stroke();
  });
  ctx.setLineDash([]);
}

/** Each layer's line style and its latest norm. */
function GradientLegend({ layers, last }: { layers: readonly string[]; last: GradientNormPoint | undefined }) {
  return (
    <ul className="legend">
      {layers.map((layer, i) => (
        <li key={layer}>
          <svg width="18" height="8" aria-hidden="true">
            <line
              x1="0"
              y1="4"
              x2="18"
              y2="4"
              stroke={OKABE_ITO[i % OKABE_ITO.length]}
              strokeWidth="2"
              strokeDasharray={i >= OKABE_ITO.length ? '4 3' : undefined}
            />
          </svg>
          {layer} {last ? fmt(last.norms[i]!) : ''}
        </li>
      ))}
    </ul>
  );
}
