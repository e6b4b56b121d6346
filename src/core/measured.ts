/**
 * What `npm run experiments` measured for each preset, as the app shows it next to the course's
 * numbers. The data lives in presetResults.ts, which the script writes (never edited by hand); this
 * module holds its types and the lookup that only returns numbers measured with the variant's
 * current settings. Framework-free.
 */
import type { Preset, PresetVariant } from './presets';
import { presetQuery } from './presets';
import { PRESET_RESULTS, RESULTS_INFO } from './presetResults';

export interface MeasuredMetric {
  readonly label: string;
  /** Null when no run has this number (e.g. labels kept at ε = 0). */
  readonly mean: number | null;
  /** Sample standard deviation over the seeds (0 for one run). */
  readonly std: number | null;
  /** Runs (seeds) the mean is over. */
  readonly n: number;
}

export interface MeasuredVariant {
  /** The settings the runs used, as the address query: numbers are shown only while it still matches. */
  readonly query: string;
  readonly metrics: readonly MeasuredMetric[];
}

export interface MeasuredCheck {
  readonly claim: string;
  readonly holds: boolean;
  readonly measured: string;
}

export interface MeasuredPreset {
  /** Test images evaluated (the first n of the official test set). */
  readonly testImages: number;
  readonly variants: Readonly<Record<string, MeasuredVariant>>;
  /** The course's claims checked on these numbers. */
  readonly checks: readonly MeasuredCheck[];
}

export interface ResultsInfo {
  /** When the report was written (ISO time), and in which mode. */
  readonly generated: string;
  readonly mode: 'full' | 'quick';
  /** Where the report is, relative to the app's page. */
  readonly reportPath: string;
}

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
