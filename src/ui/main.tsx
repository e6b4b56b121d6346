import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadManifest } from './dataRetry';
import { useStore } from './store';
import { readSettingsFromUrl, syncUrlWithSettings } from './url';
import { startRunRecorder } from './runs/runsStore';
import { initBackend, startTraining } from './workerClient';
import { installScrollCues } from './classroom/scrollCues';
import { installShortcuts } from './classroom/shortcuts';
import { mirrorViewOnDocument } from './classroom/viewStore';
import { startPwa } from './pwa';
import { warmUpCanvasAtIdle } from './canvas';
import { startRace } from './race/raceClient';
import { proposeRace, takeRaceFromAddress } from './race/raceUrl';
import './styles.css';
// After styles.css: the classroom views override its rules.
import './classroom/classroom.css';

const raceSpec = takeRaceFromAddress();
const autostart = readSettingsFromUrl();
const racePlan = raceSpec === null ? null : proposeRace(raceSpec);
syncUrlWithSettings();
mirrorViewOnDocument();
installShortcuts();
installScrollCues();
initBackend(useStore.getState().settings.backend);
startRunRecorder();
// Lecture demos: `?…&autostart=1` starts training as soon as the page opens (the worker queues it).
// With `race=…`, autostart starts the race instead.
if (autostart && racePlan) startRace(racePlan);
else if (autostart) startTraining();
void loadManifest();
startPwaAfterBackend();
warmUpCanvasAtIdle();

/**
 * The service worker registers once the backend is chosen (or after 10 s). Its first install fetches and
 * stores every file of the app, and while it did, the backend probe on a 2-core machine rated WASM ×2
 * threads at ~860 ex/s instead of ~3,300 and kept one thread (2 of 3 first visits; with no service worker,
 * 3 of 3 picked two threads). Isolation from the worker's headers needs a reload anyway, so the first
 * probe runs as before.
 */
function startPwaAfterBackend(): void {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    unsubscribe();
    clearTimeout(timer);
    startPwa();
  };
  const unsubscribe = useStore.subscribe((s) => {
    if (s.backend !== null) start();
  });
  const timer = setTimeout(start, 10_000);
  if (useStore.getState().backend !== null) start();
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
