import { formatMeasured, measuredPreset, measuredVariant, RESULTS_INFO } from '../../core/measured';
import type { Preset } from '../../core/presets';

const seedsText = (n: number) => (n === 1 ? '1 seed' : `${n} seeds`);

/**
 * A preset's numbers as `npm run experiments` measured them with its own settings (generated
 * presetResults.ts), next to what the course reported, with the claims checked and a link to the
 * reproduction report.
 */
export function PresetMeasurements({ preset }: { preset: Preset }) {
  const measured = measuredPreset(preset);
  const metricLabels =
    preset.variants
      .map((v) => measuredVariant(preset, v))
      .find((m) => m)
      ?.metrics.map((m) => m.label) ?? [];
  const anyHomework = preset.variants.some((v) => v.homework);
  return (
    <div className="preset-measured" data-testid={`preset-${preset.id}-measured`}>
      <p className="preset-homework">
        <strong>Course:</strong> {preset.homework}
      </p>
      {metricLabels.length > 0 ? (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>variant</th>
                {metricLabels.map((l) => (
                  <th key={l}>{l} (measured)</th>
                ))}
                {anyHomework && <th>course</th>}
              </tr>
            </thead>
            <tbody>
              {preset.variants.map((v) => {
                const m = measuredVariant(preset, v);
                return (
                  <tr key={v.id} data-testid={`preset-${preset.id}-${v.id}-measured`}>
                    <td>{v.label}</td>
                    {metricLabels.map((l, i) => (
                      <td key={l}>{m?.metrics[i] ? formatMeasured(m.metrics[i]) : 'not measured'}</td>
                    ))}
                    {anyHomework && <td>{v.homework ?? ''}</td>}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="hint">Not measured yet with these settings.</p>
      )}
      {measured && measured.checks.length > 0 && (
        <p className="hint" data-testid={`preset-${preset.id}-checks`}>
          Measured over{' '}
          {seedsText(Math.max(...Object.values(measured.variants).map((v) => v.metrics.reduce((n, m) => Math.max(n, m.n), 0))))}
          {measured.testImages < 10000 ? ` on the first ${measured.testImages.toLocaleString('en-US')} test images` : ''}:{' '}
          {measured.checks.filter((c) => c.holds).length} of {measured.checks.length} of the course’s claims hold.{' '}
          <a href={`${RESULTS_INFO.reportPath}#${preset.id}`} target="_blank" rel="noopener" data-testid={`preset-${preset.id}-report`}>
            Reproduction report
          </a>
        </p>
      )}
    </div>
  );
}
