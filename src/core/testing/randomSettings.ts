/** Seeded random valid settings for property tests over the whole schema (test-only). */
import type { Rng } from '../rng';
import { DEFAULT_SETTINGS, SETTING_NAMES, SETTINGS, type Settings, type SettingSpec } from '../settings';

/** A random valid value of one spec: edges, defaults and values across its range (log-uniform on log scales). */
function randomValue(spec: SettingSpec, rng: Rng): number | string | boolean {
  switch (spec.kind) {
    case 'boolean':
      return rng() < 0.5;
    case 'enum':
      return spec.options[Math.floor(rng() * spec.options.length)]!.value;
    case 'number': {
      const r = rng();
      if (r < 0.1) return spec.min;
      if (r < 0.2) return spec.max;
      if (r < 0.3) return spec.default;
      let x: number;
      if (spec.scale === 'log' && spec.min > 0) x = Math.exp(Math.log(spec.min) + rng() * (Math.log(spec.max) - Math.log(spec.min)));
      else x = spec.min + rng() * (spec.max - spec.min);
      if (spec.integer) x = Math.round(x);
      // Sometimes the short decimals a person types, sometimes the full double the RNG made.
      else if (rng() < 0.5) x = Number(x.toPrecision(1 + Math.floor(rng() * 4)));
      return Math.min(spec.max, Math.max(spec.min, x));
    }
  }
}

/** The defaults with each setting, with probability `density`, replaced by a random valid value. */
export function randomSettings(rng: Rng, density: number): Settings {
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const name of SETTING_NAMES) if (rng() < density) out[name] = randomValue(SETTINGS[name], rng);
  return out as Settings;
}
