/**
 * A finished (or stopped) run as it is kept in the run history: settings, per-epoch metrics, batch
 * metrics downsampled to at most MAX_BATCH_POINTS, wall time, backend and, when the UI had one, the
 * final confusion matrix. Framework-free: validation, migration, downsampling, the settings that
 * differ between runs, and CSV / JSON export. Storage (IndexedDB) lives in src/ui/runs/db.ts.
 */
import { coerce, DEFAULT_SETTINGS, SETTING_NAMES, SETTINGS, type Settings } from './settings';
import type { EpochMetrics, Evaluation } from './wire';
import { judgeRun, type VerdictKind } from './verdict';

/** Version of the stored record format. Bump and add a step to MIGRATIONS when a field's meaning changes. */
export const RUN_RECORD_VERSION = 2;
/** Batch points kept per run (bucket means), enough for a smooth curve and small in storage. */
export const MAX_BATCH_POINTS = 500;

/** One stored batch point: x in epochs (fractional), y values averaged over a bucket of steps. */
export interface StoredBatchPoint {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
}

export interface RunRecord {
  readonly version: typeof RUN_RECORD_VERSION;
  /** Unique id (time + random). */
  readonly id: string;
  /** User-editable name. */
  readonly name: string;
  /** Milliseconds since 1970 when the run ended. */
  readonly createdAt: number;
  readonly settings: Settings;
  readonly epochs: readonly EpochMetrics[];
  readonly batches: readonly StoredBatchPoint[];
  /** Wall time of the run in seconds. */
  readonly seconds: number;
  /** tfjs backend that ran it (webgl / wasm / cpu), null if unknown. */
  readonly backend: string | null;
  /** True when the user stopped it before the last epoch. */
  readonly stopped: boolean;
  /** Final test confusion matrix (rows = truth, columns = prediction), when the UI had one. */
  readonly confusion: readonly (readonly number[])[] | null;
  /** Runs made together (a repeat or a preset comparison) share a group id. */
  readonly group: string | null;
  /** The run's verdict when it ended (see verdict.ts); records of format 1 get one judged from their curves. */
  readonly verdict: StoredVerdict;
  /** A stopped run's model scored on the test set afterwards ("Score on the test set"), if asked. */
  readonly stoppedScore: StoppedScore | null;
}

/** The test score of a stopped run's model, and where the run stopped ("epoch 1, batch 40/1,875"). */
export interface StoppedScore {
  readonly loss: number;
  readonly accuracy: number;
  readonly where: string;
}

/** A verdict as the history keeps it: the kind and the words shown then. */
export interface StoredVerdict {
  readonly kind: VerdictKind;
  readonly label: string;
  readonly status: string;
}

const VERDICT_KINDS: readonly VerdictKind[] = ['learned', 'diverged', 'not-learning', 'overfitting', 'stopped', 'too-early'];

export type RecordResult =
  { readonly ok: true; readonly record: RunRecord; readonly notes: readonly string[] } | { readonly ok: false; readonly reason: string };

/** Bucket-mean downsampling of batch points to at most `max` points (order kept). */
export function downsampleBatches(points: readonly StoredBatchPoint[], max = MAX_BATCH_POINTS): StoredBatchPoint[] {
  if (points.length <= max) return points.map((p) => ({ epoch: p.epoch, loss: p.loss, accuracy: p.accuracy }));
  const out: StoredBatchPoint[] = [];
  for (let b = 0; b < max; b++) {
    const from = Math.floor((b * points.length) / max);
    const to = Math.floor(((b + 1) * points.length) / max);
    let loss = 0;
    let accuracy = 0;
    for (let i = from; i < to; i++) {
      loss += points[i]!.loss;
      accuracy += points[i]!.accuracy;
    }
    const n = to - from;
    out.push({ epoch: points[to - 1]!.epoch, loss: loss / n, accuracy: accuracy / n });
  }
  return out;
}

/** A row-major n × n count matrix (as the inspection reports it) as rows, for storage; null if the shape is wrong. */
export function confusionRows(matrix: ArrayLike<number>, n: number): number[][] | null {
  if (!Number.isInteger(n) || n < 1 || n > 100 || matrix.length !== n * n) return null;
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => matrix[r * n + c]!));
}

/**
 * Migrations from version k to k + 1. 1 → 2 adds `verdict`: left out here, it is judged from the
 * stored curves once they have been validated (see {@link storedVerdict}).
 */
const MIGRATIONS: Readonly<Record<number, (record: Record<string, unknown>) => Record<string, unknown>>> = {
  1: (record) => {
    const rest = { ...record };
    delete rest['verdict'];
    return { ...rest, version: 2 };
  },
};

