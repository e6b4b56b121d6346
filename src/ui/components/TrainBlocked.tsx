import { DATASETS } from '../../core/settings';
import { datasetName } from '../../core/settingsText';
import { isRunActive, useStore } from '../store';
import { loadCifarFiles } from '../workerClient';
import { DropZone } from './DropZone';
import { useDatasetAvailability } from './useDatasetAvailability';

/**
 * Next to a disabled Train button: why it is disabled (the chosen dataset is not on this server, e.g.
 * a shared CIFAR-10 link) and what to do — pick the CIFAR-10 files right here, or switch to a dataset
 * that is available. Not only a tooltip.
 */
export function TrainBlocked() {
  const dataset = useStore((s) => s.settings.dataset);
  const runState = useStore((s) => s.runState);
  const cifarStatus = useStore((s) => s.cifarStatus);
  const availability = useDatasetAvailability();
  const reason = availability[dataset];
  if (reason === null || isRunActive(runState)) return null;
  const alternative = DATASETS.find((d) => d !== dataset && availability[d] === null);
  return (
    <div className="train-blocked" role="status" data-testid="train-blocked" data-dataset={dataset}>
      <p>
        <b>Train is disabled: {datasetName(dataset)} is not available.</b> {reason}
      </p>
      <div className="actions">
        {dataset === 'cifar10' && (
          <DropZone
            onFiles={(files) => void loadCifarFiles(files)}
            accept=".gz,.tgz,.tar,.bin,.txt"
            buttonLabel="Choose cifar-10-binary.tar.gz…"
            testId="train-blocked-cifar-files"
            disabled={cifarStatus.busy}
            after={
              <>
                {cifarStatus.busy && <span role="status"> Reading…</span>}
                {cifarStatus.error && <span className="field-error"> {cifarStatus.error}</span>}
              </>
            }
          />
        )}
        {alternative && (
          <button
            type="button"
            data-testid="train-blocked-switch"
            onClick={() => useStore.setState((s) => ({ settings: { ...s.settings, dataset: alternative } }))}
          >
            Use {datasetName(alternative)} instead
          </button>
        )}
      </div>
    </div>
  );
}
