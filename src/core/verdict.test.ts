import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import type { EpochMetrics } from './train';
import {
  applyFix,
  divergenceAdvice,
  DivergenceWatch,
  judgeRun,
  learningRateHint,
  MIN_STEPS_TO_JUDGE,
  nearChance,
  stoppedWhere,
  type CurvePoint,
  type RunEnd,
  type VerdictInput,
} from './verdict';

const LN10 = Math.log(10);

/** `n` batch points, step i with loss f(i) and accuracy g(i); 100 steps per epoch. */
function curve(n: number, loss: (i: number) => number, accuracy: (i: number) => number, perEpoch = 100): CurvePoint[] {
  return Array.from({ length: n }, (_, i) => ({ step: i + 1, epoch: (i + 1) / perEpoch, loss: loss(i), accuracy: accuracy(i) }));
}

function epochOf(
  epoch: number,
  trainLoss: number,
  testAccuracy: number,
  validationLoss: number | null = null,
  testLoss = trainLoss,
): EpochMetrics {
  return {
    epoch,
    trainLoss,
    trainAccuracy: testAccuracy,
    validation: validationLoss === null ? null : { loss: validationLoss, accuracy: testAccuracy },
    test: { loss: testLoss, accuracy: testAccuracy },
    testNegative: null,
    learningRate: 0.01,
    bestEpoch: null,
    stoppedEarly: false,
    trainSeconds: 1,
    examplesPerSecond: 1000,
  };
}

const learning = curve(
  300,
  (i) => LN10 * Math.exp(-i / 60) + 0.05,
  (i) => Math.min(0.98, 0.1 + i / 150),
);
const finished: RunEnd = { kind: 'finished' };

function judge(over: Omit<Partial<VerdictInput>, 'settings'> & { settings?: Partial<Settings> }) {
  const { settings, ...rest } = over;
  return judgeRun({
    batches: learning,
    epochs: [epochOf(1, 0.3, 0.95), epochOf(2, 0.1, 0.975)],
    numClasses: 10,
    end: finished,
    batchesPerEpoch: 150,
    ...rest,
    settings: { ...DEFAULT_SETTINGS, ...settings },
  });
}

describe('verdict: learned', () => {
  it('a falling loss and a test accuracy far above chance is "learned", with the number, and no fixes', () => {
    const v = judge({ seconds: 26.7 });
    expect(v.kind).toBe('learned');
    expect(v.status).toBe('Learned: test accuracy 97.5% after 2 epochs (chance is 10.0%) in 26.7 s');
    // The panel shows "Learned." before the summary: the summary does not say it again.
    expect(v.summary).toBe('Test accuracy 97.5% after 2 epochs (chance is 10.0%).');
    expect(v.fixes).toEqual([]);
  });

  it('a run that was still improving when it ended says so and offers more epochs', () => {
    const short = judge({ batches: learning.slice(0, 16), epochs: [epochOf(1, 2.2, 0.4)], settings: { epochs: 1 } });
    expect(short.kind).toBe('learned');
    expect(short.summary).toMatch(/still falling when it ended \(after only 16 steps\): more epochs would help/);
    expect(short.fixes).toEqual([{ label: 'Train for 2 epochs', patch: { epochs: 2 } }]);
    const falling = curve(
      400,
      (i) => LN10 - i / 200,
      () => 0.6,
    );
    expect(judge({ batches: falling, settings: { epochs: 3 } }).fixes).toEqual([{ label: 'Train for 6 epochs', patch: { epochs: 6 } }]);
  });

  it('one huge batch loss is a spike, not divergence', () => {
    const spiky = learning.map((p, i) => (i === 150 ? { ...p, loss: 1e6 } : p));
    expect(judge({ batches: spiky }).kind).toBe('learned');
  });

  it('early stopping is named in the summary', () => {
    const epochs = [epochOf(1, 0.3, 0.95, 0.3), { ...epochOf(2, 0.2, 0.96, 0.35), stoppedEarly: true, bestEpoch: 1 }];
    expect(judge({ epochs }).summary).toMatch(/Early stopping ended it: the validation loss was lowest at epoch 1/);
  });
});

