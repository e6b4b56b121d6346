/**
 * Presets from the top of the page and the keyboard: apply a variant (and say exactly what it
 * changed), train it, compare all variants (the runs store's sequencer), step to the next variant.
 * Settings a classroom link locks keep the link's values.
 */
import { PRESETS, presetSettings, type Preset } from '../../core/presets';
import { SETTING_NAMES, SETTINGS, type SettingName, type Settings } from '../../core/settings';
import { runSequence, useRuns } from '../runs/runsStore';
import { isRunActive, useStore } from '../store';
import { startTraining } from '../workerClient';
import { settingLocked } from './flags';
import { useView } from './viewStore';

function shown(name: SettingName, value: Settings[SettingName]): string {
  const spec = SETTINGS[name];
  if (spec.kind === 'boolean') return value ? 'on' : 'off';
  if (spec.kind === 'enum') return spec.options.find((o) => o.value === value)?.label ?? String(value);
  return String(value);
}

/** A variant's settings with every locked setting at its current (the link's) value; and which were kept. */
export function lockedAware(variantSettings: Settings, current: Settings): { settings: Settings; kept: SettingName[] } {
  const view = useView.getState().view;
  const out: Record<string, unknown> = { ...variantSettings };
  const kept: SettingName[] = [];
  for (const name of SETTING_NAMES) {
    if (settingLocked(view, name) && variantSettings[name] !== current[name]) {
      out[name] = current[name];
      kept.push(name);
    }
  }
  return { settings: out as Settings, kept };
}

const active = () => isRunActive(useStore.getState().runState) || (useRuns.getState().sequence?.running ?? false);

function note(patch: Omit<NonNullable<ReturnType<typeof useView.getState>['note']>, 'serial'>): void {
  useView.setState((s) => ({ note: { ...patch, serial: (s.note?.serial ?? 0) + 1 } }));
}

/**
 * Loads variant `variant` of preset `index` into the form and records what it changed (shown near
 * Train). Refused, with a note saying why, while a run or a comparison is active. Returns whether it applied.
 */
export function applyVariant(index: number, variant: number): boolean {
  const preset = PRESETS[index];
  const v = preset?.variants[variant];
  if (!preset || !v) return false;
  const title = `${preset.title} · ${v.label}`;
  useView.setState({ preset: { index, variant } });
  if (active()) {
    note({ title, changes: [], kept: [], refused: 'A run is active: stop it (X) or let it finish, then load the preset.' });
    return false;
  }
  const before = useStore.getState().settings;
  const { settings, kept } = lockedAware(presetSettings(v), before);
  const changes = SETTING_NAMES.filter((n) => settings[n] !== before[n]).map((n) => ({
    label: SETTINGS[n].label,
    from: shown(n, before[n]),
    to: shown(n, settings[n]),
  }));
  useStore.setState({ settings });
  note({ title, changes, kept: kept.map((n) => SETTINGS[n].label) });
  return true;
}

/** "Train this": load the variant, then train it. */
export function trainVariant(index: number, variant: number): void {
  if (applyVariant(index, variant)) startTraining();
}

/** "Compare all variants": each variant in turn (the runs store's sequencer), overlaid in the history's compare chart. */
export function compareVariants(index: number): void {
  const preset: Preset | undefined = PRESETS[index];
  if (!preset) return;
  if (active()) {
    note({ title: preset.title, changes: [], kept: [], refused: 'A run is active: stop it (X) or let it finish, then compare.' });
    return;
  }
  const current = useStore.getState().settings;
  const items = preset.variants.map((v) => ({ label: v.label, settings: lockedAware(presetSettings(v), current).settings }));
  note({ title: `${preset.title}: comparing ${items.length} variants`, changes: [], kept: [] });
  void runSequence('variants', preset.title, items, items[0]!.settings);
}

/** N: the chosen preset's next variant (the first after the last one, or when none was applied yet). */
export function nextVariant(): void {
  const { index, variant } = useView.getState().preset;
  const preset = PRESETS[index];
  if (!preset) return;
  applyVariant(index, (variant + 1) % preset.variants.length);
}
