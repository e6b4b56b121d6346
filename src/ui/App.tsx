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

function BackendBadge() {
  const backend = useStore((s) => s.backend);
  return (
    <p className="backend" title={backend?.renderer ? `Renderer: ${backend.renderer}` : undefined}>
      Backend:{' '}
      <b data-testid="backend" data-value={backend?.name ?? ''}>
        {backend?.name ?? 'starting…'}
      </b>
      {backend && <span className="backend-reason"> — {backend.reason}</span>}
    </p>
  );
}

function NoisePanel() {
  const report = useStore((s) => s.labelNoise);
  const classNames = useStore((s) => s.dataset?.classNames);
  return <NoiseMatrix report={report} classNames={classNames} />;
}

export function App() {
  return (
    <div className="app">
      <header>
        <h1>CNN Playground</h1>
        <BackendBadge />
        <ShareBar />
      </header>
      <Notices />
      <main>
        <aside>
          <SettingsPanel />
        </aside>
        <div className="content">
          <RunPanel />
          <Charts />
          <div className="two-col">
            <ModelTable />
            <ModelFilesPanel />
            <DatasetPanel />
            <NoisePanel />
          </div>
          <InsidePanels />
          <RunsSection />
        </div>
      </main>
    </div>
  );
}
