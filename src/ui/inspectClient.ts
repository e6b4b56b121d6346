/**
 * The UI side of inspection: tells the worker which panels are open (and so what to compute), asks
 * for cell examples and drawing predictions, and files the worker's inspection messages into the
 * inspect store. Messages reach it through the worker port's registry (workerPort.ts).
 */
import type { GradientNormPoint, HistogramSnapshot, InspectData, InspectWants } from '../core/inspect/types';
import {
  appendCapped,
  emptyRun,
  MAX_GRADIENT_POINTS,
  MAX_SNAPSHOTS,
  noteConfusionArrived,
  useInspect,
  wantsOf,
  type PanelId,
} from './inspectStore';
import { schedule } from './paintQueue';
import { useStore } from './store';
import { onWorkerMessage, sendToWorker } from './workerPort';

let sentWants = '';
/** A drawing prediction is in flight; the newest drawing waits here until it returns. */
let inFlight = false;
let queued: Uint8Array | null = null;

/** Sends the panels' wants when they changed (or always, with `force`). */
export function syncWants(force = false): void {
  const wants: InspectWants = wantsOf(useInspect.getState());
  const key = JSON.stringify(wants);
  if (!force && key === sentWants) return;
  sentWants = key;
  sendToWorker({ type: 'inspect', request: { kind: 'wants', wants } });
}

export function setPanelOpen(id: PanelId, open: boolean): void {
  const s = useInspect.getState();
  if (s.open[id] === open) return;
  useInspect.setState({ open: { ...s.open, [id]: open } });
  syncWants();
}

export function setAllPanels(open: boolean): void {
  const s = useInspect.getState();
  useInspect.setState({ open: Object.fromEntries(Object.keys(s.open).map((k) => [k, open])) as typeof s.open });
  syncWants();
}

/** The network view came into view (open and on screen) or left it. */
export function setNetworkLive(live: boolean): void {
  if (useInspect.getState().networkLive === live) return;
  useInspect.setState({ networkLive: live });
  syncWants();
}

export function selectCell(truth: number, predicted: number): void {
  useInspect.setState({ selectedCell: { truth, predicted }, cell: null });
  sendToWorker({ type: 'inspect', request: { kind: 'cell', runId: useStore.getState().runId, truth, predicted } });
}

export function clearCell(): void {
  useInspect.setState({ selectedCell: null, cell: null });
}

export function showFeatureMapsOf(source: { kind: 'test'; index: number } | { kind: 'drawn' }): void {
  const s = useInspect.getState();
  useInspect.setState({ featureSource: source, open: { ...s.open, featureMaps: true } });
  syncWants();
}

/** Asks the current model for the drawing's probabilities (28×28 MNIST-style bytes); null clears it. */
export function predictDrawing(pixels: Uint8Array | null): void {
  useInspect.setState({ drawn: pixels, ...(pixels ? {} : { prediction: null }) });
  if (!pixels) return;
  if (inFlight) {
    queued = pixels;
    return;
  }
  send(pixels);
}

function send(pixels: Uint8Array): void {
  inFlight = true;
  const requestId = useInspect.getState().drawRequest + 1;
  useInspect.setState({ drawRequest: requestId });
  // A copy goes (transferred); the store keeps its own for the preview.
  const copy = pixels.slice();
  sendToWorker({ type: 'inspect', request: { kind: 'predict', requestId, pixels: copy } }, [copy.buffer]);
  // If the worker never answers (e.g. it is restarted), do not block later drawings for long.
  setTimeout(() => {
    if (useInspect.getState().drawRequest === requestId) release();
  }, 3000);
}

function release(): void {
  inFlight = false;
  const next = queued;
  queued = null;
  if (next) send(next);
}

/**
 * Snapshots that redraw a panel (confusion matrix, mistakes, filters, feature maps, histograms) reach
 * the store through the paint queue, one panel per task: at an epoch's end they arrive together with
 * the evaluation, and drawing them all at once made the longest main-thread tasks. Only the newest
 * of a kind is drawn; histogram and gradient points accumulate until their panel's turn.
 */
let pendingHistograms: HistogramSnapshot[] = [];
let pendingGradients: { layers: readonly string[]; points: GradientNormPoint[] } | null = null;

function later(key: string, apply: () => void): void {
  const runId = useStore.getState().runId;
  schedule(`inspect-${key}`, () => {
    // A job queued for a run that has since been replaced draws nothing.
    if (useStore.getState().runId === runId) apply();
  });
}

/** Files one inspection message (already checked to belong to the current run). */
function receiveInspect(data: InspectData): void {
  const s = useInspect.getState();
  switch (data.kind) {
    case 'anatomy':
      useInspect.setState({ anatomy: data.anatomy, classNames: data.classNames });
      return;
    case 'confusion':
      noteConfusionArrived(useStore.getState().runId, data.report);
      later('confusion', () => {
        useInspect.setState({ confusion: data.report });
        // Keep an open cell in step with the new epoch.
        const selected = useInspect.getState().selectedCell;
        if (selected) selectCell(selected.truth, selected.predicted);
      });
      return;
    case 'cell':
      if (s.selectedCell?.truth === data.cell.truth && s.selectedCell.predicted === data.cell.predicted)
        useInspect.setState({ cell: data.cell });
      return;
    case 'misclassified':
      later('misclassified', () => useInspect.setState({ misclassified: data.report }));
      return;
    case 'filters':
      later('filters', () => useInspect.setState({ filters: data.snapshot }));
      return;
    case 'histograms':
      pendingHistograms.push(data.snapshot);
      later('histograms', () => {
        const fresh = pendingHistograms;
        pendingHistograms = [];
        useInspect.setState((st) => ({ histograms: appendCapped(st.histograms, fresh, MAX_SNAPSHOTS) }));
      });
      return;
    case 'gradients': {
      pendingGradients =
        pendingGradients && pendingGradients.layers.join() === data.layers.join()
          ? { layers: data.layers, points: [...pendingGradients.points, ...data.points] }
          : { layers: data.layers, points: [...data.points] };
      later('gradients', () => {
        const fresh = pendingGradients;
        pendingGradients = null;
        if (!fresh) return;
        useInspect.setState((st) => {
          const points = st.gradients.layers.join() === fresh.layers.join() ? st.gradients.points : [];
          return { gradients: { layers: fresh.layers, points: appendCapped(points, fresh.points, MAX_GRADIENT_POINTS) } };
        });
      });
      return;
    }
    case 'feature-maps':
      later('feature-maps', () => useInspect.setState({ featureMaps: data.maps, featureMessage: null }));
      return;
    case 'feature-maps-unavailable':
      later('feature-maps', () => useInspect.setState({ featureMaps: null, featureMessage: data.message }));
      return;
    case 'prediction':
      if (data.prediction.requestId === s.drawRequest) {
        if (s.drawn) useInspect.setState({ prediction: data.prediction });
        if (inFlight) release();
      }
      return;
    default: {
      const unknown: never = data;
      console.warn('unknown inspection message', unknown);
    }
  }
}

onWorkerMessage('inspect', (message) => receiveInspect(message.data));

// A new run: drop the old run's pictures, and tell the (possibly new) worker what is open before the
// run's start message goes out (this subscriber runs inside startTraining's setState, before its send).
useStore.subscribe((state, previous) => {
  if (state.runId === previous.runId) return;
  pendingHistograms = [];
  pendingGradients = null;
  useInspect.setState(emptyRun());
  syncWants(true);
});
