import type { XAxisProps } from 'recharts';

/**
 * The x axis every training chart shares: epochs from 0 to `epochs`, whole-number ticks (at most 11),
 * and the unit written under the last tick.
 */
export function epochAxis(epochs: number, { unit = true }: { unit?: boolean } = {}): XAxisProps {
  const max = Math.max(1, epochs);
  const axis: XAxisProps = {
    type: 'number',
    dataKey: 'x',
    domain: [0, max],
    allowDecimals: false,
    tickCount: Math.min(11, Math.ceil(max) + 1),
  };
  return unit ? { ...axis, label: { value: 'epoch', position: 'insideBottomRight', offset: -2 } } : axis;
}
