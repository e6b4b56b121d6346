import { useEffect, useRef } from 'react';
import type { ImageBlock } from '../../core/inspect/types';
import { paintImage } from '../canvas';
import { css, diverging } from '../colormap';

/** One image of `block` as a pixelated canvas `size` CSS pixels wide. */
export function Thumb({ block, index, size, label }: { block: ImageBlock; index: number; size: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) paintImage(ref.current, block, index);
  }, [block, index]);
  return <canvas ref={ref} className="pixelated thumb" style={{ width: size, height: size }} role="img" aria-label={label} title={label} />;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/**
 * Class probabilities as labelled horizontal bars (text values, so they read without the bars);
 * the predicted class is bold, the true class (when known) marked.
 */
export function ProbabilityBars({
  probabilities,
  names,
  truth,
  testId,
  compact = false,
}: {
  probabilities: ArrayLike<number>;
  names: readonly string[];
  truth?: number | null;
  testId?: string;
  compact?: boolean;
}) {
  const values = Array.from(probabilities);
  const best = values.indexOf(Math.max(...values));
  return (
    <ol className={`prob-bars${compact ? ' compact' : ''}`} data-testid={testId} data-value={JSON.stringify(values)} data-predicted={best}>
      {values.map((p, i) => (
        <li
          key={i}
          className={`${i === best ? 'best' : ''}${truth === i ? ' truth' : ''}`}
          aria-label={`${names[i] ?? i}: ${pct(p)}${i === best ? ' (predicted)' : ''}${truth === i ? ' (true class)' : ''}`}
        >
          <span className="prob-name" title={names[i]}>
            {names[i] ?? i}
          </span>
          <span className="prob-track">
            <span className="prob-fill" style={{ width: `${Math.max(0, Math.min(1, p)) * 100}%` }} />
          </span>
          <span className="prob-value">{pct(p)}</span>
        </li>
      ))}
    </ol>
  );
}

/**
 * Class probabilities as a compact column chart (one column per class, labels under it), for
 * galleries; every value is in the columns' labels for screen readers and in their tooltips.
 */
export function ProbabilityColumns({
  probabilities,
  names,
  truth,
}: {
  probabilities: ArrayLike<number>;
  names: readonly string[];
  truth: number;
}) {
  const values = Array.from(probabilities);
  const best = values.indexOf(Math.max(...values));
  return (
    <ol className="prob-columns" data-value={JSON.stringify(values)}>
      {values.map((p, i) => {
        const label = `${names[i] ?? i}: ${pct(p)}${i === best ? ' (predicted)' : ''}${i === truth ? ' (true class)' : ''}`;
        return (
          <li key={i} className={`${i === best ? 'best' : ''}${i === truth ? ' truth' : ''}`} aria-label={label} title={label}>
            <span className="col-track">
              <span className="col-fill" style={{ height: `${Math.max(0, Math.min(1, p)) * 100}%` }} />
            </span>
            <span className="col-name">{abbreviateShort(names[i] ?? String(i))}</span>
          </li>
        );
      })}
    </ol>
  );
}

const abbreviateShort = (name: string) => (name.length > 3 ? `${name.slice(0, 2)}…` : name);

/** The diverging colour bar with its scale, for filters and feature maps. */
export function DivergingLegend({ scale, label }: { scale: number; label: string }) {
  const stops = [-1, -0.5, 0, 0.5, 1].map((v) => `${css(diverging(v))} ${(v + 1) * 50}%`).join(', ');
  const fmt = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 0.01 && Math.abs(v) < 1000 ? v.toPrecision(2) : v.toExponential(1));
  return (
    <div className="legend-bar" aria-label={`${label}: blue negative, white zero, orange positive; ends at ±${fmt(scale)}`}>
      <span>{fmt(-scale)}</span>
      <span className="legend-gradient" style={{ background: `linear-gradient(to right, ${stops})` }} />
      <span>+{fmt(scale)}</span>
      <span className="hint">{label}</span>
    </div>
  );
}

/** Class names of the current run (falling back to indices). */
export function nameOf(names: readonly string[] | null | undefined, i: number): string {
  return names?.[i] ?? String(i);
}
