import { useState, type KeyboardEvent } from 'react';
import { css, sequential, textOn } from '../colormap';

export type MatrixMode = 'counts' | 'rates';

export interface MatrixProps {
  /** k × k counts, row-major (row = true class). */
  readonly counts: ArrayLike<number>;
  readonly k: number;
  readonly names: readonly string[];
  /** Show (and colour by) raw counts, or each row's counts divided by the row total. */
  readonly mode: MatrixMode;
  /** Leave the diagonal blank and colour the rest on their own scale, so off-diagonal structure shows. */
  readonly hideDiagonal?: boolean;
  /** Accessible description of the table. */
  readonly caption: string;
  /** Header of the row names, e.g. "true ↓ / predicted →". */
  readonly corner: string;
  /** Says what a cell means ("4 predicted as 9"), for tooltips and the status line. */
  readonly describe: (row: number, col: number) => string;
  /** Unit of a count ("test images", "training labels"). */
  readonly unit: string;
  /** Makes cells buttons (click, Enter, Space). */
  readonly onSelect?: (row: number, col: number) => void;
  readonly selected?: { readonly row: number; readonly col: number } | null;
  readonly testId?: string;
  readonly extraAttributes?: Record<string, string | number>;
}

const pct = (v: number, digits = 1) => `${(v * 100).toFixed(digits)}%`;

/**
 * A class × class matrix as an accessible heat-map table: the numbers are text (so it reads without
 * colour), every cell has a tooltip with count and row rate, arrow keys move a single focusable cell,
 * and a status line under the table repeats the hovered or focused cell for screen readers. Used by
 * the confusion matrix and the label-noise matrix alike.
 */
export function Matrix(props: MatrixProps) {
  const { counts, k, names, mode, hideDiagonal = false, onSelect, selected } = props;
  const { focus, active, setActive, onCellFocus, move } = useMatrixFocus(k, onSelect);
  const { rowTotals, value, scale } = matrixScale(counts, k, mode, hideDiagonal);
  const detail = (i: number, j: number) => {
    const c = counts[i * k + j]!;
    const total = rowTotals[i]!;
    return `${props.describe(i, j)}: ${c.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${props.unit} (${total > 0 ? pct(c / total, 2) : '–'})`;
  };
  const shown = active ?? (selected ? { row: selected.row, col: selected.col } : null);
  return (
    <div className="matrix" data-testid={props.testId} {...props.extraAttributes}>
      <div className="matrix-scroll">
        <table role="grid" aria-label={props.caption}>
          <caption className="visually-hidden">{props.caption}</caption>
          <MatrixHead corner={props.corner} names={names} />
          <tbody>
            {Array.from({ length: k }, (_, i) => (
              <tr key={i}>
                <th scope="row" title={names[i]}>
                  {names[i]}
                </th>
                {Array.from({ length: k }, (_, j) => {
                  const hidden = hideDiagonal && i === j;
                  const v = value(i, j);
                  const bg = hidden ? ([238, 241, 244] as const) : sequential(scale > 0 ? v / scale : 0);
                  const isSelected = selected?.row === i && selected.col === j;
                  return (
                    <td
                      key={j}
                      role="gridcell"
                      data-testid="matrix-cell"
                      data-row={i}
                      data-col={j}
                      data-count={counts[i * k + j]}
                      tabIndex={focus.row === i && focus.col === j ? 0 : -1}
                      aria-selected={onSelect ? isSelected : undefined}
                      className={`num matrix-cell${i === j ? ' diagonal' : ''}${onSelect ? ' selectable' : ''}${isSelected ? ' selected' : ''}`}
                      style={{ background: css(bg), color: hidden ? '#8a929c' : textOn(bg) }}
                      title={detail(i, j)}
                      onMouseEnter={() => setActive({ row: i, col: j })}
                      onMouseLeave={() => setActive(null)}
                      onFocus={() => onCellFocus(i, j)}
                      onBlur={() => setActive(null)}
                      onClick={onSelect ? () => onSelect(i, j) : undefined}
                      onKeyDown={(e) => move(e, i, j)}
                    >
                      {hidden ? '·' : mode === 'counts' ? v.toLocaleString('en-US') : pct(v)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="matrix-status hint" aria-live="polite" data-testid="matrix-status">
        {shown
          ? detail(shown.row, shown.col)
          : onSelect
            ? 'Hover or focus a cell for its count and rate; click (or Enter) to see its images.'
            : 'Hover or focus a cell for its count and rate.'}
      </p>
    </div>
  );
}

type Cell = { row: number; col: number };

/** Row totals, the value a cell shows (count or row rate) and the value the darkest colour stands for. */
function matrixScale(counts: ArrayLike<number>, k: number, mode: MatrixMode, hideDiagonal: boolean) {
  const rowTotals = Array.from({ length: k }, (_, i) => {
    let t = 0;
    for (let j = 0; j < k; j++) t += counts[i * k + j]!;
    return t;
  });
  const value = (i: number, j: number) => {
    const c = counts[i * k + j]!;
    return mode === 'counts' ? c : rowTotals[i]! > 0 ? c / rowTotals[i]! : 0;
  };
  let max = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (!(hideDiagonal && i === j)) max = Math.max(max, value(i, j));
  // Rates are absolute shares (a 100 % cell is dark whatever the others), counts relative to the largest.
  const scale = mode === 'rates' && !hideDiagonal ? 1 : max;
  return { rowTotals, value, scale };
}

/**
 * The grid's one focusable cell (roving tabindex: arrows, Home, End), the hovered or focused cell the
 * status line repeats, and Enter / Space selecting a cell.
 */
function useMatrixFocus(k: number, onSelect: MatrixProps['onSelect']) {
  const [focus, setFocus] = useState<Cell>({ row: 0, col: 0 });
  const [active, setActive] = useState<Cell | null>(null);
  const onCellFocus = (row: number, col: number) => {
    setFocus({ row, col });
    setActive({ row, col });
  };
  const move = (event: KeyboardEvent<HTMLTableCellElement>, i: number, j: number) => {
    const delta: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      Home: [0, -j],
      End: [0, k - 1 - j],
    };
    const d = delta[event.key];
    if (d) {
      event.preventDefault();
      const next = { row: Math.min(k - 1, Math.max(0, i + d[0])), col: Math.min(k - 1, Math.max(0, j + d[1])) };
      setFocus(next);
      const table = event.currentTarget.closest('table');
      table?.querySelector<HTMLElement>(`[data-row="${next.row}"][data-col="${next.col}"]`)?.focus();
    } else if (onSelect && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      onSelect(i, j);
    }
  };
  return { focus, active, setActive, onCellFocus, move };
}

/** The corner header and the (abbreviated) predicted-class names. */
function MatrixHead({ corner, names }: { corner: string; names: readonly string[] }) {
  return (
    <thead>
      <tr>
        <th scope="col" className="matrix-corner">
          {corner}
        </th>
        {names.map((n, j) => (
          <th scope="col" key={j} className="num" title={n}>
            {abbreviate(n)}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** Column headers stay narrow: long class names ("T-shirt/top") are cut, the full name is the title. */
export function abbreviate(name: string): string {
  return name.length > 6 ? `${name.slice(0, 5)}…` : name;
}
