import { HistoryPanel } from './HistoryPanel';
import { PresetsPanel } from './PresetsPanel';
import { RepeatPanel } from './RepeatPanel';
import { SweepPanel } from './SweepPanel';
import { usePanel } from '../classroom/viewStore';
import './runs.css';

/** Share, compare, repeat: the repeat and sweep runners, the run history with its compare chart, and the course presets. */
export function RunsSection() {
  const presets = usePanel('presets');
  return (
    <>
      <RepeatPanel />
      <SweepPanel />
      <HistoryPanel />
      {presets && <PresetsPanel />}
    </>
  );
}
