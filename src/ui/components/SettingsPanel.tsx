import { useEffect, useId, useState } from 'react';
import {
  coerce,
  inapplicableReason,
  SETTING_NAMES,
  SETTINGS,
  type EnumSpec,
  type NumberSpec,
  type SettingGroup,
  type SettingName,
  type Settings,
} from '../../core/settings';
import { useStore } from '../store';
import { initBackend } from '../workerClient';
import { useDatasetAvailability } from './useDatasetAvailability';

const GROUPS: { id: SettingGroup; title: string }[] = [
  { id: 'data', title: 'Data' },
  { id: 'model', title: 'Model' },
  { id: 'training', title: 'Training' },
  { id: 'system', title: 'Compute' },
];

function setSetting(name: SettingName, value: Settings[SettingName]): void {
  useStore.setState((s) => ({ settings: { ...s.settings, [name]: value } }));
  if (name === 'backend') initBackend(value as Settings['backend']);
}

/** Every control is generated from the settings schema; nothing here knows a particular knob. */
export function SettingsPanel() {
  const settings = useStore((s) => s.settings);
  const runState = useStore((s) => s.runState);
  const locked = runState === 'loading' || runState === 'training' || runState === 'paused';
  return (
    <section className="panel settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Experiment</h2>
      {locked && <p className="hint">Settings are locked while a run is active; they apply to the next run.</p>}
      {GROUPS.map((group) => (
        <fieldset key={group.id} disabled={locked}>
          <legend>{group.title}</legend>
          {SETTING_NAMES.filter((n) => SETTINGS[n].group === group.id).map((name) => (
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
  const reason = inapplicableReason(name, settings);
  return (
    <div className={`setting${reason ? ' inapplicable' : ''}`}>
      <label htmlFor={id}>{spec.label}</label>
      {spec.kind === 'number' ? (
        <NumberInput id={id} name={name} spec={spec} value={settings[name] as number} disabled={reason !== null} />
      ) : spec.kind === 'enum' ? (
        <EnumSelect id={id} name={name} spec={spec} value={settings[name] as string} />
      ) : null}
      <p className="help">{reason ?? spec.help}</p>
    </div>
  );
}

function NumberInput({ id, name, spec, value, disabled }: { id: string; name: SettingName; spec: NumberSpec; value: number; disabled: boolean }) {
  const [draft, setDraft] = useState(String(value));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setDraft(String(value));
    setProblem(null);
  }, [value]);
  return (
    <>
      <input
        id={id}
        data-testid={`setting-${spec.key}`}
        type="number"
        inputMode="decimal"
        min={spec.min}
        max={spec.max}
        step={spec.scale === 'log' || !spec.integer ? 'any' : (spec.step ?? 1)}
        value={draft}
        disabled={disabled}
        aria-invalid={problem !== null}
        aria-describedby={problem ? `${id}-err` : undefined}
        onChange={(e) => {
          const text = e.target.value;
          setDraft(text);
          const result = coerce(spec, text);
          if (result.ok) {
            setProblem(null);
            if (result.value !== value) setSetting(name, result.value as number);
          } else setProblem(result.reason);
        }}
        onBlur={() => {
          setDraft(String(value));
          setProblem(null);
        }}
      />
      {problem && (
        <p className="field-error" id={`${id}-err`} role="alert">
          {problem}
        </p>
      )}
    </>
  );
}

function EnumSelect({ id, name, spec, value }: { id: string; name: SettingName; spec: EnumSpec; value: string }) {
  const availability = useDatasetAvailability();
  return (
    <select id={id} data-testid={`setting-${spec.key}`} value={value} onChange={(e) => setSetting(name, e.target.value as Settings[SettingName])}>
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
