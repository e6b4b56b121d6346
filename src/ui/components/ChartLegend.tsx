import type { ReactNode } from 'react';

export interface LegendEntry {
  readonly key: string;
  readonly name: string;
  readonly color: string;
  /** A small picture of the line (an inline SVG). */
  readonly mark: ReactNode;
}

/**
 * A chart's legend in HTML, under the plot (styles.css `.chart-legend`; the slide export reads its
 * entries). The mark carries the colour; the text stays in the page's text colour, since most of the
 * Okabe–Ito colours as text on white fail the contrast check. Not recharts' `Legend`: a `Line` hands
 * recharts a new legend entry on every render, and recharts' legend then measures itself
 * (`getBoundingClientRect`, a forced layout of the page) on every update of a live chart.
 */
export function ChartLegend({ entries, testId }: { entries: readonly LegendEntry[]; testId?: string }) {
  return (
    <ul className="chart-legend" data-testid={testId}>
      {entries.map((e) => (
        <li key={e.key} className="chart-legend-item" data-series={e.key} data-color={e.color}>
          {e.mark}
          <span className="chart-legend-text">{e.name}</span>
        </li>
      ))}
    </ul>
  );
}

/** A short line in `color` (30 × 12, centre at 15, 6), with `children` drawn over it (a point marker). */
export function LineMark({
  color,
  width = 2,
  dash,
  children,
}: {
  color: string;
  width?: number;
  dash?: string | undefined;
  children?: ReactNode;
}) {
  return (
    <svg className="chart-legend-mark" width="30" height="12" viewBox="0 0 30 12" aria-hidden="true">
      <line x1="1" x2="29" y1="6" y2="6" stroke={color} strokeWidth={width} {...(dash ? { strokeDasharray: dash } : {})} />
      {children}
    </svg>
  );
}
