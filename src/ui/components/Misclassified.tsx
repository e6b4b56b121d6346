import { useInspect } from '../inspectStore';
import { showFeatureMapsOf } from '../inspectClient';
import { nameOf, ProbabilityColumns, Thumb } from './InspectParts';

/** The test images the model got wrong with the most confidence, with every class's probability. */
export function Misclassified() {
  const report = useInspect((s) => s.misclassified);
  const classNames = useInspect((s) => s.classNames);
  if (!report) return <p className="hint">The most confident mistakes on the test set appear after the first epoch.</p>;
  const k = report.numClasses;
  const names = Array.from({ length: k }, (_, i) => nameOf(classNames, i));
  return (
    <div className="misclassified" data-testid="misclassified" data-count={report.indices.length} data-total={report.totalWrong}>
      <p className="hint">
        Epoch {report.epoch}: {report.totalWrong.toLocaleString('en-US')} test images wrong; the {report.indices.length} the model was
        surest about are below. Some are genuinely ambiguous, a few mislabelled. Click one for its feature maps.
      </p>
      <ul className="mistake-grid">
        {Array.from(report.indices, (index, i) => {
          const probabilities = report.probabilities.subarray(i * k, (i + 1) * k);
          const truth = report.truth[i]!;
          const predicted = report.predicted[i]!;
          return (
            <li key={index} className="mistake" data-testid="mistake">
              <button
                type="button"
                className="thumb-button"
                onClick={() => showFeatureMapsOf({ kind: 'test', index })}
                title={`Test image #${index}: show its feature maps`}
              >
                <Thumb
                  block={report.images}
                  index={i}
                  size={56}
                  label={`Test image #${index}: true ${names[truth]}, predicted ${names[predicted]}`}
                />
              </button>
              <div>
                <p className="mistake-label">
                  true <b>{names[truth]}</b> → predicted <b>{names[predicted]}</b> ({((probabilities[predicted] ?? 0) * 100).toFixed(0)}%)
                </p>
                <ProbabilityColumns probabilities={probabilities} names={names} truth={truth} />
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
