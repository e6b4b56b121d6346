import { describe, expect, it } from 'vitest';
import {
  confusionRows,
  CSV_COLUMNS,
  describeSettings,
  differingSettings,
  downsampleBatches,
  MAX_BATCH_POINTS,
  RUN_RECORD_VERSION,
  runsToCsv,
  runsToJson,
  runSummary,
  validateRunRecord,
  type RunRecord,
} from './runRecord';
import { DEFAULT_SETTINGS, serializeSettings, type Settings } from './settings';
import type { EpochMetrics } from './train';

const epoch = (n: number, acc: number): EpochMetrics => ({
  epoch: n,
  trainLoss: 0.5 / n,
  trainAccuracy: 0.8 + n / 100,
  validation: null,
  test: { loss: 0.3 / n, accuracy: acc },
  testNegative: null,
  learningRate: 0.01,
  bestEpoch: null,
  stoppedEarly: false,
  trainSeconds: 1.5,
  examplesPerSecond: 1000,
});

function record(over: Partial<RunRecord> = {}): RunRecord {
  return {
    version: RUN_RECORD_VERSION,
    id: 'r1',
    name: 'run 1',
    createdAt: 1,
    settings: DEFAULT_SETTINGS,
    epochs: [epoch(1, 0.9), epoch(2, 0.95), epoch(3, 0.94)],
    batches: [{ epoch: 0.5, loss: 1, accuracy: 0.5 }],
    seconds: 12,
    backend: 'wasm',
    stopped: false,
    confusion: null,
    group: null,
    stoppedScore: null,
    verdict: { kind: 'learned', label: 'Learned', status: 'Learned: test accuracy 94.0% after 3 epochs (chance is 10.0%)' },
    ...over,
  };
}

