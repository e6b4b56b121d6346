import type { ReactElement } from 'react';
import type { BaseTickContentProps } from 'recharts';

/** Where one line of text sits against its anchor point, as recharts' `<Text>` places it. */
const DY = { start: '0.71em', middle: '0.355em', end: '0' } as const;

/**
 * An axis's tick labels as plain one-line SVG text, placed and classed as recharts' default labels.
 * Recharts' default `<Text>` measures each new label in the DOM (it word-wraps to the axis's width),
 * a forced layout per label that made a chart's first redraw with data one of the longest tasks
 * while training; our labels are short numbers that never wrap.
 */
export function plainTick(fontSize?: number): (props: BaseTickContentProps) => ReactElement {
  return function PlainTick({ x, y, textAnchor, verticalAnchor, fill, className, index, payload, tickFormatter }: BaseTickContentProps) {
    const text = tickFormatter ? tickFormatter(payload.value, index) : String(payload.value);
    return (
      <text x={x} y={y} textAnchor={textAnchor} fill={fill} fontSize={fontSize} className={className}>
        <tspan x={x} dy={DY[verticalAnchor]}>
          {text}
        </tspan>
      </text>
    );
  };
}