describe('verdict: diverged', () => {
  // lr = 5 with momentum: the loss climbs by orders of magnitude to ~4e12 while accuracy sits at chance.
  const exploding = curve(
    60,
    (i) => (i < 5 ? 2.3 : 2.3 * 1.6 ** (i - 4)),
    () => 0.1,
  );

  it('a loss climbing far above its start is "diverged" even when it stays finite, with the peak and the start', () => {
    const v = judge({ batches: exploding, epochs: [epochOf(1, 1e12, 0.098)], settings: { learningRate: 5 } });
    expect(v.kind).toBe('diverged');
    expect(v.label).toBe('Diverged');
    expect(v.status).toMatch(/^Diverged: the loss peaked at \d\.\de\+\d+ \(step 60; it started at 2\.30\)$/);
    expect(v.causes[0]).toMatch(/learning rate 5 is probably too high for SGD \+ momentum with ReLU activations; try 0\.01/);
  });

  it('the first fix lowers the learning rate to the optimizer’s usual one and says what changed', () => {
    const s: Settings = { ...DEFAULT_SETTINGS, learningRate: 5 };
    const v = judge({ batches: exploding, settings: s });
    expect(v.fixes[0]).toEqual({ label: 'Lower the learning rate to 0.01', patch: { learningRate: 0.01 } });
    const applied = applyFix(s, v.fixes[0]!.patch);
    expect(applied.settings.learningRate).toBe(0.01);
    expect(applied.changes).toEqual([{ name: 'learningRate', label: 'Learning rate', from: '5', to: '0.01' }]);
    // SGD-family runs are offered clipping too.
    expect(v.fixes.map((f) => f.label)).toContain('Clip gradients at norm 5');
  });

  it('Adam at lr 5: "Adam usually wants lr ≈ 0.001"', () => {
    const v = judge({ batches: exploding, settings: { optimizer: 'adam', learningRate: 5 } });
    expect(v.kind).toBe('diverged');
    expect(v.causes[0]).toMatch(/Adam usually wants lr ≈ 0\.001/);
    expect(v.fixes[0]!.patch).toEqual({ learningRate: 0.001 });
    expect(v.fixes.map((f) => f.label)).not.toContain('Clip gradients at norm 5');
  });

  it('sigmoid at lr 10 that explodes is diverged, not "not learning"', () => {
    const v = judge({
      batches: exploding,
      epochs: [epochOf(1, 40, 0.1)],
      settings: { activation: 'sigmoid', optimizer: 'sgd', learningRate: 10 },
    });
    expect(v.kind).toBe('diverged');
    expect(v.causes[0]).toMatch(/too high for SGD with Sigmoid activations/);
  });

  it('sigmoid at lr 10 on MNIST: the loss jumps to 44 in three steps, then sits at chance: diverged', () => {
    // Measured in the app (n=2000, SGD, lr 10, sigmoid): 2.4 26 44 9.1 4.6 3.4 2.6 … 2.5, test accuracy 8.9%.
    const measured = [2.4, 26, 44, 9.1, 4.6, 3.4, 2.6, ...Array.from({ length: 56 }, (_, i) => 2.3 + 0.2 * Math.abs(Math.sin(i)))];
    const batches = measured.map((l, i) => ({ step: i + 1, epoch: (i + 1) / 63, loss: l, accuracy: 0.1 }));
    const v = judge({
      batches,
      epochs: [epochOf(1, 3.64, 0.089)],
      settings: { activation: 'sigmoid', optimizer: 'sgd', learningRate: 10 },
    });
    expect(v.kind).toBe('diverged');
    expect(v.status).toBe('Diverged: the loss peaked at 44.00 (step 3; it started at 2.40)');
    expect(v.summary).toMatch(/It ended at test accuracy 8\.9%/);
  });

  it('an early spike the run recovers from, learning well after, is "learned" with the spike told', () => {
    const batches = learning.map((p, i) => (i === 3 || i === 4 ? { ...p, loss: 80 } : p));
    const v = judge({ batches });
    expect(v.kind).toBe('learned');
    expect(v.summary).toMatch(/spiked to 80\.00, then recovered/);
  });

  it('a NaN loss is diverged and says so', () => {
    const nan = [...learning.slice(0, 20), { step: 21, epoch: 0.21, loss: Number.NaN, accuracy: 0.1 }];
    const v = judge({ batches: nan, epochs: [] });
    expect(v.kind).toBe('diverged');
    expect(v.status).toBe('Diverged: the loss became NaN at step 21');
  });

  it('a run the guard stopped is diverged; the "let it go on" fix is offered only while the guard is on', () => {
    const end: RunEnd = { kind: 'diverged', step: 12, loss: 300 };
    const on = judge({ batches: exploding.slice(0, 12), epochs: [], end });
    expect(on.kind).toBe('diverged');
    expect(on.summary).toMatch(/stopped there; its curves are kept/);
    expect(on.fixes.at(-1)!.patch).toEqual({ divergenceStop: false });
    const off = judge({ batches: exploding.slice(0, 12), epochs: [], end, settings: { divergenceStop: false } });
    expect(off.fixes.map((f) => f.patch)).not.toContainEqual({ divergenceStop: false });
  });

  it('a diverged run the user stopped is still "diverged" (the curves say more than the button)', () => {
    expect(judge({ batches: exploding, epochs: [], end: { kind: 'stopped' } }).kind).toBe('diverged');
  });

  it('divergenceAdvice is the causes as one paragraph (the NaN guard’s message)', () => {
    const advice = divergenceAdvice({ optimizer: 'sgd', learningRate: 10, initializer: 'random-normal', initScale: 5 }, 10);
    expect(advice).toMatch(/^The learning rate 10 is probably too high for SGD with ReLU activations; try 0\.01/);
    expect(advice).toMatch(/Normal \(σ below\) at 5 grow through every ReLU layer/);
    expect(advice).toMatch(/Gradient clipping/);
  });
});

