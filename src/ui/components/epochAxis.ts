import type { XAxisProps } from 'recharts';
import { plainTick } from './axisTick';

const EPOCH_TICK = plainTick();
const MAX_TICKS = 11;

/**
 * Whole epochs from 0 to at most `max`, every 1, 2 or 5 × 10ⁿ epochs, at most 11 of them.
 * Computed here rather than by recharts: its nice-tick search (decimal arithmetic) ran on each redraw,
 * and it appended the last epoch to the sequence (…, 10, 11 crowded together).
 */
export function epochTicks(max: number): readonly number[] {
  for (let scale = 1; ; scale *= 10)
    for (const base of [1, 2, 5]) {
      const step = base * scale;
      const count = Math.floor(max / step) + 1;
      if (count <= MAX_TICKS) return Array.from({ length: count }, (_, i) => i * step);
    }
}

const xAxes = new Map<string, XAxisProps>();

/**
 * The x axis every training chart shares: epochs from 0 to `epochs`, whole-number ticks (at most 11),
 * and the unit written under the last tick. The same object for the same arguments, so a chart that
 * redraws with new points does not re-register its axis with recharts.
 */
export function epochAxis(epochs: number, { unit = true }: { unit?: boolean } = {}): XAxisProps {
  const max = Math.max(1, Math.ceil(epochs));
  const key = `${max}:${unit}`;
  const known = xAxes.get(key);
  if (known) return known;
  const axis: XAxisProps = {
    type: 'number',
    dataKey: 'x',
    domain: [0, max],
    ticks: [...epochTicks(max)],
    // The ticks above are the axis's ticks: recharts need not search for nice ones on each redraw.
    niceTicks: 'none',
    // Every tick is drawn: the default ('preserveEnd') measures each label in the DOM (a forced layout)
    // on every redraw to decide which to hide, and at most 11 short numbers always fit.
    interval: 0,
    tick: EPOCH_TICK,
    ...(unit ? { label: { value: 'epoch', position: 'insideBottomRight', offset: -2 } } : {}),
  };
  xAxes.set(key, axis);
  return axis;
}