/**
 * The stored verdict when it is well-formed, else one judged from the stored curves (bucket means: a
 * single exploding step may be averaged away, and a stopped run's batch position is unknown).
 */
function storedVerdict(raw: unknown, record: Pick<RunRecord, 'settings' | 'epochs' | 'batches' | 'stopped' | 'seconds'>): StoredVerdict {
  if (
    isObject(raw) &&
    VERDICT_KINDS.includes(raw['kind'] as VerdictKind) &&
    typeof raw['label'] === 'string' &&
    typeof raw['status'] === 'string'
  ) {
    return { kind: raw['kind'] as VerdictKind, label: raw['label'].slice(0, 100), status: raw['status'].slice(0, 300) };
  }
  const s = record.settings;
  const trainCount = s.trainSubset > 0 ? s.trainSubset : (s.dataset === 'cifar10' ? 50000 : 60000) - s.validationSize;
  const stepsPerEpoch = Math.ceil(Math.max(1, trainCount) / s.batchSize);
  const lastEpoch = record.batches.at(-1)?.epoch ?? 0;
  const v = judgeRun({
    batches: record.batches,
    epochs: record.epochs,
    numClasses: 10,
    settings: s,
    end: record.stopped ? { kind: 'stopped' } : { kind: 'finished' },
    steps: Math.round(lastEpoch * stepsPerEpoch),
    seconds: record.seconds,
  });
  return { kind: v.kind, label: v.label, status: v.status };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number';

/**
 * Settings from a stored object: every known setting that still validates is kept; missing ones (a
 * setting added since) take their default; the rest are reported in `notes`.
 */
export function settingsFromStored(raw: unknown, notes: string[]): Settings {
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  if (!isObject(raw)) {
    notes.push('settings missing; defaults shown');
    return out as Settings;
  }
  for (const name of SETTING_NAMES) {
    if (!(name in raw)) continue;
    const value = raw[name];
    const result =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? coerce(SETTINGS[name], String(value)) : null;
    if (result?.ok) out[name] = result.value;
    else notes.push(`${SETTINGS[name].label}: stored value no longer valid; default shown`);
  }
  return out as Settings;
}

function isEvaluation(x: unknown): x is Evaluation {
  return isObject(x) && isNum(x['loss']) && isNum(x['accuracy']);
}

function isEpoch(x: unknown): x is EpochMetrics {
  return (
    isObject(x) &&
    isNum(x['epoch']) &&
    isNum(x['trainLoss']) &&
    isNum(x['trainAccuracy']) &&
    isEvaluation(x['test']) &&
    (x['validation'] === null || isEvaluation(x['validation']))
  );
}

function isConfusion(x: unknown): x is number[][] {
  return (
    Array.isArray(x) &&
    x.length > 0 &&
    x.length <= 100 &&
    x.every((row) => Array.isArray(row) && row.length === x.length && row.every(isNum))
  );
}

/**
 * Checks and upgrades a stored record. Never throws: a record of a newer app version, or one that is
 * not a run record, gives a reason the history shows instead of the run.
 */
export function validateRunRecord(raw: unknown): RecordResult {
  if (!isObject(raw)) return { ok: false, reason: 'not a run record' };
  let record = raw;
  let version = record['version'];
  if (!isNum(version) || !Number.isInteger(version) || version < 1) return { ok: false, reason: 'not a run record (no format version)' };
  if (version > RUN_RECORD_VERSION)
    return {
      ok: false,
      reason: `saved by a newer version of CNN Playground (format ${version}, this one reads up to ${RUN_RECORD_VERSION}); open it there or clear the history`,
    };
  while (version < RUN_RECORD_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) return { ok: false, reason: `format ${version} can no longer be read; clear the history` };
    record = step(record);
    version += 1;
  }
  const id = record['id'];
  if (typeof id !== 'string' || id.length === 0) return { ok: false, reason: 'run record without an id' };
  const epochs = record['epochs'];
  if (!Array.isArray(epochs) || !epochs.every(isEpoch)) return { ok: false, reason: `run ${id}: per-epoch metrics are damaged` };
  const batches = record['batches'];
  if (!Array.isArray(batches) || !batches.every((b) => isObject(b) && isNum(b['epoch']) && isNum(b['loss']) && isNum(b['accuracy']))) {
    return { ok: false, reason: `run ${id}: batch metrics are damaged` };
  }
  const notes: string[] = [];
  const settings = settingsFromStored(record['settings'], notes);
  const name = typeof record['name'] === 'string' ? record['name'].slice(0, 200) : id;
  const checked = {
    settings,
    epochs,
    batches: downsampleBatches(batches as StoredBatchPoint[]),
    seconds: isNum(record['seconds']) ? record['seconds'] : Number.NaN,
    stopped: record['stopped'] === true,
  };
  return {
    ok: true,
    notes,
    record: {
      version: RUN_RECORD_VERSION,
      id,
      name,
      createdAt: isNum(record['createdAt']) ? record['createdAt'] : 0,
      settings,
      epochs,
      batches: downsampleBatches(batches as StoredBatchPoint[]),
      seconds: isNum(record['seconds']) ? record['seconds'] : Number.NaN,
      backend: typeof record['backend'] === 'string' ? record['backend'] : null,
      stopped: record['stopped'] === true,
      confusion: isConfusion(record['confusion']) ? record['confusion'] : null,
      group: typeof record['group'] === 'string' ? record['group'] : null,
      verdict: storedVerdict(record['verdict'], checked),
      stoppedScore: stoppedScoreOf(record['stoppedScore']),
    },
  };
}