describe('verdict: not learning', () => {
  // Sigmoid + SGD at lr 0.01: predicts one class for everything, loss flat at ln 10.
  const flat = curve(
    1719,
    (i) => LN10 + 0.01 * Math.sin(i),
    (i) => 0.1 + 0.02 * Math.sin(i / 7),
  );
  const sigmoidSgd: Partial<Settings> = { activation: 'sigmoid', optimizer: 'sgd', learningRate: 0.01 };

  it('accuracy at chance after many steps, loss flat at ln(classes): "not learning", with the reason and fixes', () => {
    const v = judge({ batches: flat, epochs: [epochOf(1, LN10, 0.1135)], settings: sigmoidSgd });
    expect(v.kind).toBe('not-learning');
    expect(v.status).toBe('Not learning: test accuracy 11.3% after 1,719 steps (chance is 10.0%)');
    expect(v.summary).toMatch(/≈ ln 10, the loss of a uniform guess/);
    expect(v.causes[0]).toMatch(/Sigmoid saturates/);
    expect(v.fixes.map((f) => f.patch)).toEqual(
      expect.arrayContaining([
        { activation: 'relu', initializer: 'he-normal' },
        { optimizer: 'adam', learningRate: 0.001 },
      ]),
    );
    const applied = applyFix({ ...DEFAULT_SETTINGS, ...sigmoidSgd }, v.fixes[0]!.patch);
    expect(applied.changes.map((c) => `${c.label}: ${c.from} → ${c.to}`)).toEqual([
      'Activation: Sigmoid → ReLU',
      'Weight initialisation: Glorot (Xavier) uniform → He normal',
    ]);
  });

  it('names the usual suspects from the settings: equal weights, tiny σ with SGD, a tiny rate, label noise', () => {
    const causes = (s: Partial<Settings>) => judge({ batches: flat, epochs: [epochOf(1, LN10, 0.1)], settings: s }).causes.join(' ');
    expect(causes({ initializer: 'zeros' })).toMatch(/symmetry is never broken/);
    expect(causes({ initializer: 'random-normal', initScale: 0.01, optimizer: 'sgd' })).toMatch(/σ 0\.01 shrink/);
    expect(causes({ learningRate: 1e-6 })).toMatch(/very small for SGD \+ momentum/);
    expect(causes({ labelNoise: 0.9 })).toMatch(/right only 10% of the time/);
    // Nothing suspicious: still a cause and a fix, never an empty verdict.
    const plain = judge({ batches: flat, epochs: [epochOf(1, LN10, 0.1)] });
    expect(plain.fixes).toHaveLength(1);
  });

  it('with too few steps at chance it is "too early to tell" (never "learned"), offering more epochs', () => {
    const short = flat.slice(0, MIN_STEPS_TO_JUDGE - 1);
    const v = judge({ batches: short, epochs: [epochOf(1, LN10, 0.1)], settings: { epochs: 1 } });
    expect(v.kind).toBe('too-early');
    expect(v.fixes[0]!.patch.epochs).toBeGreaterThan(1);
  });

  it('chance is 1/classes: the border sits a little above it', () => {
    expect(nearChance(0.14, 10)).toBe(true);
    expect(nearChance(0.16, 10)).toBe(false);
    expect(nearChance(0.6, 2)).toBe(true);
    expect(nearChance(0.7, 2)).toBe(false);
    const v = judge({ batches: flat, epochs: [epochOf(1, LN10, 0.16)] });
    expect(v.kind).toBe('learned');
  });
});

