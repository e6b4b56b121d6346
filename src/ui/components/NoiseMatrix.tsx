import { rowNormalize, type LabelNoiseReport } from '../../core/data/labelNoise';

const pct = (v: number, digits = 1) => `${(v * 100).toFixed(digits)}%`;

/**
 * The realised training-label noise of a run as a heat map: row = true class, column = the label
 * the model was trained with, cell = share of that class's training examples (row-normalised), with
 * the count in the cell's title. Numbers are text, so the table reads the same without colour.
 * Renders nothing when the run has no label noise.
 */
export function NoiseMatrix({ report, classNames }: { report: LabelNoiseReport | null; classNames?: readonly string[] | undefined }) {
  if (!report) return null;
  const shares = rowNormalize(report.matrix);
  const k = report.matrix.length;
  const names = Array.from({ length: k }, (_, i) => classNames?.[i] ?? String(i));
  const realised = report.count > 0 ? report.flipped / report.count : 0;
  return (
    <section className="panel noise-matrix" aria-labelledby="noise-title" data-testid="noise-matrix" data-flipped={report.flipped} data-count={report.count}>
      <h2 id="noise-title">Label noise</h2>
      <p className="hint">
        ε = {report.epsilon} asked for; {report.flipped.toLocaleString('en-US')} of {report.count.toLocaleString('en-US')} training labels changed (
        <b data-testid="noise-rate" data-value={realised}>
          {pct(realised, 2)}
        </b>
        ). Validation and test labels are clean. Expected: {pct(1 - report.epsilon)} on the diagonal, {pct(report.epsilon / Math.max(1, k - 1))} elsewhere.
      </p>
      <div className="noise-scroll">
        <table>
          <caption className="visually-hidden">Share of each true class's training examples given each label (row-normalised)</caption>
          <thead>
            <tr>
              <th scope="col">true ↓ / label →</th>
              {names.map((n, j) => (
                <th scope="col" key={j} className="num" title={n}>
                  {abbreviate(n)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shares.map((row, i) => (
              <tr key={i}>
                <th scope="row" title={names[i]}>
                  {names[i]}
                </th>
                {row.map((p, j) => (
                  <td
                    key={j}
                    className={`num noise-cell${i === j ? ' diagonal' : ''}`}
                    style={{ background: `rgba(0, 114, 178, ${Math.min(1, p).toFixed(3)})`, color: p > 0.45 ? '#fff' : undefined }}
                    title={`${names[i]} labelled ${names[j]}: ${report.matrix[i]![j]!.toLocaleString('en-US')} examples`}
                  >
                    {pct(p)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Column headers stay narrow: long class names ("T-shirt/top") are cut, the full name is the title. */
function abbreviate(name: string): string {
  return name.length > 6 ? `${name.slice(0, 5)}…` : name;
}
