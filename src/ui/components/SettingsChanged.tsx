import { useMemo } from 'react';
import { settingChanges } from '../../core/settingsText';
import { useStore } from '../store';

/**
 * Over the charts, when the settings in the form are no longer those of the run on screen: says so
 * and lists what differs ("Learning rate: 0.01 → 0.1"), so the curves are never read as the new settings'.
 */
export function SettingsChanged() {
  const runSettings = useStore((s) => s.runSettings);
  const settings = useStore((s) => s.settings);
  const changes = useMemo(() => (runSettings ? settingChanges(runSettings, settings) : []), [runSettings, settings]);
  if (changes.length === 0) return null;
  const shown = changes.slice(0, 6);
  return (
    <div className="settings-changed" role="status" data-testid="settings-changed" data-keys={changes.map((c) => c.name).join(',')}>
      <b>Settings changed since this run</b> — these curves are from the run's settings; Train uses the new ones:
      <ul>
        {shown.map((c) => (
          <li key={c.name}>
            {c.label}: {c.from} → {c.to}
          </li>
        ))}
        {changes.length > shown.length && <li>and {changes.length - shown.length} more</li>}
      </ul>
    </div>
  );
}
