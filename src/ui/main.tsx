import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { fetchManifest } from '../shared/manifest';
import { App } from './App';
import { useStore } from './store';
import { readSettingsFromUrl, syncUrlWithSettings } from './url';
import { initBackend } from './workerClient';
import './styles.css';

readSettingsFromUrl();
syncUrlWithSettings();
initBackend(useStore.getState().settings.backend);
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