describe('verdict: overfitting', () => {
  const rising = [epochOf(1, 0.5, 0.9, 0.4), epochOf(2, 0.3, 0.93, 0.3), epochOf(3, 0.2, 0.93, 0.33), epochOf(4, 0.1, 0.93, 0.36)];

  it('validation loss rising for two epochs while the training loss falls is "overfitting", with fixes from the settings', () => {
    const v = judge({ epochs: rising, settings: { trainSubset: 500 } });
    expect(v.kind).toBe('overfitting');
    expect(v.status).toBe('Overfitting: validation loss rose from 0.30 (epoch 2) to 0.36');
    expect(v.fixes.map((f) => f.patch)).toEqual(
      expect.arrayContaining([{ trainSubset: 0 }, { patience: 3, restoreBest: true }, { l2: 0.001 }]),
    );
  });

  it('without a validation set the test loss is watched', () => {
    const noVal = rising.map((e) => ({ ...e, validation: null, test: { loss: e.validation!.loss, accuracy: e.test.accuracy } }));
    expect(judge({ epochs: noVal }).status).toMatch(/^Overfitting: test loss rose/);
  });

  it('noise in the validation loss, or a training loss that rises too, is not overfitting', () => {
    const noisy = [epochOf(1, 0.5, 0.9, 0.4), epochOf(2, 0.3, 0.93, 0.38), epochOf(3, 0.2, 0.93, 0.385), epochOf(4, 0.1, 0.93, 0.39)];
    expect(judge({ epochs: noisy }).kind).toBe('learned');
    const bothRise = rising.map((e, i) => ({ ...e, trainLoss: 0.3 + i * 0.1 }));
    expect(judge({ epochs: bothRise }).kind).toBe('learned');
    expect(judge({ epochs: rising.slice(0, 2) }).kind).toBe('learned');
  });
});

