import { BackendBadge } from './components/BackendBadge';
import { Charts } from './components/Charts';
import { DatasetPanel } from './components/DatasetPanel';
import { InsidePanels } from './components/InsidePanels';
import { ModelFilesPanel } from './components/ModelFilesPanel';
import { ModelTable } from './components/ModelTable';
import { NoiseMatrix } from './components/NoiseMatrix';
import { Notices } from './components/Notices';
import { RunPanel } from './components/RunPanel';
import { SettingsPanel } from './components/SettingsPanel';
import { RunsSection } from './runs/RunsSection';
import { ShareBar } from './runs/ShareBar';
import { useStore } from './store';
import {
  DrawerToggle,
  EmbedLink,
  PresetBar,
  PresetNoteAlone,
  ShortcutsOverlay,
  SkipLink,
  useChartsFill,
  ViewToggles,
} from './classroom/ClassroomParts';
import { settingsPanelShown } from './classroom/flags';
import { usePanel, useView } from './classroom/viewStore';
import { ChartExportFrame } from './components/ChartExport';
import { NetworkView } from './components/NetworkView';
import { OfflineStatus } from './components/OfflineStatus';
import { RacePanel } from './race/RacePanel';

function NoisePanel() {
  const report = useStore((s) => s.labelNoise);
  const classNames = useStore((s) => s.dataset?.classNames);
  return <NoiseMatrix report={report} classNames={classNames} />;
}

export function App() {
  // Classroom links hide panels (`hide=…`, `controls=0`); presentation and embed views show the settings only when the link chose some.
  const settingsShown = useView((st) => settingsPanelShown(st.view));
  const drawerOpen = useView((st) => st.drawerOpen);
  // Recharts measures its tick labels once: a view with another type size gets freshly laid-out charts.
  const chartsKey = useView((st) => (st.view.present ? 'present' : 'normal'));
  const shown = {
    share: usePanel('share'),
    presets: usePanel('presets'),
    charts: usePanel('charts'),
    model: usePanel('model'),
    files: usePanel('files'),
    dataset: usePanel('dataset'),
    noise: usePanel('noise-matrix'),
    inside: usePanel('inside'),
    runs: usePanel('runs'),
    race: usePanel('race'),
    network: usePanel('network'),
  };
  useChartsFill();
  return (
    <div className="app">
      <SkipLink />
      <header>
        <h1>CNN Playground</h1>
        <BackendBadge />
        {shown.share && <ShareBar />}
        <ViewToggles />
        <OfflineStatus />
      </header>
      <EmbedLink />
      <Notices />
      <main>
        {settingsShown && (
          <aside className={drawerOpen ? 'drawer-open' : undefined}>
            <DrawerToggle />
            <SettingsPanel />
          </aside>
        )}
        <div className="content">
          <RunPanel />
          {shown.presets ? <PresetBar /> : <PresetNoteAlone />}
          {shown.charts && (
            <ChartExportFrame>
              <Charts key={chartsKey} />
            </ChartExportFrame>
          )}
          {shown.race && <RacePanel />}
          {shown.network && <NetworkView />}
          <div className="two-col">
            {shown.model && <ModelTable />}
            {shown.files && <ModelFilesPanel />}
            {shown.dataset && <DatasetPanel />}
            {shown.noise && <NoisePanel />}
          </div>
          {shown.inside && <InsidePanels />}
          {shown.runs && <RunsSection />}
        </div>
      </main>
      <ShortcutsOverlay />
    </div>
  );
}
