/**
 * The dataset list at start-up, and what Retry does after a data failure: fetch the list again
 * (the server may have been prepared since), and train again when a run failed on its data.
 */
import { fetchManifest } from '../shared/manifest';
import { useStore } from './store';
import { startTraining } from './workerClient';
import { errorText } from '../core/errorText';

/** Fetches data/manifest.json into the store; a failure becomes the error banner, with Retry. */
export async function loadManifest(): Promise<void> {
  try {
    const manifest = await fetchManifest();
    useStore.setState((s) => ({ manifest, error: s.error?.kind === 'manifest' ? null : s.error }));
  } catch (error) {
    // A run's own error says more (it names the file it was loading): keep that one.
    if (useStore.getState().error?.kind === 'data') return;
    useStore.setState({ error: { kind: 'manifest', message: errorText(error) } });
  }
}

/** Retry after a data failure: the dataset list again, and the failed run again (with the settings on screen). */
export function retryData(): void {
  const { error, runState } = useStore.getState();
  useStore.setState({ error: null });
  void loadManifest();
  if (error?.kind === 'data' && runState === 'error') startTraining();
}