describe('verdict: stopped', () => {
  it('says where: "stopped at epoch 2, batch 1,041/1,719"; on an epoch boundary "after epoch 1"', () => {
    const v = judgeRun({
      batches: curve(
        1719 + 1041,
        () => 0.2,
        () => 0.95,
        1719,
      ),
      epochs: [epochOf(1, 0.2, 0.96)],
      numClasses: 10,
      settings: DEFAULT_SETTINGS,
      end: { kind: 'stopped' },
      batchesPerEpoch: 1719,
    });
    expect(v.kind).toBe('stopped');
    expect(v.status).toBe('Stopped at epoch 2, batch 1,041/1,719');
    expect(v.summary).toMatch(/test set was last scored after epoch 1: 96\.0%/);
    expect(stoppedWhere(1719, 1719, 1)).toBe('after epoch 1');
  });

  it('never reads "after 0 epochs": a run stopped in its first epoch or before its first step', () => {
    const v = judgeRun({
      batches: curve(
        40,
        () => 1,
        () => 0.5,
      ),
      epochs: [],
      numClasses: 10,
      settings: DEFAULT_SETTINGS,
      end: { kind: 'stopped' },
      batchesPerEpoch: 1719,
    });
    expect(v.status).toBe('Stopped at epoch 1, batch 40/1,719');
    expect(v.summary).toMatch(/No epoch was finished/);
    expect(v.summary).not.toMatch(/0 epoch/);
    const before = judgeRun({ batches: [], epochs: [], numClasses: 10, settings: DEFAULT_SETTINGS, end: { kind: 'stopped' } });
    expect(before.status).toBe('Stopped before the first step');
  });

  it('a stopped run that was stuck at chance says so and offers the fixes', () => {
    const flat = curve(
      500,
      () => LN10,
      () => 0.1,
    );
    const v = judgeRun({
      batches: flat,
      epochs: [],
      numClasses: 10,
      settings: { ...DEFAULT_SETTINGS, initializer: 'zeros' },
      end: { kind: 'stopped' },
      batchesPerEpoch: 1719,
    });
    expect(v.kind).toBe('stopped');
    expect(v.summary).toMatch(/Until then it was not learning/);
    expect(v.fixes.length).toBeGreaterThan(0);
  });
});

describe('divergence watch (used by the training loop)', () => {
  it('ignores one spike, fires on two high losses among the last five and on NaN at once', () => {
    const w = new DivergenceWatch(10);
    for (let i = 0; i < 5; i++) expect(w.add(2.3)).toBe(false);
    expect(w.startingLoss).toBeCloseTo(2.3);
    expect(w.add(1e9)).toBe(false);
    for (let i = 0; i < 4; i++) expect(w.add(2)).toBe(false);
    expect(w.add(30)).toBe(false);
    // Two of the last five above 10 × 2.3: exploding.
    expect(w.add(40)).toBe(true);
    // A blow-up at step 2 does not raise the bar (Adam at lr 5: 2.3, 6e10, 7e7, …).
    const adam = new DivergenceWatch(10);
    expect([2.3, 6.4e10, 6.7e7].map((l) => adam.add(l))).toEqual([false, false, true]);
    expect(adam.startingLoss).toBeCloseTo(2.3);
    expect(new DivergenceWatch(10).add(Number.NaN)).toBe(true);
    expect(new DivergenceWatch(10).add(Infinity)).toBe(true);
  });

  it('measures against ln(classes) at least, so a low starting loss does not make normal noise "exploding"', () => {
    const w = new DivergenceWatch(10);
    for (let i = 0; i < 5; i++) w.add(0.05);
    for (let i = 0; i < 10; i++) expect(w.add(3)).toBe(false);
  });
});

describe('fixes and hints', () => {
  it('applyFix validates through the schema and lists only what changed', () => {
    const s = DEFAULT_SETTINGS;
    expect(applyFix(s, { learningRate: 50 }).changes).toEqual([]);
    expect(applyFix(s, { learningRate: 0.01 }).changes).toEqual([]);
    expect(applyFix(s, { batchNorm: true }).changes).toEqual([{ name: 'batchNorm', label: 'Batch normalisation', from: 'off', to: 'on' }]);
  });

  it('the learning-rate hint suggests the optimizer’s usual rate only when the current one is outside its range', () => {
    expect(learningRateHint({ optimizer: 'momentum', learningRate: 0.01 })).toBeNull();
    expect(learningRateHint({ optimizer: 'adam', learningRate: 0.01 })).toEqual({
      text: 'Adam usually wants lr ≈ 0.001 (0.0001–0.003); this one is 0.01.',
      rate: 0.001,
    });
    expect(learningRateHint({ optimizer: 'sgd', learningRate: 5 })?.rate).toBe(0.01);
    expect(learningRateHint({ optimizer: 'adam', learningRate: 0.001 })).toBeNull();
  });
});