describe('run records', () => {
  it('a valid record passes unchanged (through a JSON round trip, as IndexedDB would store it)', () => {
    const r = record({
      confusion: [
        [1, 0],
        [0, 1],
      ],
    });
    const result = validateRunRecord(JSON.parse(JSON.stringify(r)));
    expect(result).toEqual({ ok: true, notes: [], record: r });
  });

  it.each([
    [null, /not a run record/],
    [[1, 2], /not a run record/],
    [{ id: 'x' }, /no format version/],
    [{ ...record(), version: 0 }, /no format version/],
    [{ ...record(), version: RUN_RECORD_VERSION + 1 }, /newer version.*clear the history/],
    [{ ...record(), id: '' }, /without an id/],
    [{ ...record(), epochs: [{ epoch: 1 }] }, /per-epoch metrics are damaged/],
    [{ ...record(), batches: 'x' }, /batch metrics are damaged/],
  ])('a bad record (%j) is refused with a clear reason', (raw, reason) => {
    const result = validateRunRecord(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('old settings are migrated: missing settings take defaults, invalid ones are reported, unknown ones dropped', () => {
    const { learningRate: _omit, ...partial } = { ...DEFAULT_SETTINGS, epochs: 7 };
    const raw = { ...record(), settings: { ...partial, batchSize: 99999, removedKnob: 3 } };
    const result = validateRunRecord(raw);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record.settings).toEqual({ ...DEFAULT_SETTINGS, epochs: 7 });
    expect(result.notes).toEqual(['Batch size: stored value no longer valid; default shown']);
  });

  it('a format-1 record (before verdicts) loads with a verdict judged from its stored curves', () => {
    const { verdict: _none, ...v1 } = { ...record(), version: 1 };
    const learned = validateRunRecord(JSON.parse(JSON.stringify(v1)));
    expect(learned.ok && learned.record.version).toBe(RUN_RECORD_VERSION);
    expect(learned.ok && learned.record.verdict.kind).toBe('learned');
    const stopped = validateRunRecord({ ...v1, stopped: true, epochs: [epoch(1, 0.9)] });
    expect(stopped.ok && stopped.record.verdict).toMatchObject({ kind: 'stopped', status: 'Stopped during epoch 2' });
    // Stored as bucket means: the explosion still shows.
    const exploding = Array.from({ length: 40 }, (_, i) => ({ epoch: (i + 1) / 40, loss: i < 5 ? 2.3 : 10 ** (i / 3), accuracy: 0.1 }));
    const diverged = validateRunRecord({ ...v1, batches: exploding, epochs: [] });
    expect(diverged.ok && diverged.record.verdict.kind).toBe('diverged');
  });

  it('a damaged stored verdict is judged again from the curves, not trusted', () => {
    const result = validateRunRecord({ ...record(), verdict: { kind: 'brilliant', label: 1 } });
    expect(result.ok && result.record.verdict.kind).toBe('learned');
  });

  it('a row-major confusion matrix becomes rows; a wrong shape gives null', () => {
    expect(confusionRows(new Uint32Array([1, 2, 3, 4]), 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(confusionRows(new Uint32Array([1, 2, 3]), 2)).toBeNull();
  });

  it('a damaged confusion matrix is dropped, not trusted', () => {
    const result = validateRunRecord({ ...record(), confusion: [[1, 2]] });
    expect(result.ok && result.record.confusion).toBeNull();
  });

  it('downsamples batch points to at most 500 bucket means, keeping the last x', () => {
    const pts = Array.from({ length: 12_345 }, (_, i) => ({ epoch: (i + 1) / 1000, loss: 1, accuracy: i % 2 }));
    const out = downsampleBatches(pts);
    expect(out).toHaveLength(MAX_BATCH_POINTS);
    expect(out.at(-1)!.epoch).toBe(pts.at(-1)!.epoch);
    for (const p of out) {
      expect(p.loss).toBe(1);
      expect(p.accuracy).toBeGreaterThan(0.4);
      expect(p.accuracy).toBeLessThan(0.6);
    }
    expect(downsampleBatches(pts.slice(0, 10))).toHaveLength(10);
  });

  it('summarises final and best test accuracy', () => {
    expect(runSummary(record())).toEqual({ finalAccuracy: 0.94, bestAccuracy: 0.95, finalLoss: 0.3 / 3, epochs: 3 });
    expect(runSummary(record({ epochs: [] })).finalAccuracy).toBeNaN();
  });

  it("a stopped run's later test score is its final score, kept through storage; a damaged one is dropped", () => {
    const stoppedScore = { loss: 0.5, accuracy: 0.82, where: 'epoch 1, batch 40/1,875' };
    expect(runSummary(record({ epochs: [], stoppedScore }))).toEqual({
      finalAccuracy: 0.82,
      bestAccuracy: 0.82,
      finalLoss: 0.5,
      epochs: 0,
    });
    // Stopped in epoch 4 after three scored epochs: the stopped model is the final one; the best stays the best.
    expect(runSummary(record({ stoppedScore }))).toEqual({ finalAccuracy: 0.82, bestAccuracy: 0.95, finalLoss: 0.5, epochs: 3 });
    const stored = validateRunRecord(JSON.parse(JSON.stringify(record({ stoppedScore }))));
    expect(stored.ok && stored.record.stoppedScore).toEqual(stoppedScore);
    for (const damaged of [{ loss: 'x', accuracy: 0.8, where: 'w' }, { accuracy: 0.8, where: 'w' }, 'yes', 1]) {
      const result = validateRunRecord({ ...record(), stoppedScore: damaged });
      expect(result.ok && result.record.stoppedScore).toBeNull();
    }
    // Records saved before the field existed read as unscored.
    const { stoppedScore: _omitted, ...older } = record();
    const old = validateRunRecord(older);
    expect(old.ok && old.record.stoppedScore).toBeNull();
  });

  it('lists only the settings that differ, in schema order', () => {
    const a: Settings = { ...DEFAULT_SETTINGS, optimizer: 'adam', learningRate: 0.001 };
    const b: Settings = { ...DEFAULT_SETTINGS, batchNorm: true };
    expect(differingSettings([a, b])).toEqual(['batchNorm', 'optimizer', 'learningRate']);
    expect(differingSettings([a, a])).toEqual([]);
    expect(describeSettings(a, ['optimizer', 'learningRate'])).toBe('opt=adam lr=0.001');
    expect(describeSettings(b, ['batchNorm'])).toBe('bn=1');
  });

  it('CSV has the header and one row per run and epoch, with quoted and defused text', () => {
    const csv = runsToCsv([record(), record({ id: 'r2', name: '=cmd, "x"', epochs: [epoch(1, 0.5)] })]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(1 + 3 + 1);
    expect(lines[1]!.split(',')).toHaveLength(CSV_COLUMNS.length);
    expect(lines[1]).toBe('r1,run 1,1,0.5,0.81,,,0.3,0.9,,,0.01,1.5');
    expect(lines[4]).toContain(`"'=cmd, ""x"""`);
  });

  it('JSON export carries every record and the URL that reopens it', () => {
    const json = JSON.parse(runsToJson([record({ settings: { ...DEFAULT_SETTINGS, epochs: 2 } })], serializeSettings));
    expect(json.format).toBe('cnn-playground-runs');
    expect(json.runs[0].url).toBe('?v=1&ep=2');
    expect(validateRunRecord(json.runs[0]).ok).toBe(true);
  });
});
