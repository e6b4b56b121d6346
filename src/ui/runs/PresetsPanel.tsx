import { PRESETS, presetQuery, type Preset } from '../../core/presets';
import { PresetNoteBanner } from '../classroom/ClassroomParts';
import { applyVariant, compareVariants } from '../classroom/presetActions';
import { isRunActive, useStore } from '../store';
import { PresetMeasurements } from './PresetMeasurements';
import { useRuns } from './runsStore';
import { RaceButton } from '../race/RaceButton';

/** The experiments of the course material, one click each, with what to look for. */
export function PresetsPanel() {
  const runState = useStore((s) => s.runState);
  const sequenceRunning = useRuns((s) => s.sequence?.running ?? false);
  const busy = sequenceRunning || isRunActive(runState);
  return (
    <section className="panel presets" aria-labelledby="presets-title" data-testid="presets">
      <h2 id="presets-title">Experiments from the course</h2>
      <p className="hint">
        Choose a variant to load its settings (the address updates, so it is a link to share), or run every variant one after another and
        compare them in the history below.
      </p>
      {PRESETS.map((p, i) => (
        <PresetItem key={p.id} preset={p} index={i} busy={busy} />
      ))}
    </section>
  );
}

function PresetItem({ preset, index, busy }: { preset: Preset; index: number; busy: boolean }) {
  // Through the preset bar's actions: the same confirmation near Train, and a classroom link's locks hold.
  const runAll = () => compareVariants(index);
  return (
    <details className="preset" data-testid={`preset-${preset.id}`}>
      <summary>{preset.title}</summary>
      <p className="preset-text">{preset.explanation}</p>
      <PresetMeasurements preset={preset} />
      <div className="buttons">
        {preset.variants.map((v, variant) => (
          <a
            key={v.id}
            className="button-link"
            href={`?${presetQuery(v)}`}
            data-testid={`preset-${preset.id}-${v.id}`}
            onClick={(e) => {
              // Plain click loads the settings in place; modified clicks open the link as usual.
              if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
              e.preventDefault();
              // While a run is active the form is locked; following the link would reload and lose the run.
              if (!busy) applyVariant(index, variant);
            }}
            aria-disabled={busy}
          >
            {v.label}
          </a>
        ))}
        {preset.variants.length > 1 && (
          <button type="button" onClick={runAll} disabled={busy} data-testid={`preset-${preset.id}-run-all`}>
            Run all {preset.variants.length} &amp; compare
          </button>
        )}
        {preset.variants.length > 1 && <RaceButton preset={preset} busy={busy} />}
      </div>
      <PresetNoteBanner about={preset.title} />
    </details>
  );
}
