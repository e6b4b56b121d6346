/**
 * The run history (IndexedDB-backed), the recorder that saves every finished or stopped run, and the
 * sequencer that drives the worker client for repeats and preset comparisons (start, wait for the
 * end, next). Its own zustand store, so the main UI store stays as it is.
 */
import { create } from 'zustand';
import {
  confusionRows,
  describeSettings,
  differingSettings,
  downsampleBatches,
  RUN_RECORD_VERSION,
  validateRunRecord,
  type RunRecord,
  type StoppedScore,
} from '../../core/runRecord';
import { DEFAULT_SETTINGS, type SettingName, type Settings } from '../../core/settings';
import { summarize, type Summary } from '../../core/stats';
import { confusionOfRun } from '../inspectStore';
import { isRunActive, useStore, type UiState } from '../store';
import { startTraining, stopTraining } from '../workerClient';
import { clearRecords, deleteRecords, getAllRaw, putRecords, storageEstimate } from './db';
import { useVerdict } from '../verdicts';
import type { Verdict } from '../../core/verdict';
import { errorText } from '../../core/errorText';

const storedVerdictOf = (v: Verdict | null): RunRecord['verdict'] =>
  v ? { kind: v.kind, label: v.label, status: v.status } : { kind: 'too-early', label: 'Too early to tell', status: 'No verdict' };

/** One finished run of a sequence. */
export interface SequenceResult {
  readonly label: string;
  readonly settings: Settings;
  readonly finalAccuracy: number;
  readonly finalLoss: number;
  readonly failed: boolean;
  /** Stopped by Cancel before its last epoch: shown, but left out of the statistics. */
  readonly stopped: boolean;
  /** The run's verdict label ("Diverged", "Not learning"…); null when it failed without one. */
  readonly verdict: string | null;
}

export interface Sequence {
  readonly kind: 'repeat' | 'variants' | 'sweep';
  /** The setting a sweep varies (null otherwise). */
  readonly param: SettingName | null;
  readonly label: string;
  readonly group: string;
  readonly total: number;
  readonly results: readonly SequenceResult[];
  readonly running: boolean;
  readonly cancelled: boolean;
  /** Accuracy / loss over the finished runs (repeat only). */
  readonly accuracy: Summary | null;
  readonly loss: Summary | null;
}

export interface RunsState {
  /** Newest first. */
  records: readonly RunRecord[];
  loaded: boolean;
  /** Ids of the runs shown in the compare chart. */
  selected: readonly string[];
  /** Last storage problem or note, plain text. */
  message: string | null;
  usage: { usage: number; quota: number } | null;
  sequence: Sequence | null;
  /** A finished run that could not be stored (e.g. storage full): "Save the run again" retries it. */
  unsaved?: RunRecord | null;
}

export const useRuns = create<RunsState>()(() => ({
  records: [],
  loaded: false,
  selected: [],
  message: null,
  usage: null,
  sequence: null,
}));

export async function refreshUsage(): Promise<void> {
  useRuns.setState({ usage: await storageEstimate() });
}

/** Reads the history; unreadable records are left in place and counted in the message. */
export async function loadRuns(): Promise<void> {
  try {
    const raw = await getAllRaw();
    const records: RunRecord[] = [];
    const problems: string[] = [];
    for (const r of raw) {
      const result = validateRunRecord(r);
      if (result.ok) {
        records.push(result.record);
        if (result.notes.length) problems.push(`${result.record.name}: ${result.notes.join('; ')}`);
      } else problems.push(result.reason);
    }
    records.sort((a, b) => b.createdAt - a.createdAt);
    useRuns.setState({
      records,
      loaded: true,
      message: problems.length
        ? `Some stored runs could not be read fully: ${problems.slice(0, 3).join(' · ')}${problems.length > 3 ? ' …' : ''}`
        : null,
    });
  } catch (error) {
    useRuns.setState({ loaded: true, message: errorText(error) });
  }
  void refreshUsage();
}

async function save(record: RunRecord): Promise<void> {
  try {
    await putRecords([record]);
    useRuns.setState((s) => ({ records: [record, ...s.records.filter((r) => r.id !== record.id)], message: null, unsaved: null }));
  } catch (error) {
    useRuns.setState({ message: errorText(error), unsaved: record });
  }
  void refreshUsage();
}

/** Tries again to store the run that could not be saved (after the user made room). */
export async function saveAgain(): Promise<void> {
  const record = useRuns.getState().unsaved;
  if (record) await save(record);
}

/** Saves a run recorded elsewhere (a live race's lane) to the history. */
export const saveRunRecord = save;

