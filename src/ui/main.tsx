import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { fetchManifest } from '../shared/manifest';
import { App } from './App';
import { useStore } from './store';
import { readSettingsFromUrl, syncUrlWithSettings } from './url';
import { startRunRecorder } from './runs/runsStore';
import { initBackend, startTraining } from './workerClient';
import './styles.css';

const autostart = readSettingsFromUrl();
syncUrlWithSettings();
initBackend(useStore.getState().settings.backend);
startRunRecorder();
// Lecture demos: `?…&autostart=1` starts training as soon as the page opens (the worker queues it).
if (autostart) startTraining();
fetchManifest().then(
  (manifest) => useStore.setState({ manifest }),
  (error: unknown) => useStore.setState({ error: { kind: 'data', message: error instanceof Error ? error.message : String(error) } }),
);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
