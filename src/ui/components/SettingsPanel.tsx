import { useId, useState } from 'react';
import { valueNote } from '../../core/valueNote';
import {
  inapplicableReason,
  SETTING_NAMES,
  SETTINGS,
  type BooleanSpec,
  type EnumSpec,
  type SettingGroup,
  type SettingName,
  type Settings,
} from '../../core/settings';
import { useRunActive, useStore } from '../store';
import { controlShown, settingLocked } from '../classroom/flags';
import { useView } from '../classroom/viewStore';
import { initBackend } from '../workerClient';
import { NumberField } from './NumberField';
import { useTrainCount } from './useTrainCount';
import { useDatasetAvailability } from './useDatasetAvailability';
import { LearningRateHint } from './LearningRateHint';

const GROUPS: { id: SettingGroup; title: string }[] = [
  { id: 'data', title: 'Data' },
  { id: 'model', title: 'Model' },
  { id: 'training', title: 'Training' },
  { id: 'regularization', title: 'Regularisation' },
  { id: 'system', title: 'Compute' },
];

/**
 * Whether a control is shown: advanced knobs only with "Show advanced settings", detail knobs (a
 * parameter of another choice) only while they apply. A knob with a non-default value is always
 * shown, so nothing the URL set is invisible; if it does not apply it is disabled with the reason.
 */
function isVisible(name: SettingName, settings: Settings, showAdvanced: boolean): boolean {
  const spec = SETTINGS[name];
  if (settings[name] !== spec.default) return true;
  if (spec.advanced && !showAdvanced) return false;
  if (spec.detail && inapplicableReason(name, settings) !== null) return false;
  return true;
}

function setSetting(name: SettingName, value: Settings[SettingName]): void {
  useStore.setState((s) => ({ settings: { ...s.settings, [name]: value } }));
  if (name === 'backend') initBackend(value as Settings['backend']);
}

/** Every control is generated from the settings schema; nothing here knows a particular knob. */
export function SettingsPanel() {
  const settings = useStore((s) => s.settings);
  const locked = useRunActive();
  const [showAdvanced, setShowAdvanced] = useState(false);
  // A classroom link may show only some controls (`controls=lr,opt`) or hide some (`hide=seed`).
  const view = useView((s) => s.view);
  const chosen = Array.isArray(view.controls);
  const shown = (n: SettingName) => controlShown(view, n) && (chosen || isVisible(n, settings, showAdvanced));
  return (
    <section className="panel settings" aria-labelledby="settings-title" id="settings-panel">
      <h2 id="settings-title">Experiment</h2>
      {locked && (
        <p className="hint settings-locked" data-testid="settings-locked">
          Locked while a run is active: stop it to change settings for the next run.
        </p>
      )}
      {!chosen && (
        <label className="advanced-toggle">
          <input type="checkbox" data-testid="show-advanced" checked={showAdvanced} onChange={(e) => setShowAdvanced(e.target.checked)} />{' '}
          Show advanced settings
        </label>
      )}
      {GROUPS.filter((group) => SETTING_NAMES.some((n) => SETTINGS[n].group === group.id && shown(n))).map((group) => (
        <fieldset key={group.id} disabled={locked}>
          <legend>{group.title}</legend>
          {SETTING_NAMES.filter((n) => SETTINGS[n].group === group.id && shown(n)).map((name) => (
            <SettingControl key={name} name={name} settings={settings} />
          ))}
        </fieldset>
      ))}
    </section>
  );
}

function SettingControl({ name, settings }: { name: SettingName; settings: Settings }) {
  const spec = SETTINGS[name];
  const id = useId();
  const trainCount = useTrainCount();
  const pinned = useView((s) => settingLocked(s.view, name));
  // A setting the classroom link locks reads like an inapplicable one, with its own reason.
  const reason = pinned ? 'Locked by this link: the exercise keeps it at this value.' : inapplicableReason(name, settings);
  const helpId = `${id}-help`;
  if (spec.kind === 'boolean') {
    return (
      <div className={`setting setting-boolean${reason ? ' inapplicable' : ''}`}>
        <Checkbox id={id} name={name} spec={spec} value={settings[name] as boolean} disabled={reason !== null} describedBy={helpId} />
        <label htmlFor={id}>{spec.label}</label>
        <p className="help" id={helpId}>
          {reason ?? spec.help}
        </p>
      </div>
    );
  }
  return (
    <div className={`setting${reason ? ' inapplicable' : ''}`}>
      <label htmlFor={id}>{spec.label}</label>
      {spec.kind === 'number' ? (
        <NumberField
          id={id}
          spec={spec}
          value={settings[name] as number}
          disabled={reason !== null}
          note={valueNote(name, settings, trainCount)}
          describedBy={helpId}
          onCommit={(v) => setSetting(name, v)}
        />
      ) : (
        <EnumSelect id={id} name={name} spec={spec} value={settings[name] as string} disabled={reason !== null} describedBy={helpId} />
      )}
      <p className="help" id={helpId}>
        {reason ?? spec.help}
      </p>
      {name === 'learningRate' && <LearningRateHint />}
    </div>
  );
}

function Checkbox({
  id,
  name,
  spec,
  value,
  disabled,
  describedBy,
}: {
  id: string;
  name: SettingName;
  spec: BooleanSpec;
  value: boolean;
  disabled: boolean;
  describedBy: string;
}) {
  return (
    <input
      id={id}
      type="checkbox"
      data-testid={`setting-${spec.key}`}
      checked={value}
      disabled={disabled}
      aria-describedby={describedBy}
      onChange={(e) => setSetting(name, e.target.checked)}
    />
  );
}

function EnumSelect({
  id,
  name,
  spec,
  value,
  disabled,
  describedBy,
}: {
  id: string;
  name: SettingName;
  spec: EnumSpec;
  value: string;
  disabled: boolean;
  describedBy: string;
}) {
  const availability = useDatasetAvailability();
  return (
    <select
      id={id}
      data-testid={`setting-${spec.key}`}
      value={value}
      disabled={disabled}
      aria-describedby={describedBy}
      onChange={(e) => setSetting(name, e.target.value as Settings[SettingName])}
    >
      {spec.options.map((o) => {
        const unavailable = name === 'dataset' ? availability[o.value as Settings['dataset']] : null;
        return (
          <option key={o.value} value={o.value} disabled={unavailable !== null && o.value !== value} title={unavailable ?? undefined}>
            {o.label}
            {unavailable ? ' (not available)' : ''}
          </option>
        );
      })}
    </select>
  );
}