export async function renameRun(id: string, name: string): Promise<void> {
  const record = useRuns.getState().records.find((r) => r.id === id);
  const trimmed = name.trim().slice(0, 200);
  if (!record || !trimmed || trimmed === record.name) return;
  const renamed = { ...record, name: trimmed };
  try {
    await putRecords([renamed]);
    useRuns.setState((s) => ({ records: s.records.map((r) => (r.id === id ? renamed : r)), message: null }));
  } catch (error) {
    useRuns.setState({ message: errorText(error) });
  }
}

export async function deleteRuns(ids: readonly string[]): Promise<void> {
  try {
    await deleteRecords(ids);
    useRuns.setState((s) => ({
      records: s.records.filter((r) => !ids.includes(r.id)),
      selected: s.selected.filter((id) => !ids.includes(id)),
      message: null,
    }));
  } catch (error) {
    useRuns.setState({ message: errorText(error) });
  }
  void refreshUsage();
}

export async function clearRuns(): Promise<void> {
  try {
    await clearRecords();
    useRuns.setState({ records: [], selected: [], message: null });
  } catch (error) {
    useRuns.setState({ message: errorText(error) });
  }
  void refreshUsage();
}

export function toggleSelected(id: string): void {
  useRuns.setState((s) => ({ selected: s.selected.includes(id) ? s.selected.filter((x) => x !== id) : [...s.selected, id] }));
}

export function setSelected(ids: readonly string[]): void {
  useRuns.setState({ selected: ids });
}

/** What a sequence's table says next to a result that did not simply learn: "(diverged)", "(not learning)", "(failed)". */
export function resultNote(r: Pick<SequenceResult, 'failed' | 'stopped' | 'verdict'>): string {
  if (r.verdict && r.verdict !== 'Learned') return ` (${r.verdict.toLowerCase()})`;
  if (r.failed) return ' (failed)';
  return r.stopped ? ' (stopped)' : '';
}

/** Name and group the recorder gives the next finished run (set by the sequencer). */
let nextTag: { name: string; group: string } | null = null;

/** The final test confusion matrix, when the inspection panel computed one for the last epoch of this run. */
function finalConfusion(state: UiState): number[][] | null {
  const report = confusionOfRun(state.runId);
  const lastEpoch = state.epochs.at(-1)?.epoch;
  if (!report || lastEpoch === undefined || report.epoch !== lastEpoch) return null;
  return confusionRows(report.matrix, report.numClasses);
}

/** A default run name: what differs from the defaults, short. */
function autoName(settings: Settings, n: number): string {
  const diff = differingSettings([DEFAULT_SETTINGS, settings]).filter((k) => k !== 'seed');
  const text = describeSettings(settings, diff.slice(0, 4));
  return `Run ${n}${text ? ` · ${text}${diff.length > 4 ? ' …' : ''}` : ''}${settings.seed !== DEFAULT_SETTINGS.seed ? ` · seed ${settings.seed}` : ''}`;
}

let recorderStarted = false;
/** The recorder's latest write, so a sequence can wait for its runs to be stored before selecting them. */
let pendingSave: Promise<void> = Promise.resolve();

