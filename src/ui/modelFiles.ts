/**
 * Save and load a trained model, the UI side: asks the worker for the current model's files and
 * downloads them; reads the files the user chose and hands them to the worker, and once the model has
 * loaded makes it the current run (curves cleared, panels on it). Its own small store, so the main UI
 * store stays as it is; the worker's messages reach it through the worker port's registry (workerPort.ts).
 */
import { create } from 'zustand';
import type { FromWorker, LoadedModelInfo, UploadedFile } from '../shared/protocol';
import { freshRun, useStore } from './store';
import { nextRunId, onWorkerMessage, sendToWorker } from './workerPort';
import { downloadFile } from './download';

export interface ModelFilesState {
  /** A save or load in progress. */
  busy: 'save' | 'load' | null;
  /** The last loaded model and the run id it became (it is current while that is the store's run id). */
  loaded: (LoadedModelInfo & { readonly runId: number }) | null;
  /** Why the last save or load failed, phrased for the user; null after a success. */
  error: string | null;
}

export const useModelFiles = create<ModelFilesState>()(() => ({ busy: null, loaded: null, error: null }));

/** The load whose answer is awaited; an older one's late answer is ignored. */
let pendingLoad = 0;

/** Asks the worker for the current model as model.json + weights; they download when they come. */
export function downloadModel(): void {
  useModelFiles.setState({ busy: 'save', error: null });
  sendToWorker({ type: 'save-model' });
}

/** Reads the chosen files (model.json and its weights) and has the worker load and score the model on the chosen dataset. */
export async function loadModel(files: readonly File[]): Promise<void> {
  useModelFiles.setState({ busy: 'load', error: null });
  let uploaded: UploadedFile[];
  try {
    uploaded = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
  } catch (error) {
    useModelFiles.setState({ busy: null, error: `Could not read the files (${String(error)}). Choose them again.` });
    return;
  }
  const { settings } = useStore.getState();
  // Reserved now, adopted when the model has loaded: a Train click in between gets a later id.
  const loadId = nextRunId();
  pendingLoad = loadId;
  sendToWorker(
    { type: 'load-model', loadId, files: uploaded, dataset: settings.dataset, backend: settings.backend },
    uploaded.map((u) => u.bytes),
  );
}

/** Files the worker's model messages. */
function receiveModelFiles(message: Extract<FromWorker, { type: 'model-saved' | 'model-loaded' | 'model-error' }>): void {
  switch (message.type) {
    case 'model-saved':
      for (const file of message.files)
        downloadFile(file.name, file.bytes, file.name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
      useModelFiles.setState({ busy: null, error: null });
      return;
    case 'model-loaded': {
      const { runId, settings } = useStore.getState();
      // A newer run or load started meanwhile: it owns the screen.
      if (message.loadId !== pendingLoad || runId >= message.loadId) return;
      useStore.setState({
        ...freshRun(message.loadId, settings),
        runSettings: null,
        runState: 'idle',
        statusMessage: `Loaded model ${message.info.fileName}`,
      });
      useModelFiles.setState({ busy: null, error: null, loaded: { ...message.info, runId: message.loadId } });
      return;
    }
    case 'model-error':
      useModelFiles.setState({ busy: null, error: message.message });
      return;
    default: {
      const unknown: never = message;
      console.warn('unknown model message', unknown);
    }
  }
}

onWorkerMessage('model-saved', receiveModelFiles);
onWorkerMessage('model-loaded', receiveModelFiles);
onWorkerMessage('model-error', receiveModelFiles);

// A worker that crashed or was restarted will not answer a save or load in flight.
useStore.subscribe((state, previous) => {
  const lost =
    (state.error?.kind === 'worker' && previous.error?.kind !== 'worker') || (state.backend === null && previous.backend !== null);
  const { busy } = useModelFiles.getState();
  if (lost && busy)
    useModelFiles.setState({
      busy: null,
      error: `The worker stopped before the model was ${busy === 'save' ? 'saved' : 'loaded'}; try again.`,
    });
});
