import { parseSettings, SETTINGS, type DatasetId } from '../../core/settings';
import { downloadModel, loadModel, useModelFiles } from '../modelFiles';
import { isRunActive, useStore } from '../store';
import { DropZone } from './DropZone';

const label = (id: DatasetId) => SETTINGS.dataset.options.find((o) => o.value === id)?.label ?? id;

/**
 * Download the current model (TensorFlow.js layers format: model.json + weights .bin) and load one:
 * file picker or drop zone; the loaded model's test accuracy, or why its files could not be read.
 */
export function ModelFilesPanel() {
  const runState = useStore((s) => s.runState);
  const runId = useStore((s) => s.runId);
  const hasModel = useStore((s) => s.model !== null);
  const chosenDataset = useStore((s) => s.settings.dataset);
  const busy = useModelFiles((s) => s.busy);
  const loaded = useModelFiles((s) => s.loaded);
  const error = useModelFiles((s) => s.error);
  const current = loaded?.runId === runId ? loaded : null;
  const running = isRunActive(runState);
  const canSave = busy === null && (current !== null || (hasModel && (runState === 'paused' || runState === 'done')));
  const canLoad = busy === null && !running;
  const saveHint = canSave
    ? 'Saves model.json and its weights (.bin), in the TensorFlow.js layers format.'
    : runState === 'training'
      ? 'Pause the run (or let it finish) to download its model.'
      : 'Train a model (or load one) to download it.';
  const onFiles = (files: File[]) => void loadModel(files);
  return (
    <section className="panel model-files" aria-labelledby="model-files-title">
      <h2 id="model-files-title">Save and load the model</h2>
      <p className="buttons">
        <button type="button" data-testid="download-model" onClick={downloadModel} disabled={!canSave} title={saveHint}>
          Download model
        </button>
        {busy === 'save' && <span role="status">Saving…</span>}
      </p>
      <p className="hint">{saveHint}</p>
      <DropZone
        onFiles={onFiles}
        accept=".json,.bin,application/json,application/octet-stream"
        buttonLabel="Load model…"
        testId="model-files"
        disabled={!canLoad}
        after={
          <>
            {busy === 'load' && <span role="status"> Loading and scoring…</span>}
            {running && <p className="hint">Stop the run (or let it finish) to load a model.</p>}
          </>
        }
      >
        <p>Drop a model.json and its weights file here, or choose both. It is scored on the {label(chosenDataset)} test set.</p>
      </DropZone>
      {current && <LoadedLine info={current} />}
      {error && (
        <p className="field-error" role="alert" data-testid="model-error">
          {error}
        </p>
      )}
    </section>
  );
}

function LoadedLine({ info }: { info: NonNullable<ReturnType<typeof useModelFiles.getState>['loaded']> }) {
  const settings = info.settings;
  return (
    <div data-testid="model-status" data-accuracy={info.test.accuracy} data-loss={info.test.loss}>
      <p>
        Loaded model <b>{info.fileName}</b> — test accuracy <b>{(info.test.accuracy * 100).toFixed(2)}%</b> (loss{' '}
        {info.test.loss.toFixed(4)}) on {label(info.dataset)}
        {info.epochs !== null ? `, after ${info.epochs} epoch${info.epochs === 1 ? '' : 's'} of training` : ''}.
      </p>
      {info.notes.map((note) => (
        <p className="hint" key={note}>
          {note}
        </p>
      ))}
      {settings !== null && settings !== '' && (
        <p>
          <button
            type="button"
            data-testid="use-model-settings"
            onClick={() => useStore.setState({ settings: parseSettings(settings).settings })}
          >
            Use its settings
          </button>{' '}
          <span className="hint">to train it again from scratch.</span>
        </p>
      )}
    </div>
  );
}
