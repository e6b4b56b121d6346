/**
 * Live races: 2–4 variants of an experiment trained at the same time. Framework-free helpers for
 * what a race is made of: its variants from a preset or from overrides of the current settings, the
 * legend of what differs, and the `race=` address parameter (read with the same discipline as the
 * settings codec: never throws, every rejected part reported, valid parts used).
 *
 * `race=` holds the variants, `;`-separated, each a `,`-separated list of `key:value` overrides of the
 * settings in the rest of the address (`?lr=0.01&race=act:relu;act:sigmoid`), or the id of a course
 * preset (`race=optimizers`), whose variants race over the defaults.
 */
import { PRESETS, presetSettings } from './presets';
import { describeSettings, differingSettings } from './runRecord';
import { coerce, DEFAULT_SETTINGS, SETTING_NAMES, SETTINGS, type Rejection, type SettingName, type Settings } from './settings';

export const MIN_RACE_LANES = 2;
export const MAX_RACE_LANES = 4;
/** The address parameter of a race. */
export const RACE_KEY = 'race';
const MAX_RACE_LENGTH = 600;

export interface RaceVariant {
  /** What sets it apart from the others ("act=sigmoid"), or the preset variant's label. */
  readonly label: string;
  readonly settings: Settings;
}

export interface RacePlan {
  readonly title: string;
  readonly variants: readonly RaceVariant[];
}

const BY_KEY = new Map<string, SettingName>(SETTING_NAMES.map((name) => [SETTINGS[name].key, name]));
const short = (s: string) => (s.length > 24 ? `${s.slice(0, 24)}…` : s);

/** Legend labels: the settings that differ between the variants, `key=value` each; "#n" when none differ. */
export function raceLabels(settings: readonly Settings[]): string[] {
  const diff = differingSettings(settings);
  return settings.map((s, i) => (diff.length ? describeSettings(s, diff) : `#${i + 1}`));
}

/** A plan from full settings, labelled by what differs. */
export function planOf(title: string, settings: readonly Settings[]): RacePlan {
  const labels = raceLabels(settings);
  return { title, variants: settings.map((s, i) => ({ label: labels[i]!, settings: s })) };
}

/** The base settings raced against 1–3 values of one setting ("race these settings against …"). */
export function planAgainst<K extends SettingName>(base: Settings, name: K, values: readonly Settings[K][]): RacePlan {
  const settings = [base, ...values.filter((v) => v !== base[name]).map((v) => ({ ...base, [name]: v }))].slice(0, MAX_RACE_LANES);
  return planOf(`${SETTINGS[name].label}: ${settings.map((s) => String(s[name])).join(' vs ')}`, settings);
}

/** A course preset's variants (the chosen ids, or its first four), labelled as in the preset. */
export function planFromPreset(presetId: string, variantIds?: readonly string[]): RacePlan | null {
  const preset = PRESETS.find((p) => p.id === presetId);
  if (!preset) return null;
  const chosen = preset.variants.filter((v) => !variantIds || variantIds.includes(v.id)).slice(0, MAX_RACE_LANES);
  return { title: preset.title, variants: chosen.map((v) => ({ label: v.label, settings: presetSettings(v) })) };
}

/**
 * Reads a `race=` value over `base` (the settings of the rest of the address). Returns null for the
 * plan when fewer than two variants are left; `rejected` says what was not used and why.
 */
export function parseRaceSpec(raw: string, base: Settings = DEFAULT_SETTINGS): { plan: RacePlan | null; rejected: Rejection[] } {
  const rejected: Rejection[] = [];
  const reject = (reason: string) => rejected.push({ key: RACE_KEY, reason });
  if (raw.length > MAX_RACE_LENGTH) {
    reject(`longer than ${MAX_RACE_LENGTH} characters; no race`);
    return { plan: null, rejected };
  }
  const trimmed = raw.trim();
  const preset = PRESETS.find((p) => p.id === trimmed);
  if (preset) {
    if (preset.variants.length < MIN_RACE_LANES) {
      reject(`the experiment "${preset.title}" has a single variant: nothing to race`);
      return { plan: null, rejected };
    }
    if (preset.variants.length > MAX_RACE_LANES) {
      reject(
        `"${preset.title}" has ${preset.variants.length} variants; the first ${MAX_RACE_LANES} race (at most ${MAX_RACE_LANES} at a time)`,
      );
    }
    return { plan: planFromPreset(preset.id), rejected };
  }
  const parts = trimmed.split(/[;|]/);
  const settings: Settings[] = [];
  parts.forEach((part, i) => {
    const n = i + 1;
    const out: Record<string, unknown> = { ...base };
    const seen = new Set<string>();
    let ok = true;
    for (const pair of part
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0)) {
      const at = pair.search(/[:=]/);
      const key = at < 0 ? pair : pair.slice(0, at);
      const value = at < 0 ? '' : pair.slice(at + 1);
      const name = BY_KEY.get(key);
      if (!name) {
        reject(`variant ${n}: "${short(key)}" is not a setting; variant left out`);
        ok = false;
        continue;
      }
      if (seen.has(key)) {
        reject(`variant ${n}: ${key} given twice; variant left out`);
        ok = false;
        continue;
      }
      seen.add(key);
      const result = coerce(SETTINGS[name], value);
      if (!result.ok) {
        reject(`variant ${n}: ${SETTINGS[name].label}: ${result.reason}; variant left out`);
        ok = false;
        continue;
      }
      out[name] = result.value;
    }
    if (!ok) return;
    if (settings.length >= MAX_RACE_LANES) {
      reject(`variant ${n}: at most ${MAX_RACE_LANES} variants race at a time; left out`);
      return;
    }
    settings.push(out as Settings);
  });
  if (settings.length < MIN_RACE_LANES) {
    reject(`a race needs ${MIN_RACE_LANES} to ${MAX_RACE_LANES} variants (${settings.length} usable); no race`);
    return { plan: null, rejected };
  }
  const varied = differingSettings(settings).map((name) => SETTINGS[name].label);
  return { plan: planOf(varied.length ? `Race: ${varied.join(' + ')}` : 'Race', settings), rejected };
}

/** The `race=` value of a plan: each variant's values of the settings that differ between them. */
export function serializeRaceSpec(plan: RacePlan): string {
  const settings = plan.variants.map((v) => v.settings);
  const diff = differingSettings(settings);
  return settings
    .map((s) => diff.map((name) => `${SETTINGS[name].key}:${typeof s[name] === 'boolean' ? (s[name] ? 1 : 0) : String(s[name])}`).join(','))
    .join(';');
}