function stoppedScoreOf(raw: unknown): StoppedScore | null {
  if (!isObject(raw) || !isNum(raw['loss']) || !isNum(raw['accuracy']) || typeof raw['where'] !== 'string') return null;
  return { loss: raw['loss'], accuracy: raw['accuracy'], where: raw['where'].slice(0, 200) };
}

/**
 * Final and best test accuracy, final test loss and epoch count of a run (NaN when it has none). A
 * stopped run's model scored afterwards is its final model, so that score is the final one.
 */
export function runSummary(record: Pick<RunRecord, 'epochs'> & Partial<Pick<RunRecord, 'stoppedScore'>>): {
  finalAccuracy: number;
  bestAccuracy: number;
  finalLoss: number;
  epochs: number;
} {
  const last = record.epochs.at(-1);
  const scored = record.stoppedScore ?? null;
  const accuracies = [...record.epochs.map((e) => e.test.accuracy), ...(scored ? [scored.accuracy] : [])];
  return {
    finalAccuracy: scored?.accuracy ?? last?.test.accuracy ?? Number.NaN,
    bestAccuracy: accuracies.length ? Math.max(...accuracies) : Number.NaN,
    finalLoss: scored?.loss ?? last?.test.loss ?? Number.NaN,
    epochs: record.epochs.length,
  };
}

/** Settings whose values are not the same in all the given runs, in schema order. */
export function differingSettings(settings: readonly Settings[]): (keyof Settings)[] {
  if (settings.length < 2) return [];
  return SETTING_NAMES.filter((name) => settings.some((s) => s[name] !== settings[0]![name]));
}

/** `key=value` of the given settings, for legends: "opt=adam lr=0.001". */
export function describeSettings(settings: Settings, names: readonly (keyof Settings)[]): string {
  // The dataset by its human name ("ds=MNIST digits"); other values as in the address.
  const show = (n: keyof Settings) =>
    n === 'dataset'
      ? (SETTINGS.dataset.options.find((o) => o.value === settings.dataset)?.label ?? settings.dataset)
      : typeof settings[n] === 'boolean'
        ? settings[n]
          ? 1
          : 0
        : String(settings[n]);
  return names.map((n) => `${SETTINGS[n].key}=${show(n)}`).join(' ');
}

export const CSV_COLUMNS = [
  'run',
  'name',
  'epoch',
  'train_loss',
  'train_accuracy',
  'validation_loss',
  'validation_accuracy',
  'test_loss',
  'test_accuracy',
  'test_negative_loss',
  'test_negative_accuracy',
  'learning_rate',
  'epoch_seconds',
] as const;

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Per-epoch metrics of one or more runs as CSV: a header line, then one line per run and epoch. */
export function runsToCsv(records: readonly RunRecord[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    for (const e of r.epochs) {
      lines.push(
        [
          r.id,
          r.name,
          e.epoch,
          e.trainLoss,
          e.trainAccuracy,
          e.validation?.loss,
          e.validation?.accuracy,
          e.test.loss,
          e.test.accuracy,
          e.testNegative?.loss,
          e.testNegative?.accuracy,
          e.learningRate,
          e.trainSeconds,
        ]
          .map(csvField)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Runs as pretty JSON, with the URL query that reopens each run's settings. */
export function runsToJson(records: readonly RunRecord[], query: (s: Settings) => string): string {
  return JSON.stringify(
    { format: 'cnn-playground-runs', version: RUN_RECORD_VERSION, runs: records.map((r) => ({ ...r, url: `?${query(r.settings)}` })) },
    null,
    2,
  );
}