/** Saves every run that reaches `done` (finished or stopped) to the history. Call once at start-up. */
export function startRunRecorder(): () => void {
  if (recorderStarted) return () => undefined;
  recorderStarted = true;
  void loadRuns();
  const unsubscribeRuns = useStore.subscribe((state, previous) => {
    if (state.runState !== 'done' || previous.runState === 'done' || !state.runSettings) return;
    if (state.epochs.length === 0 && state.batches.length === 0) return;
    const tag = nextTag;
    nextTag = null;
    const now = Date.now();
    const record: RunRecord = {
      version: RUN_RECORD_VERSION,
      id: `${now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      name: tag?.name ?? autoName(state.runSettings, useRuns.getState().records.length + 1),
      createdAt: now,
      settings: state.runSettings,
      epochs: state.epochs,
      batches: downsampleBatches(state.batches),
      seconds: state.runSeconds ?? Number.NaN,
      backend: state.backend?.name ?? null,
      stopped: useVerdict.getState().end?.kind === 'stopped',
      confusion: finalConfusion(state),
      group: tag?.group ?? null,
      verdict: storedVerdictOf(useVerdict.getState().verdict),
      stoppedScore: null,
    };
    lastRecorded = { runId: state.runId, id: record.id };
    pendingSave = save(record);
  });
  const unsubscribeScores = useVerdict.subscribe((verdict, previous) => {
    if (verdict.score?.state !== 'done' || verdict.score === previous.score || verdict.runId !== lastRecorded?.runId) return;
    const { test, where } = verdict.score;
    void attachStoppedScore(lastRecorded.id, { loss: test.loss, accuracy: test.accuracy, where });
  });
  return () => {
    unsubscribeRuns();
    unsubscribeScores();
  };
}

/** The run the recorder saved last, so that a test score asked for afterwards lands on its record. */
let lastRecorded: { runId: number; id: string } | null = null;

/** Stores a stopped run's test score (asked for after it ended) with its record. */
async function attachStoppedScore(id: string, stoppedScore: StoppedScore): Promise<void> {
  await pendingSave;
  const record = useRuns.getState().records.find((r) => r.id === id);
  if (!record) return;
  const scored = { ...record, stoppedScore };
  try {
    await putRecords([scored]);
    useRuns.setState((s) => ({ records: s.records.map((r) => (r.id === id ? scored : r)), message: null }));
  } catch (error) {
    useRuns.setState({ message: errorText(error) });
  }
}

/** Resolves when the current run ends (done or error). */
function waitForRunEnd(): Promise<'done' | 'error'> {
  return new Promise((resolve) => {
    const check = (s: UiState) => {
      if (s.runState === 'done' || s.runState === 'error') {
        unsubscribe();
        resolve(s.runState);
      }
    };
    const unsubscribe = useStore.subscribe(check);
  });
}

const isActive = () => isRunActive(useStore.getState().runState);

/**
 * Runs the given settings one after another through the worker client and collects final test
 * accuracy and loss; the history records each run. Cancel keeps the finished results. The settings
 * form is restored to `restore` at the end.
 */
export async function runSequence(
  kind: Sequence['kind'],
  label: string,
  items: readonly { label: string; settings: Settings }[],
  restore: Settings,
  param: SettingName | null = null,
): Promise<void> {
  if (isActive() || useStore.getState().raceRunning || useRuns.getState().sequence?.running) return;
  const group = `${kind}-${Date.now().toString(36)}`;
  const update = (patch: Partial<Sequence>) => useRuns.setState((s) => ({ sequence: s.sequence ? { ...s.sequence, ...patch } : null }));
  useRuns.setState({
    sequence: { kind, param, label, group, total: items.length, results: [], running: true, cancelled: false, accuracy: null, loss: null },
  });
  for (const item of items) {
    if (useRuns.getState().sequence?.cancelled) break;
    useStore.setState({ settings: item.settings });
    nextTag = { name: `${label} · ${item.label}`, group };
    startTraining();
    const end = await waitForRunEnd();
    await pendingSave;
    const state = useStore.getState();
    const last = state.epochs.at(-1);
    const failed = end === 'error' || !last || useVerdict.getState().end?.kind === 'diverged';
    const stopped = end === 'done' && useVerdict.getState().end?.kind === 'stopped';
    const result: SequenceResult = {
      label: item.label,
      settings: item.settings,
      finalAccuracy: last?.test.accuracy ?? Number.NaN,
      finalLoss: last?.test.loss ?? Number.NaN,
      failed,
      stopped,
      verdict: end === 'done' ? (useVerdict.getState().verdict?.label ?? null) : null,
    };
    const complete = (r: SequenceResult) => !r.failed && !r.stopped;
    if (failed) nextTag = null;
    const results = [...(useRuns.getState().sequence?.results ?? []), result];
    update({
      results,
      accuracy: kind === 'repeat' ? summarize(results.filter(complete).map((r) => r.finalAccuracy)) : null,
      loss: kind === 'repeat' ? summarize(results.filter(complete).map((r) => r.finalLoss)) : null,
    });
    // A failure other than divergence (data, backend, worker) would fail again: stop the sequence.
    if (end === 'error' && state.error?.kind !== 'diverged') break;
  }
  useStore.setState({ settings: restore });
  update({ running: false });
  // Select the runs of this sequence so they are compared right away.
  const ids = useRuns
    .getState()
    .records.filter((r) => r.group === group)
    .map((r) => r.id);
  if (ids.length) setSelected(ids);
}

/** Stops the current run of a sequence and runs no more; finished results stay. */
export function cancelSequence(): void {
  const s = useRuns.getState().sequence;
  if (!s?.running) return;
  useRuns.setState({ sequence: { ...s, cancelled: true } });
  if (isActive()) stopTraining();
}

/** Repeats the current settings N times with seeds seed, seed + 1, … */
export function repeatCurrent(n: number): Promise<void> {
  const base = useStore.getState().settings;
  const items = Array.from({ length: n }, (_, i) => ({
    label: `seed ${base.seed + i}`,
    settings: { ...base, seed: Math.min(2 ** 31 - 1, base.seed + i) },
  }));
  return runSequence('repeat', `Repeat ×${n}`, items, base);
}
