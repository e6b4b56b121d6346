import { useState } from 'react';
import { RadioChoices } from './RadioChoices';
import { useInspect } from '../inspectStore';
import { clearCell, selectCell, showFeatureMapsOf } from '../inspectClient';
import { nameOf, Thumb } from './InspectParts';
import { Matrix, type MatrixMode } from './Matrix';

/**
 * The test set's confusion matrix after the latest epoch (counts or row rates, diagonal optionally
 * hidden), the images of a clicked cell, and the most confused pairs with example thumbnails.
 */
export function ConfusionPanel() {
  const report = useInspect((s) => s.confusion);
  const classNames = useInspect((s) => s.classNames);
  const selected = useInspect((s) => s.selectedCell);
  const [mode, setMode] = useState<MatrixMode>('counts');
  const [hideDiagonal, setHideDiagonal] = useState(false);
  if (!report)
    return <p className="hint">The confusion matrix of the test set appears after the first epoch, and is refreshed after every epoch.</p>;
  const k = report.numClasses;
  const names = Array.from({ length: k }, (_, i) => nameOf(classNames, i));
  let correct = 0;
  for (let i = 0; i < k; i++) correct += report.matrix[i * k + i]!;
  return (
    <div className="confusion">
      <div className="inspect-controls" role="group" aria-label="Confusion matrix display">
        <RadioChoices
          name="confusion-mode"
          value={mode}
          onChange={setMode}
          options={[
            { value: 'counts', label: 'counts', testId: 'confusion-mode-counts' },
            { value: 'rates', label: 'row-normalised', testId: 'confusion-mode-rates' },
          ]}
        />
        <label>
          <input
            type="checkbox"
            checked={hideDiagonal}
            onChange={(e) => setHideDiagonal(e.target.checked)}
            data-testid="confusion-hide-diagonal"
          />{' '}
          hide diagonal
        </label>
        <span className="hint">
          epoch {report.epoch} · {report.total.toLocaleString('en-US')} test images ·{' '}
          {((correct / Math.max(1, report.total)) * 100).toFixed(2)}% on the diagonal
        </span>
      </div>
      <Matrix
        counts={report.matrix}
        k={k}
        names={names}
        mode={mode}
        hideDiagonal={hideDiagonal}
        caption={`Confusion matrix of the test set after epoch ${report.epoch}: rows are true classes, columns predicted classes`}
        corner="true ↓ / predicted →"
        describe={(i, j) => (i === j ? `${names[i]} predicted correctly` : `${names[i]} predicted as ${names[j]}`)}
        unit="test images"
        onSelect={(i, j) => (selected?.truth === i && selected.predicted === j ? clearCell() : selectCell(i, j))}
        selected={selected ? { row: selected.truth, col: selected.predicted } : null}
        testId="confusion-matrix"
        extraAttributes={{ 'data-total': report.total, 'data-classes': k, 'data-epoch': report.epoch }}
      />
      <CellImages names={names} />
      <TopPairs names={names} />
    </div>
  );
}

function CellImages({ names }: { names: readonly string[] }) {
  const selected = useInspect((s) => s.selectedCell);
  const cell = useInspect((s) => s.cell);
  if (!selected) return null;
  const title =
    selected.truth === selected.predicted
      ? `${names[selected.truth]} predicted correctly`
      : `${names[selected.truth]} predicted as ${names[selected.predicted]}`;
  return (
    <div className="cell-images" data-testid="cell-images" data-count={cell?.count ?? ''}>
      <h3>
        {title}{' '}
        <button type="button" className="link-button" onClick={clearCell} aria-label="Close the cell's images">
          ✕
        </button>
      </h3>
      {!cell ? (
        <p className="hint">Loading…</p>
      ) : cell.count === 0 ? (
        <p className="hint">No test image falls in this cell.</p>
      ) : (
        <>
          <p className="hint">
            {cell.indices.length < cell.count
              ? `The first ${cell.indices.length} of ${cell.count.toLocaleString('en-US')}`
              : `All ${cell.count.toLocaleString('en-US')}`}{' '}
            test images (click one for its feature maps).
          </p>
          <div className="thumb-grid">
            {Array.from(cell.indices, (index, i) => (
              <button
                type="button"
                key={index}
                className="thumb-button"
                onClick={() => showFeatureMapsOf({ kind: 'test', index })}
                title={`Test image #${index}: show its feature maps`}
              >
                <Thumb
                  block={cell.images}
                  index={i}
                  size={42}
                  label={`Test image #${index}, a ${names[cell.truth]} predicted as ${names[cell.predicted]}`}
                />
              </button>
            ))}
          </div>
        </>
      )}
    </div>
  );
}

function TopPairs({ names }: { names: readonly string[] }) {
  const report = useInspect((s) => s.confusion);
  if (!report) return null;
  // Where each pair's examples start in the thumbnail block (all pairs' examples, in order).
  const starts: number[] = [];
  for (let n = 0, at = 0; n < report.pairs.length; n++) {
    starts.push(at);
    at += report.pairExamples[n]?.length ?? 0;
  }
  return (
    <div className="top-pairs" data-testid="top-pairs" data-count={report.pairs.length}>
      <h3>Most confused pairs</h3>
      {report.pairs.length === 0 ? (
        <p className="hint">No mistakes on the test set.</p>
      ) : (
        <ol>
          {report.pairs.map((p, n) => {
            const examples = report.pairExamples[n] ?? [];
            const start = starts[n] ?? 0;
            return (
              <li
                key={`${p.truth}-${p.predicted}`}
                data-testid="top-pair"
                data-truth={p.truth}
                data-predicted={p.predicted}
                data-count={p.count}
              >
                <button
                  type="button"
                  className="link-button pair-label"
                  onClick={() => selectCell(p.truth, p.predicted)}
                  title="Show all images of this pair"
                >
                  <b>
                    {names[p.truth]} → {names[p.predicted]}
                  </b>{' '}
                  {p.count.toLocaleString('en-US')}×
                  {p.reverse > 0 ? <span className="hint"> (↔ {p.reverse.toLocaleString('en-US')} the other way)</span> : null}
                </button>
                <span className="pair-thumbs">
                  {examples.map((index, i) => (
                    <Thumb
                      key={index}
                      block={report.thumbnails}
                      index={start + i}
                      size={34}
                      label={`Test image #${index}: a ${names[p.truth]} predicted as ${names[p.predicted]}`}
                    />
                  ))}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
