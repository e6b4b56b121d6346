/**
 * Settings as people read them: a choice by its label ("MNIST digits", not "mnist"), a switch as
 * on/off, a number as typed; and what changed between two settings objects. Pure, no UI.
 */
import { formatSettingNumber } from './numberInput';
import { differingSettings } from './runRecord';
import { SETTINGS, type SettingName, type Settings } from './settings';

/** One setting's value for display. */
export function formatSettingValue<K extends SettingName>(name: K, value: Settings[K]): string {
  const spec = SETTINGS[name];
  switch (spec.kind) {
    case 'enum':
      return spec.options.find((o) => o.value === value)?.label ?? String(value);
    case 'boolean':
      return value ? 'on' : 'off';
    case 'number':
      return formatSettingNumber(value as number);
  }
}

/** A dataset's human name. */
export const datasetName = (id: Settings['dataset']) => formatSettingValue('dataset', id);

export interface SettingChange {
  readonly name: SettingName;
  readonly label: string;
  readonly from: string;
  readonly to: string;
}

/** Settings whose value differs between `from` and `to`, in schema order, as "label: from → to". */
export function settingChanges(from: Settings, to: Settings): SettingChange[] {
  return differingSettings([from, to]).map((n) => ({
    name: n,
    label: SETTINGS[n].label,
    from: formatSettingValue(n, from[n]),
    to: formatSettingValue(n, to[n]),
  }));
}
