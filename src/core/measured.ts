/**
 * What `npm run experiments` measured for each preset, as the app shows it next to the course's
 * numbers. The data lives in presetResults.ts, which the script writes (never edited by hand); this
 * module holds the lookup (the types are in measuredTypes.ts) that only returns numbers measured with the variant's
 * current settings. Framework-free.
 */
import type { Preset, PresetVariant } from './presets';
import { presetQuery } from './presets';
import { PRESET_RESULTS, RESULTS_INFO } from './presetResults';
import type { MeasuredMetric, MeasuredPreset, MeasuredVariant } from './measuredTypes';

export type { MeasuredCheck, MeasuredMetric, MeasuredPreset, MeasuredVariant, ResultsInfo } from './measuredTypes';
export { RESULTS_INFO };

/** The measured numbers of `variant`, or null when none were measured with its current settings. */
export function measuredVariant(preset: Preset, variant: PresetVariant): MeasuredVariant | null {
  const found = PRESET_RESULTS[preset.id]?.variants[variant.id];
  return found && found.query === presetQuery(variant) ? found : null;
}

/** The checked claims of `preset`, or null when it was not measured. */
export function measuredPreset(preset: Preset): MeasuredPreset | null {
  return PRESET_RESULTS[preset.id] ?? null;
}

/** "0.958 ± 0.004" (n > 1) or "0.958". */
export function formatMeasured(m: MeasuredMetric, digits = 3): string {
  if (m.mean === null || !Number.isFinite(m.mean)) return '–';
  return m.n > 1 && m.std !== null ? `${m.mean.toFixed(digits)} ± ${m.std.toFixed(digits)}` : m.mean.toFixed(digits);
}
