import { MAX_RACE_LANES, planFromPreset } from '../../core/race';
import type { Preset } from '../../core/presets';
import { raceActive, startRace, useRace } from './raceClient';

/** "Race live" for a course preset: its variants (the first four) at the same time, in the race panel. */
export function RaceButton({ preset, busy }: { preset: Preset; busy: boolean }) {
  const racing = useRace((s) => raceActive(s.race));
  const n = Math.min(MAX_RACE_LANES, preset.variants.length);
  return (
    <button
      type="button"
      data-testid={`preset-${preset.id}-race`}
      disabled={busy || racing}
      title={
        racing
          ? 'A race is running'
          : `Train ${n === preset.variants.length ? 'all' : `the first ${n} of the`} variants at the same time, on the same live charts`
      }
      onClick={() => {
        const plan = planFromPreset(preset.id);
        if (!plan) return;
        startRace(plan);
        requestAnimationFrame(() => document.getElementById('race')?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
      }}
    >
      Race {n === preset.variants.length ? 'them' : `first ${n}`} live
    </button>
  );
}
