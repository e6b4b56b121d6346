import { useEffect, type ReactNode } from 'react';
import { useInspect, type PanelId } from '../inspectStore';
import { setAllPanels, setPanelOpen, syncWants } from '../inspectClient';
import { ConfusionPanel } from './ConfusionPanel';
import { DrawPad } from './DrawPad';
import { FeatureMaps } from './FeatureMaps';
import { FilterGrid } from './FilterGrid';
import { Histograms } from './Histograms';
import './inspect.css';
import { Misclassified } from './Misclassified';

/**
 * "Inside the network": collapsible panels whose data the worker computes only while they are
 * open (closing one tells the worker to stop), so a run with everything closed pays nothing.
 */
export function InsidePanels() {
  const open = useInspect((s) => s.open);
  useEffect(() => syncWants(true), []);
  const all = Object.values(open).every(Boolean);
  return (
    <section className="panel inside" aria-labelledby="inside-title">
      <div className="inside-head">
        <h2 id="inside-title">Inside the network</h2>
        <button type="button" data-testid="panels-toggle-all" onClick={() => setAllPanels(!all)}>
          {all ? 'Close all' : 'Open all'}
        </button>
      </div>
      <div className="inside-grid">
        <Panel id="confusion" title="Confusion matrix (test set)" wide>
          <ConfusionPanel />
        </Panel>
        <Panel id="drawing" title="Draw a digit">
          <DrawPad />
        </Panel>
        <Panel id="filters" title="First-layer filters">
          <FilterGrid />
        </Panel>
        <Panel id="featureMaps" title="Feature maps">
          <FeatureMaps />
        </Panel>
        <Panel id="histograms" title="Signals through depth: histograms and gradients" wide>
          <Histograms />
        </Panel>
        <Panel id="misclassified" title="Misclassified test images" wide>
          <Misclassified />
        </Panel>
      </div>
    </section>
  );
}

function Panel({ id, title, wide = false, children }: { id: PanelId; title: string; wide?: boolean; children: ReactNode }) {
  const isOpen = useInspect((s) => s.open[id]);
  return (
    <details
      className={`inspect-panel${wide ? ' wide' : ''}`}
      open={isOpen}
      onToggle={(e) => setPanelOpen(id, e.currentTarget.open)}
      data-testid={`panel-${id}`}
    >
      <summary data-testid={`panel-toggle-${id}`}>{title}</summary>
      {/* Closed panels render nothing (and the worker computes nothing for them). */}
      {isOpen && <div className="inspect-body">{children}</div>}
    </details>
  );
}
