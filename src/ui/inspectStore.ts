/**
 * State of the "inside the network" panels (zustand), apart from the run store: which panels are
 * open (that is what the worker is told to compute) and the latest data of each. Reset per run.
 */
import { create } from 'zustand';
import type {
  Anatomy,
  CellExamples,
  ConfusionReport,
  FeatureMaps,
  FeatureSource,
  FilterSnapshot,
  GradientNormPoint,
  HistogramSnapshot,
  InspectWants,
  MisclassifiedReport,
  Prediction,
} from '../core/inspect/types';

export const PANELS = ['confusion', 'misclassified', 'filters', 'featureMaps', 'histograms', 'drawing'] as const;
export type PanelId = (typeof PANELS)[number];

/** Histogram snapshots kept per run; older ones are thinned (every other dropped) beyond this. */
export const MAX_SNAPSHOTS = 240;
export const MAX_GRADIENT_POINTS = 600;

export interface InspectState {
  open: Record<PanelId, boolean>;
  anatomy: Anatomy | null;
  classNames: readonly string[] | null;
  confusion: ConfusionReport | null;
  selectedCell: { readonly truth: number; readonly predicted: number } | null;
  cell: CellExamples | null;
  misclassified: MisclassifiedReport | null;
  filters: FilterSnapshot | null;
  histograms: HistogramSnapshot[];
  gradients: { layers: readonly string[]; points: GradientNormPoint[] };
  featureSource: FeatureSource;
  featureMaps: FeatureMaps | null;
  featureMessage: string | null;
  /** The drawing as the network gets it (28×28 MNIST-style), null when the pad is empty. */
  drawn: Uint8Array | null;
  drawRequest: number;
  prediction: Prediction | null;
  /** The network view (outside the panels above) is expanded. */
  networkOpen: boolean;
  /** The network view is open and on screen: its thumbnails want filters, feature maps and health. */
  networkLive: boolean;
}

const DEFAULT_OPEN: Record<PanelId, boolean> = {
  confusion: true,
  misclassified: false,
  filters: true,
  featureMaps: false,
  histograms: false,
  drawing: true,
};

export const useInspect = create<InspectState>()(() => ({
  open: DEFAULT_OPEN,
  ...emptyRun(),
  featureSource: { kind: 'test', index: 0 },
  drawn: null,
  drawRequest: 0,
  networkOpen: true,
  networkLive: false,
}));

/** Fields that belong to one run (cleared when the next starts). */
export function emptyRun(): Pick<
  InspectState,
  | 'anatomy'
  | 'classNames'
  | 'confusion'
  | 'selectedCell'
  | 'cell'
  | 'misclassified'
  | 'filters'
  | 'histograms'
  | 'gradients'
  | 'featureMaps'
  | 'featureMessage'
  | 'prediction'
> {
  return {
    anatomy: null,
    classNames: null,
    confusion: null,
    selectedCell: null,
    cell: null,
    misclassified: null,
    filters: null,
    histograms: [],
    gradients: { layers: [], points: [] },
    featureMaps: null,
    featureMessage: null,
    prediction: null,
  };
}

/**
 * The newest confusion report as it arrived from the worker, before the paint queue draws it: the
 * run history records a run's final matrix the moment the run ends, which can be before the panel's
 * turn to paint comes.
 */
let arrivedConfusion: { readonly runId: number; readonly report: ConfusionReport } | null = null;

export function noteConfusionArrived(runId: number, report: ConfusionReport): void {
  arrivedConfusion = { runId, report };
}

/** The newest confusion report the worker sent for `runId`, drawn yet or not. */
export function confusionOfRun(runId: number): ConfusionReport | null {
  return arrivedConfusion?.runId === runId ? arrivedConfusion.report : null;
}

/** What the worker should compute for the panels as they are. */
export function wantsOf(s: Pick<InspectState, 'open' | 'featureSource'> & Partial<Pick<InspectState, 'networkLive'>>): InspectWants {
  const network = s.networkLive === true;
  return {
    confusion: s.open.confusion,
    misclassified: s.open.misclassified,
    filters: s.open.filters || network,
    histograms: s.open.histograms || network,
    featureMaps: s.open.featureMaps || network ? s.featureSource : null,
    drawing: s.open.drawing,
  };
}

/** Appends, and when over `max` drops every other element of the older half (time resolution halves). */
export function appendCapped<T>(list: readonly T[], items: readonly T[], max: number): T[] {
  const out = list.concat(items);
  if (out.length <= max) return out;
  const half = Math.floor(out.length / 2);
  return out
    .slice(0, half)
    .filter((_, i) => i % 2 === 1)
    .concat(out.slice(half));
}
