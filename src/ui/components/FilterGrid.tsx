import { useEffect, useMemo, useRef, useState } from 'react';
import { filterStats, normalizeFilters, type FilterImages, type FilterScale, type FilterStats } from '../../core/inspect/filters';
import { fingerprint, paintSigned } from '../canvas';
import { RadioChoices } from './RadioChoices';
import { useInspect } from '../inspectStore';
import { DivergingLegend } from './InspectParts';

const fmt = (v: number) => (Math.abs(v) >= 0.001 || v === 0 ? v.toFixed(3) : v.toExponential(1));

/**
 * Every kernel of the first conv layer as an image (blue negative, white 0, orange positive; RGB
 * around mid grey for colour inputs), on a shared or per-filter scale, refreshed during training, with
 * each filter's weight statistics.
 */
export function FilterGrid() {
  const snapshot = useInspect((s) => s.filters);
  const anatomy = useInspect((s) => s.anatomy);
  const [scale, setScale] = useState<FilterScale>('shared');
  const images = useMemo(() => (snapshot ? normalizeFilters(snapshot.weights, snapshot.shape, scale) : null), [snapshot, scale]);
  const stats = useMemo(() => (snapshot ? filterStats(snapshot.weights, snapshot.shape) : []), [snapshot]);
  const hash = useMemo(() => (snapshot ? fingerprint(snapshot.weights) : ''), [snapshot]);
  if (anatomy?.noConvReason)
    return (
      <p className="hint" data-testid="filter-grid" data-count={0}>
        {anatomy.noConvReason}
      </p>
    );
  if (!snapshot || !images)
    return <p className="hint">The first layer's filters appear when training starts and are redrawn about every 2 s.</p>;
  const [kh, kw, cin, cout] = snapshot.shape;
  const tile = Math.max(40, Math.min(72, 12 * kh));
  return (
    <div className="filters">
      <div className="inspect-controls" role="group" aria-label="Filter colour scale">
        <RadioChoices
          name="filter-scale"
          value={scale}
          onChange={setScale}
          options={[
            { value: 'shared', label: 'shared scale', testId: 'filter-scale-shared' },
            { value: 'per-filter', label: 'per-filter scale', testId: 'filter-scale-per-filter' },
          ]}
        />
        <span className="hint">
          {snapshot.layer}: {cout} kernels of {kh}×{kw}×{cin} · step {snapshot.step} (epoch {snapshot.epoch.toFixed(2)})
        </span>
      </div>
      <div className="filter-grid" data-testid="filter-grid" data-count={cout} data-hash={hash} data-step={snapshot.step} role="list">
        {Array.from({ length: cout }, (_, f) => (
          <FilterTile key={f} images={images} index={f} size={tile} stat={stats[f]!} rgb={cin === 3} />
        ))}
      </div>
      {cin === 3 ? (
        <p className="hint">
          RGB: each input channel's weight sets that colour's intensity; mid grey is 0, full or no colour ±
          {scale === 'shared' ? fmt(images.scales[0] ?? 0) : 'each filter’s largest |w|'}.
        </p>
      ) : scale === 'shared' ? (
        <DivergingLegend scale={images.scales[0] ?? 0} label="weight" />
      ) : (
        <p className="hint">Per-filter scale: each tile's ends are its own largest |w| (see the table).</p>
      )}
      <FilterStatsTable stats={stats} />
    </div>
  );
}

/** Each filter's weight statistics: mean, std, min, max and norm. */
function FilterStatsTable({ stats }: { stats: readonly FilterStats[] }) {
  return (
    <table className="filter-stats">
      <caption className="visually-hidden">Weight statistics per filter</caption>
      <thead>
        <tr>
          <th scope="col">filter</th>
          <th scope="col" className="num">
            mean
          </th>
          <th scope="col" className="num">
            std
          </th>
          <th scope="col" className="num">
            min
          </th>
          <th scope="col" className="num">
            max
          </th>
          <th scope="col" className="num">
            ‖w‖
          </th>
        </tr>
      </thead>
      <tbody>
        {stats.map((s, f) => (
          <tr key={f}>
            <th scope="row">#{f + 1}</th>
            <td className="num">{fmt(s.mean)}</td>
            <td className="num">{fmt(s.std)}</td>
            <td className="num">{fmt(s.min)}</td>
            <td className="num">{fmt(s.max)}</td>
            <td className="num">{fmt(s.norm)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FilterTile({
  images,
  index,
  size,
  stat,
  rgb,
}: {
  images: FilterImages;
  index: number;
  size: number;
  stat: { std: number; norm: number };
  rgb: boolean;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { height, width, channels } = images;
  useEffect(() => {
    if (ref.current) paintSigned(ref.current, images.values, index * height * width * channels, height, width, rgb ? 3 : 1, channels);
  }, [images, index, height, width, channels, rgb]);
  const label = `Filter ${index + 1}: std ${fmt(stat.std)}, norm ${fmt(stat.norm)}`;
  return (
    <figure className="filter-tile" role="listitem" data-testid="filter-tile">
      <canvas ref={ref} className="pixelated" style={{ width: size, height: size }} role="img" aria-label={label} title={label} />
      <figcaption>#{index + 1}</figcaption>
    </figure>
  );
}
