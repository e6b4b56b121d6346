/**
 * Sweeps: one setting over a list of values, run one after another. Pure helpers to read the values a
 * person types (validated against the schema, like the URL) and to make log-spaced learning rates.
 */
import { coerce, SETTINGS, type SettingName, type Settings } from './settings';

/** Settings a sweep may vary: every number and every choice (booleans are a two-value choice). */
export const SWEEPABLE: readonly SettingName[] = (Object.keys(SETTINGS) as SettingName[]).filter(
  (n) => n !== 'seed' && n !== 'backend' && n !== 'dataset',
);

/** Most values in one sweep. */
export const MAX_SWEEP_VALUES = 12;

export interface SweepValues {
  readonly values: readonly Settings[SettingName][];
  /** Plain-text problems with the typed values (each skipped). */
  readonly rejected: readonly string[];
}

/** Reads "0, 0.2, 0.4" (or "relu, tanh") for a setting: each value validated by the schema; duplicates dropped. */
export function parseSweepValues(name: SettingName, text: string): SweepValues {
  const values: Settings[SettingName][] = [];
  const rejected: string[] = [];
  const parts = text.split(/[\s,;]+/).filter((p) => p.length > 0);
  for (const part of parts) {
    const result = coerce(SETTINGS[name], part);
    if (!result.ok) rejected.push(`${part.slice(0, 24)}: ${result.reason}`);
    else if (values.includes(result.value as Settings[SettingName])) rejected.push(`${part.slice(0, 24)}: given twice`);
    else if (values.length >= MAX_SWEEP_VALUES) rejected.push(`${part.slice(0, 24)}: more than ${MAX_SWEEP_VALUES} values`);
    else values.push(result.value as Settings[SettingName]);
  }
  return { values, rejected };
}

/** `count` values from `from` to `to` evenly spaced on a log scale, rounded to 3 significant digits. */
export function logRange(from: number, to: number, count: number): number[] {
  if (!(from > 0 && to > 0) || !Number.isInteger(count) || count < 1) return [];
  if (count === 1) return [from];
  const a = Math.log10(from);
  const b = Math.log10(to);
  return Array.from({ length: count }, (_, i) => Number((10 ** (a + ((b - a) * i) / (count - 1))).toPrecision(3)));
}

/** The default values offered for a setting: its choices, or a log range / a few points across its range. */
export function defaultSweepText(name: SettingName): string {
  const spec = SETTINGS[name];
  switch (spec.kind) {
    case 'enum':
      return spec.options.map((o) => o.value).join(', ');
    case 'boolean':
      return '0, 1';
    case 'number':
      if (spec.scale === 'log')
        return logRange(Math.max(spec.min, spec.default / 100), Math.min(spec.max, spec.default * 10), 4).join(', ');
      {
        const hi = spec.default > spec.min ? Math.min(spec.max, spec.default * 2) : spec.max;
        const points = [0, 0.25, 0.5, 0.75, 1].map((t) => {
          const v = spec.min + t * (hi - spec.min);
          return Math.min(spec.max, Math.max(spec.min, spec.integer ? Math.round(v) : Number(v.toPrecision(2))));
        });
        return points.filter((v, i) => points.indexOf(v) === i).join(', ');
      }
  }
}
