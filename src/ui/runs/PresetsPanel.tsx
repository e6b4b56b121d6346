import { PRESETS, presetQuery, presetSettings, type Preset } from '../../core/presets';
import { useStore } from '../store';
import { runSequence, useRuns } from './runsStore';

/** Applies a variant's settings (over the defaults); the URL follows through the store subscription. */
function apply(settings: ReturnType<typeof presetSettings>): void {
  useStore.setState({ settings });
}

/** The experiments of the course material, one click each, with what to look for. */
export function PresetsPanel() {
  const runState = useStore((s) => s.runState);
  const sequenceRunning = useRuns((s) => s.sequence?.running ?? false);
  const busy = sequenceRunning || runState === 'loading' || runState === 'training' || runState === 'paused';
  return (
    <section className="panel presets" aria-labelledby="presets-title" data-testid="presets">
      <h2 id="presets-title">Experiments from the course</h2>
      <p className="hint">Choose a variant to load its settings (the address updates, so it is a link to share), or run every variant one after another and compare them in the history below.</p>
      {PRESETS.map((p) => (
        <PresetItem key={p.id} preset={p} busy={busy} />
      ))}
    </section>
  );
}

function PresetItem({ preset, busy }: { preset: Preset; busy: boolean }) {
  const runAll = () => {
    const restore = presetSettings(preset.variants[0]!);
    void runSequence('variants', preset.title, preset.variants.map((v) => ({ label: v.label, settings: presetSettings(v) })), restore);
  };
  return (
    <details className="preset" data-testid={`preset-${preset.id}`}>
      <summary>{preset.title}</summary>
      <p className="preset-text">{preset.explanation}</p>
      <div className="buttons">
        {preset.variants.map((v) => (
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
              if (!busy) apply(presetSettings(v));
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
      </div>
    </details>
  );
}
