import type { LabelNoiseReport } from '../../core/data/labelNoise';
import { Matrix } from './Matrix';

const pct = (v: number, digits = 1) => `${(v * 100).toFixed(digits)}%`;

/**
 * The realised training-label noise of a run as a heat map: row = true class, column = the label
 * the model was trained with, cell = share of that class's training examples (row-normalised), with
 * the count in the cell's title. Same matrix component as the confusion matrix. Renders nothing when
 * the run has no label noise.
 */
export function NoiseMatrix({ report, classNames }: { report: LabelNoiseReport | null; classNames?: readonly string[] | undefined }) {
  if (!report) return null;
  const k = report.matrix.length;
  const names = Array.from({ length: k }, (_, i) => classNames?.[i] ?? String(i));
  const realised = report.count > 0 ? report.flipped / report.count : 0;
  return (
    <section
      className="panel noise-matrix"
      aria-labelledby="noise-title"
      data-testid="noise-matrix"
      data-flipped={report.flipped}
      data-count={report.count}
    >
      <h2 id="noise-title">Label noise</h2>
      <p className="hint">
        ε = {report.epsilon} asked for; {report.flipped.toLocaleString('en-US')} of {report.count.toLocaleString('en-US')} training labels
        changed (
        <b data-testid="noise-rate" data-value={realised}>
          {pct(realised, 2)}
        </b>
        ). Validation and test labels are clean. Expected: {pct(1 - report.epsilon)} on the diagonal,{' '}
        {pct(report.epsilon / Math.max(1, k - 1))} elsewhere.
      </p>
      <Matrix
        counts={report.matrix.flat()}
        k={k}
        names={names}
        mode="rates"
        caption="Share of each true class's training examples given each label (row-normalised)"
        corner="true ↓ / label →"
        describe={(i, j) => `${names[i]} labelled ${names[j]}`}
        unit="training examples"
      />
    </section>
  );
}
