/**
 * A run's verdict, judged from its curves: learned, diverged, not learning, overfitting, stopped (or,
 * for a run too short to judge, too early to tell). Each bad verdict says what in the settings probably
 * caused it and offers fixes as settings patches ({@link applyFix} applies one and lists what changed).
 *
 * Pure and framework-free (no tfjs): the training loop uses {@link DivergenceWatch} to stop a run whose
 * loss explodes, the UI judges the run on screen, the run history judges stored runs.
 */
import type { BatchPoint, EpochMetrics } from './wire';
import { fmtRate } from './format';
import { SCALED_INITIALIZERS, SETTINGS, withSetting, type OptimizerId, type SettingName, type Settings } from './settings';

export type VerdictKind = 'learned' | 'diverged' | 'not-learning' | 'overfitting' | 'stopped' | 'too-early';

/** A settings patch that addresses a cause, with the words on its button. */
export interface Fix {
  readonly label: string;
  readonly patch: Partial<Settings>;
}

export interface Verdict {
  readonly kind: VerdictKind;
  /** One or two words: "Diverged", "Not learning"… (the status never relies on colour alone). */
  readonly label: string;
  /** The status line: the label and the one number that backs it, e.g. "Diverged: loss 4.1e+12 at step 37 (started at 2.30)". */
  readonly status: string;
  /** What the curves show, in a sentence or two. */
  readonly summary: string;
  /** The likely causes under the run's settings, most likely first. */
  readonly causes: readonly string[];
  readonly fixes: readonly Fix[];
}

/** How the run ended, as far as the curves cannot tell. */
export type RunEnd =
  | { readonly kind: 'finished' }
  /** The user stopped it; `step` is the last step trained (0: before the first). */
  | { readonly kind: 'stopped' }
  /** The loop's guard stopped it (non-finite or exploding loss) at `step` with `loss`. */
  | { readonly kind: 'diverged'; readonly step: number; readonly loss: number };

/** A batch point as the live run and the stored history both have it. */
export type CurvePoint = Pick<BatchPoint, 'loss' | 'accuracy'> & { readonly step?: number; readonly epoch: number };

export interface VerdictInput {
  readonly batches: readonly CurvePoint[];
  readonly epochs: readonly Pick<EpochMetrics, 'epoch' | 'trainLoss' | 'validation' | 'test' | 'stoppedEarly' | 'bestEpoch'>[];
  readonly numClasses: number;
  readonly settings: Settings;
  readonly end: RunEnd;
  /** Steps trained (the last step number); when absent, the number of batch points. */
  readonly steps?: number;
  /** Batches per epoch, to say where a stopped run stopped; unknown: only the epoch is named. */
  readonly batchesPerEpoch?: number;
  /** Wall time, for the status line of a finished run. */
  readonly seconds?: number;
}

/** The loss is "exploding" once it is this many times its starting value (and ln(classes)). */
export const EXPLODE_FACTOR = 10;
/** Losses that set the starting value (their minimum). */
const START_POINTS = 5;
/** The exploding test looks at this many recent losses… */
const RECENT_POINTS = 5;
/** …of which this many must be above the bar: one spike is not divergence. */
const EXPLODING_POINTS = 2;
/** Below this many steps a run at chance is "too early to tell", not "not learning". */
export const MIN_STEPS_TO_JUDGE = 100;

/**
 * Watches a run's batch losses as they arrive and says when the loss has exploded: two of the last
 * {@link RECENT_POINTS} losses above {@link EXPLODE_FACTOR} × the starting loss (the lowest of the
 * first {@link START_POINTS}, at least ln(classes)), or a loss that is not finite. A healthy run's
 * batch loss does not reach 10 × ln(10) = 23; lr 5 reaches it within a few steps. O(1) memory.
 */
export class DivergenceWatch {
  private readonly first: number[] = [];
  private readonly recent: number[] = [];
  private start = Number.NaN;

  /** @param start the starting loss, when known already (a window of a longer curve). */
  constructor(
    private readonly numClasses: number,
    start?: number,
  ) {
    if (start !== undefined) {
      this.start = start;
      this.first.length = 0;
      for (let i = 0; i < START_POINTS; i++) this.first.push(start);
    }
  }

  /** The loss the explosion is measured against (NaN until the first losses are in). */
  get startingLoss(): number {
    return this.start;
  }

  /** Adds one loss; true when the run has diverged with it. */
  add(loss: number): boolean {
    if (!Number.isFinite(loss)) return true;
    if (this.first.length < START_POINTS) {
      this.first.push(loss);
      // The lowest of the first losses: a rate that blows up at step 2 must not raise the bar.
      this.start = Math.min(...this.first);
    }
    this.recent.push(loss);
    if (this.recent.length > RECENT_POINTS) this.recent.shift();
    const bar = EXPLODE_FACTOR * Math.max(this.start, Math.log(this.numClasses));
    return this.recent.filter((l) => l > bar).length >= EXPLODING_POINTS;
  }
}

/** The usual learning rate of each optimizer for a small conv net, and the range that usually trains. */
export const USUAL_LEARNING_RATE: Readonly<Record<OptimizerId, { readonly rate: number; readonly low: number; readonly high: number }>> = {
  sgd: { rate: 0.01, low: 0.001, high: 0.2 },
  momentum: { rate: 0.01, low: 0.001, high: 0.05 },
  nesterov: { rate: 0.01, low: 0.001, high: 0.05 },
  adagrad: { rate: 0.01, low: 0.001, high: 0.1 },
  rmsprop: { rate: 0.001, low: 0.0001, high: 0.003 },
  adam: { rate: 0.001, low: 0.0001, high: 0.003 },
};

const optionLabel = <K extends 'optimizer' | 'activation' | 'initializer'>(name: K, value: Settings[K]): string =>
  SETTINGS[name].options.find((o) => o.value === value)?.label ?? String(value);

/** A rate or loss as people write it (src/core/format.ts); train.ts takes it from here. */
export { fmtRate };

/** What usually fixes a learning rate that is too high for `optimizer`: its usual rate, or a tenth when that is lower. */
function lowerRate(optimizer: OptimizerId | undefined, rate: number): number {
  const usual = optimizer ? USUAL_LEARNING_RATE[optimizer].rate : rate / 10;
  return Number(Math.min(rate / 10, usual).toPrecision(2));
}

const isSgdFamily = (o: OptimizerId | undefined) => o === 'sgd' || o === 'momentum' || o === 'nesterov';
const activationOf = (s: Partial<Settings>) =>
  s.model === 'lenet5-classic' ? 'scaled tanh' : s.activation ? optionLabel('activation', s.activation) : 'ReLU';
const unboundedActivation = (s: Partial<Settings>) =>
  s.model !== 'lenet5-classic' &&
  (s.activation === undefined || s.activation === 'relu' || s.activation === 'leaky-relu' || s.activation === 'elu');

/** A cause and, when the settings can address it, the fix. */
export interface Cause {
  readonly text: string;
  readonly fix?: Fix;
}

/**
 * The likely causes of a diverged loss under `s`, most likely first: the learning rate for the
 * optimizer, then initial weights too large for an unbounded activation, a deep plain stack, and
 * the missing gradient clipping.
 */
export function divergenceCauses(s: Partial<Settings>, learningRate: number): Cause[] {
  const causes: Cause[] = [];
  const optimizer = s.optimizer ? optionLabel('optimizer', s.optimizer) : 'this optimizer';
  const activation = activationOf(s);
  const target = lowerRate(s.optimizer, learningRate);
  const usual = s.optimizer ? USUAL_LEARNING_RATE[s.optimizer] : null;
  causes.push({
    text: `The learning rate ${fmtRate(learningRate)} is probably too high for ${optimizer} with ${activation} activations; try ${fmtRate(target)}${usual && target === usual.rate ? ` (${optimizer} usually wants lr ≈ ${fmtRate(usual.rate)})` : ''}.`,
    fix: { label: `Lower the learning rate to ${fmtRate(target)}`, patch: { learningRate: target } },
  });
  if (s.initializer && SCALED_INITIALIZERS.includes(s.initializer) && (s.initScale ?? 0) >= 1 && unboundedActivation(s)) {
    causes.push({
      text: `Weights initialised with ${optionLabel('initializer', s.initializer)} at ${s.initScale} grow through every ${activation} layer; He or Glorot initialisation keeps the signal's scale.`,
      fix: { label: 'Use He initialisation', patch: { initializer: 'he-normal' } },
    });
  }
  if (s.model === 'deep' && !s.batchNorm && !s.residual && (s.depth ?? 0) > 10) {
    causes.push({
      text: `A plain stack of ${s.depth} conv blocks is hard to train: turn on batch norm or residual connections.`,
      fix: { label: 'Turn on batch norm', patch: { batchNorm: true } },
    });
  }
  if (isSgdFamily(s.optimizer) && !s.clipNorm) {
    causes.push({
      text: 'Gradient clipping (e.g. a global norm of 5) bounds every step.',
      fix: { label: 'Clip gradients at norm 5', patch: { clipNorm: 5 } },
    });
  }
  return causes;
}

/** {@link divergenceCauses} as one paragraph (the NaN guard's message). */
export function divergenceAdvice(s: Partial<Settings>, learningRate: number): string {
  return divergenceCauses(s, learningRate)
    .map((c) => c.text)
    .join(' ');
}

/** Why a run stays at chance under `s`, most likely first; never empty. */
export function notLearningCauses(s: Settings): Cause[] {
  const causes: Cause[] = [];
  const optimizer = optionLabel('optimizer', s.optimizer);
  const usual = USUAL_LEARNING_RATE[s.optimizer];
  const goodInit = unboundedActivation(s) ? 'he-normal' : 'glorot-uniform';
  const goodInitLabel = goodInit === 'he-normal' ? 'He' : 'Glorot';
  if (s.labelNoise >= 0.8) {
    causes.push({
      text: `With label noise ε = ${s.labelNoise}, a training label is right only ${Math.round((1 - s.labelNoise) * 100)}% of the time: little is left to learn from.`,
      fix: { label: 'Lower label noise to 0.2', patch: { labelNoise: 0.2 } },
    });
  }
  if (s.initializer === 'zeros' || s.initializer === 'constant') {
    causes.push({
      text: `All weights start equal (${optionLabel('initializer', s.initializer)}): every unit of a layer gets the same gradient, so symmetry is never broken.`,
      fix: { label: `Use ${goodInitLabel} initialisation`, patch: { initializer: goodInit } },
    });
  } else if (SCALED_INITIALIZERS.includes(s.initializer) && s.initScale <= 0.02 && isSgdFamily(s.optimizer)) {
    causes.push({
      text: `Weights initialised at σ ${s.initScale} shrink the signal through every layer; with ${optimizer} the gradients reaching the first layers vanish ("σ 0.01 fails, 0.1 trains").`,
      fix: { label: `Use ${goodInitLabel} initialisation`, patch: { initializer: goodInit } },
    });
  }
  if (s.model !== 'lenet5-classic' && (s.activation === 'sigmoid' || s.activation === 'tanh') && isSgdFamily(s.optimizer)) {
    causes.push({
      text: `${optionLabel('activation', s.activation)} saturates: its gradient is at most ${s.activation === 'sigmoid' ? '0.25' : '1'} and shrinks through every layer, so ${optimizer} at lr ${fmtRate(s.learningRate)} barely moves the first layers. Use ReLU (with He initialisation), or an adaptive optimizer.`,
      fix: { label: 'Use ReLU with He initialisation', patch: { activation: 'relu', initializer: 'he-normal' } },
    });
    causes.push({ text: '', fix: { label: 'Use Adam at lr 0.001', patch: { optimizer: 'adam', learningRate: 0.001 } } });
  }
  if (s.learningRate < usual.low) {
    causes.push({
      text: `The learning rate ${fmtRate(s.learningRate)} is very small for ${optimizer} (it usually wants about ${fmtRate(usual.rate)}): each step barely changes the weights.`,
      fix: { label: `Raise the learning rate to ${fmtRate(usual.rate)}`, patch: { learningRate: usual.rate } },
    });
  } else if (s.learningRate > usual.high) {
    causes.push({
      text: `The learning rate ${fmtRate(s.learningRate)} is too high for ${optimizer} (it usually wants about ${fmtRate(usual.rate)}): the steps overshoot${unboundedActivation(s) ? ' and ReLUs can die for good' : ''}.`,
      fix: { label: `Lower the learning rate to ${fmtRate(usual.rate)}`, patch: { learningRate: usual.rate } },
    });
  }
  if (s.model === 'deep' && !s.batchNorm && !s.residual && s.depth > 10) {
    causes.push({
      text: `A plain stack of ${s.depth} conv blocks does not train: the signal fades through the layers.`,
      fix: { label: 'Turn on batch norm', patch: { batchNorm: true } },
    });
  }
  if (s.dropout >= 0.7)
    causes.push({
      text: `Dropout ${s.dropout} drops most units at every step.`,
      fix: { label: 'Lower dropout to 0.25', patch: { dropout: 0.25 } },
    });
  if (s.l2 >= 0.01)
    causes.push({
      text: `L2 λ = ${s.l2} pulls every weight to zero harder than the data pulls it away.`,
      fix: { label: 'Lower L2 to 0.0001', patch: { l2: 0.0001 } },
    });
  if (causes.length === 0) {
    causes.push({
      text: `Nothing in the settings is a usual suspect; an adaptive optimizer often gets past a bad start.`,
      fix: { label: 'Use Adam at lr 0.001', patch: { optimizer: 'adam', learningRate: 0.001 } },
    });
  }
  return causes;
}

function overfittingCauses(s: Settings): Cause[] {
  const causes: Cause[] = [];
  if (s.trainSubset > 0 && s.trainSubset < 20000) {
    causes.push({
      text: `Only ${s.trainSubset.toLocaleString('en-US')} training examples: the network can memorise them.`,
      fix: { label: 'Use all training examples', patch: { trainSubset: 0 } },
    });
  }
  if (s.patience === 0 && s.validationSize > 0) {
    causes.push({
      text: 'Nothing stops the run when the validation loss turns: early stopping keeps the best epoch.',
      fix: { label: 'Stop early (patience 3)', patch: { patience: 3, restoreBest: true } },
    });
  }
  if (s.dropout === 0 && s.model !== 'lenet5-classic')
    causes.push({
      text: 'No dropout: nothing keeps units from fitting the training examples together.',
      fix: { label: 'Add dropout 0.25', patch: { dropout: 0.25 } },
    });
  if (s.l2 === 0)
    causes.push({
      text: 'No weight decay (L2): the weights are free to grow until every training example fits.',
      fix: { label: 'Add L2 weight decay 0.001', patch: { l2: 0.001 } },
    });
  if (causes.length === 0)
    causes.push({
      text: 'The model has more capacity than the data needs for this many epochs; fewer epochs or more regularisation help.',
    });
  return causes;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const loss = (v: number) =>
  Number.isFinite(v)
    ? Math.abs(v) >= 1e4
      ? v.toExponential(1)
      : Math.abs(v) >= 100
        ? v.toFixed(0)
        : v.toFixed(2)
    : Number.isNaN(v)
      ? 'NaN'
      : '∞';
const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** Accuracy a run is judged by: the last test accuracy, else the mean of the last 50 batches. */
function judgedAccuracy(input: VerdictInput): { value: number; what: string } | null {
  const last = input.epochs.at(-1);
  if (last) return { value: last.test.accuracy, what: 'test accuracy' };
  const recent = input.batches.slice(-50).filter((p) => Number.isFinite(p.accuracy));
  if (recent.length === 0) return null;
  return { value: recent.reduce((a, p) => a + p.accuracy, 0) / recent.length, what: 'training accuracy (last batches)' };
}

/** Near chance: within max(5 points, half of chance·(1 − chance)) above 1/classes. */
export function nearChance(accuracy: number, numClasses: number): boolean {
  const chance = 1 / numClasses;
  return accuracy < chance + Math.max(0.05, (chance * (1 - chance)) / 2);
}

/** Where a stopped run stopped: "at epoch 2, batch 1041/1719", or "after epoch 2" on an epoch's end. */
export function stoppedWhere(steps: number, batchesPerEpoch: number | undefined, epochsDone: number): string {
  if (steps <= 0) return 'before the first step';
  if (!batchesPerEpoch) return epochsDone > 0 ? `during epoch ${epochsDone + 1}` : 'during epoch 1';
  const epoch = Math.floor((steps - 1) / batchesPerEpoch) + 1;
  const batch = steps - (epoch - 1) * batchesPerEpoch;
  if (batch === batchesPerEpoch && epochsDone >= epoch) return `after epoch ${epoch}`;
  return `at epoch ${epoch}, batch ${batch.toLocaleString('en-US')}/${batchesPerEpoch.toLocaleString('en-US')}`;
}

/** Finds the first point where the loss exploded (or stopped being finite); null when it never did. */
function explosion(points: readonly CurvePoint[], numClasses: number, start?: number): { index: number; start: number } | null {
  const watch = new DivergenceWatch(numClasses, start);
  for (let i = 0; i < points.length; i++) if (watch.add(points[i]!.loss)) return { index: i, start: watch.startingLoss };
  return null;
}

const fixesOf = (causes: readonly Cause[]) => causes.flatMap((c) => (c.fix ? [c.fix] : []));
const textsOf = (causes: readonly Cause[]) => causes.flatMap((c) => (c.text ? [c.text] : []));

/** What every verdict reads off a run, worked out once by {@link judgeRun}. */
interface RunFacts {
  readonly input: VerdictInput;
  /** Steps trained. */
  readonly steps: number;
  /** ln(classes): the loss of a uniform guess. */
  readonly lnC: number;
  readonly lastLoss: number;
  readonly accuracy: { value: number; what: string } | null;
  readonly atChance: boolean;
  /** Where the loss first exploded; null when it never did. */
  readonly exploded: { index: number; start: number } | null;
  /** The loss exploded but came back down to a run that learns: a spike, told in the summary. */
  readonly recovered: boolean;
  /** "chance is 10.0%". */
  readonly chanceText: string;
}

function runFacts(input: VerdictInput): RunFacts {
  const { numClasses, batches, end } = input;
  const exploded = explosion(batches, numClasses);
  const lastLoss = batches.at(-1)?.loss ?? Number.NaN;
  const accuracy = judgedAccuracy(input);
  const atChance = accuracy !== null && nearChance(accuracy.value, numClasses);
  // A loss that exploded and came back down to a run that learns is a spike, told in the summary.
  const stillExploded =
    exploded !== null && (!Number.isFinite(lastLoss) || explosion(batches.slice(-RECENT_POINTS), numClasses, exploded.start) !== null);
  return {
    input,
    steps: input.steps ?? batches.at(-1)?.step ?? batches.length,
    lnC: Math.log(numClasses),
    lastLoss,
    accuracy,
    atChance,
    exploded,
    recovered: exploded !== null && end.kind !== 'diverged' && !stillExploded && !atChance,
    chanceText: `chance is ${pct(1 / numClasses)}`,
  };
}

/**
 * Judges a run from its curves. Order: diverged (the guard stopped it, or the loss exploded or went
 * non-finite), stopped by the user, then — with at least {@link MIN_STEPS_TO_JUDGE} steps — not
 * learning (accuracy near chance), overfitting (validation loss, else test loss, rising for two epochs
 * or by a quarter while the training loss falls), learned; a short run at chance is "too early to tell".
 */
export function judgeRun(input: VerdictInput): Verdict {
  const f = runFacts(input);
  if (input.end.kind === 'diverged' || (f.exploded && !f.recovered)) return divergedVerdict(f);
  if (input.end.kind === 'stopped') return stoppedVerdict(f);
  const { accuracy } = f;
  if (accuracy === null) {
    return {
      kind: 'too-early',
      label: 'Too early to tell',
      status: 'Finished before its first step',
      summary: 'The run has no curves to judge.',
      causes: [],
      fixes: [],
    };
  }
  if (f.atChance) return f.steps < MIN_STEPS_TO_JUDGE ? tooEarlyVerdict(f, accuracy) : notLearningVerdict(f, accuracy);
  const overfit = overfitting(input.epochs);
  if (overfit) return overfittingVerdict(f, accuracy, overfit);
  return learnedVerdict(f, accuracy);
}

/**
 * Where a diverging run went wrong: the step and loss of the guard's stop (or the curve's peak, when
 * higher), else the first non-finite loss, else the peak; and the loss it started at.
 */
function divergencePoint(f: RunFacts): { step: number; loss: number; start: number } {
  const { batches, end } = f.input;
  const peakIndex = batches.reduce((best, p, i) => (Number.isFinite(p.loss) && p.loss > (batches[best]?.loss ?? -Infinity) ? i : best), 0);
  const firstBad = batches.findIndex((p) => !Number.isFinite(p.loss));
  const stepOf = (i: number) => batches[i]?.step ?? i + 1;
  const at =
    end.kind === 'diverged'
      ? {
          step: end.step,
          loss: Number.isFinite(end.loss) && batches[peakIndex] ? Math.max(end.loss, batches[peakIndex].loss) : end.loss,
        }
      : firstBad >= 0
        ? { step: stepOf(firstBad), loss: batches[firstBad]!.loss }
        : { step: stepOf(peakIndex), loss: batches[peakIndex]!.loss };
  if (end.kind === 'diverged' && Number.isFinite(at.loss) && batches[peakIndex] && batches[peakIndex].loss >= end.loss)
    at.step = stepOf(peakIndex);
  const start =
    f.exploded?.start ??
    Math.min(
      ...batches
        .slice(0, START_POINTS)
        .map((p) => p.loss)
        .filter(Number.isFinite),
      f.lnC,
    );
  return { step: at.step, loss: at.loss, start };
}

/** The loss exploded or went non-finite (or the loop's guard stopped the run for it). */
function divergedVerdict(f: RunFacts): Verdict {
  const { settings: s, numClasses, end } = f.input;
  const { accuracy } = f;
  const at = divergencePoint(f);
  const { start } = at;
  const peak = at.loss;
  const finite = Number.isFinite(at.loss);
  const rate = s.learningRate;
  const causes = divergenceCauses(s, rate);
  const guardStopped = end.kind === 'diverged';
  const fixes = fixesOf(causes);
  if (guardStopped && finite && s.divergenceStop)
    fixes.push({ label: 'Let such a run go on (to watch the explosion)', patch: { divergenceStop: false } });
  return {
    kind: 'diverged',
    label: 'Diverged',
    status: finite
      ? `Diverged: the loss peaked at ${loss(peak)} (step ${at.step.toLocaleString('en-US')}; it started at ${loss(start)})`
      : `Diverged: the loss became ${loss(at.loss)} at step ${at.step.toLocaleString('en-US')}`,
    summary: finite
      ? `The loss climbed to ${loss(peak)}, more than ${EXPLODE_FACTOR}× its starting value ${loss(start)}: the steps overshoot and the weights blow up.${guardStopped ? ' The run was stopped there; its curves are kept.' : accuracy ? ` It ended at ${accuracy.what} ${pct(accuracy.value)} (chance is ${pct(1 / numClasses)}).` : ''}`
      : `The loss became ${loss(at.loss)} at step ${at.step.toLocaleString('en-US')}: the weights overflowed.${guardStopped ? ' The run was stopped there; its curves are kept.' : ''}`,
    causes: textsOf(causes),
    fixes,
  };
}

/** The user stopped the run: where, the last test score, and whether it was learning until then. */
function stoppedVerdict(f: RunFacts): Verdict {
  const { settings: s, epochs, batchesPerEpoch } = f.input;
  const { accuracy, steps } = f;
  const where = stoppedWhere(steps, batchesPerEpoch, epochs.length);
  const lastEpoch = epochs.at(-1);
  const scored = lastEpoch
    ? `The test set was last scored after epoch ${lastEpoch.epoch}: ${pct(lastEpoch.test.accuracy)}.`
    : 'No epoch was finished, so the test set has not been scored yet.';
  const stuck = steps >= MIN_STEPS_TO_JUDGE && f.atChance && accuracy !== null;
  const causes = stuck ? notLearningCauses(s) : [];
  return {
    kind: 'stopped',
    label: 'Stopped',
    status: `Stopped ${where}`,
    summary: `Stopped by you ${where}. ${scored}${stuck ? ` Until then it was not learning: ${accuracy.what} ${pct(accuracy.value)} (${f.chanceText}).` : ''}`,
    causes: textsOf(causes),
    fixes: fixesOf(causes),
  };
}

/** At chance after fewer than {@link MIN_STEPS_TO_JUDGE} steps: offers more epochs. */
function tooEarlyVerdict(f: RunFacts, accuracy: { value: number; what: string }): Verdict {
  const { settings: s } = f.input;
  const { steps } = f;
  const more = Math.min(SETTINGS.epochs.max, Math.max(s.epochs * 2, Math.ceil((s.epochs * MIN_STEPS_TO_JUDGE) / Math.max(1, steps))));
  return {
    kind: 'too-early',
    label: 'Too early to tell',
    status: `Too early to tell: ${plural(steps, 'step')}, ${accuracy.what} ${pct(accuracy.value)}`,
    summary: `After only ${plural(steps, 'step')} the ${accuracy.what} is ${pct(accuracy.value)} (${f.chanceText}): too few steps to say whether it learns.`,
    causes: [],
    fixes: [{ label: `Train for ${more} epochs`, patch: { epochs: more } }],
  };
}

/** At chance after enough steps to judge: the likely causes under the settings. */
function notLearningVerdict(f: RunFacts, accuracy: { value: number; what: string }): Verdict {
  const { settings: s, numClasses } = f.input;
  const { steps, lastLoss, lnC, chanceText } = f;
  const lossText = Number.isFinite(lastLoss)
    ? Math.abs(lastLoss - lnC) < 0.15 * lnC
      ? `the training loss stays at ${loss(lastLoss)} ≈ ln ${numClasses}, the loss of a uniform guess`
      : `the training loss is ${loss(lastLoss)} (a uniform guess scores ln ${numClasses} = ${loss(lnC)})`
    : '';
  const causes = notLearningCauses(s);
  return {
    kind: 'not-learning',
    label: 'Not learning',
    status: `Not learning: ${accuracy.what} ${pct(accuracy.value)} after ${plural(steps, 'step')} (${chanceText})`,
    summary: `After ${plural(steps, 'step')} the ${accuracy.what} is ${pct(accuracy.value)} — ${chanceText}${lossText ? `, and ${lossText}` : ''}. The network predicts about as well as guessing.`,
    causes: textsOf(causes),
    fixes: fixesOf(causes),
  };
}

/** "test accuracy 97.0% after 3 epochs (chance is 10.0%)": what a run that learned reached. */
function learnedText(f: RunFacts, accuracy: { value: number; what: string }): string {
  const last = f.input.epochs.at(-1);
  return `${accuracy.what} ${pct(accuracy.value)}${last ? ` after ${plural(last.epoch, 'epoch')}` : ''} (${f.chanceText})`;
}

/** It learned, but the held-out loss rose while the training loss fell. */
function overfittingVerdict(
  f: RunFacts,
  accuracy: { value: number; what: string },
  overfit: NonNullable<ReturnType<typeof overfitting>>,
): Verdict {
  const causes = overfittingCauses(f.input.settings);
  return {
    kind: 'overfitting',
    label: 'Overfitting',
    status: `Overfitting: ${overfit.what} loss rose from ${loss(overfit.best)} (epoch ${overfit.bestEpoch}) to ${loss(overfit.last)}`,
    summary: `It learned — ${learnedText(f, accuracy)} — but since epoch ${overfit.bestEpoch} the ${overfit.what} loss rose from ${loss(overfit.best)} to ${loss(overfit.last)} while the training loss kept falling: it memorises the training examples.`,
    causes: textsOf(causes),
    fixes: fixesOf(causes),
  };
}

/** Still improving when it ended: after only a few steps, or the loss fell by 5 % of ln(classes) over the last half. */
function stillFalling(f: RunFacts): boolean {
  const { batches, epochs } = f.input;
  const q = Math.floor(batches.length / 4);
  const quarter = (from: number) => batches.slice(from, from + q).reduce((a, p) => a + p.loss, 0) / Math.max(1, q);
  return (
    !epochs.at(-1)?.stoppedEarly &&
    (f.steps < MIN_STEPS_TO_JUDGE || (q >= 5 && quarter(batches.length - 2 * q) - quarter(batches.length - q) > 0.05 * f.lnC))
  );
}

/** It learned: how well, whether early stopping ended it, an early spike, and whether more epochs would help. */
function learnedVerdict(f: RunFacts, accuracy: { value: number; what: string }): Verdict {
  const { settings: s, batches, epochs, seconds } = f.input;
  const { steps } = f;
  const last = epochs.at(-1);
  const text = learnedText(f, accuracy);
  const time = seconds !== undefined && Number.isFinite(seconds) ? ` in ${seconds.toFixed(1)} s` : '';
  const early =
    last?.stoppedEarly && last.bestEpoch !== null
      ? ` Early stopping ended it: the validation loss was lowest at epoch ${last.bestEpoch}.`
      : '';
  const spike = f.recovered ? ` Early on the loss spiked to ${loss(Math.max(...batches.map((p) => p.loss)))}, then recovered.` : '';
  const more = Math.min(SETTINGS.epochs.max, s.epochs * 2);
  const longer = stillFalling(f) && more > s.epochs;
  return {
    kind: 'learned',
    label: 'Learned',
    status: `Learned: ${text}${time}`,
    summary: `${text.charAt(0).toUpperCase()}${text.slice(1)}.${early}${spike}${longer ? ` The loss was still falling when it ended${steps < MIN_STEPS_TO_JUDGE ? ` (after only ${plural(steps, 'step')})` : ''}: more epochs would help.` : ''}`,
    causes: [],
    fixes: longer ? [{ label: `Train for ${more} epochs`, patch: { epochs: more } }] : [],
  };
}

/**
 * Overfitting in the per-epoch curves: the held-out loss (validation, else test) at the last epoch is
 * above its lowest value — two or more epochs after it, by 10 %, or at once by 25 % — while the
 * training loss at the last epoch is below the one at the best epoch.
 */
export function overfitting(epochs: VerdictInput['epochs']): { what: string; bestEpoch: number; best: number; last: number } | null {
  if (epochs.length < 3) return null;
  const useValidation = epochs.every((e) => e.validation !== null);
  const heldOut = epochs.map((e) => (useValidation ? e.validation!.loss : e.test.loss));
  let bestIndex = 0;
  heldOut.forEach((v, i) => {
    if (v < heldOut[bestIndex]!) bestIndex = i;
  });
  const lastIndex = epochs.length - 1;
  const best = heldOut[bestIndex]!;
  const lastValue = heldOut[lastIndex]!;
  const since = lastIndex - bestIndex;
  const rise = (lastValue - best) / Math.max(best, 1e-9);
  if (since === 0 || !(rise >= (since >= 2 ? 0.1 : 0.25))) return null;
  if (!(epochs[lastIndex]!.trainLoss < epochs[bestIndex]!.trainLoss)) return null;
  return { what: useValidation ? 'validation' : 'test', bestEpoch: epochs[bestIndex]!.epoch, best, last: lastValue };
}

/** One setting a fix changed, for the confirmation ("Learning rate: 5 → 0.01"). */
export interface SettingChange {
  readonly name: SettingName;
  readonly label: string;
  readonly from: string;
  readonly to: string;
}

/** A setting's value as the panel shows it: an option's label, on/off, or the number. */
export function describeValue(name: SettingName, value: Settings[SettingName]): string {
  const spec = SETTINGS[name];
  if (spec.kind === 'boolean') return value ? 'on' : 'off';
  if (spec.kind === 'enum') return spec.options.find((o) => o.value === value)?.label ?? String(value);
  return String(value);
}

/** `settings` with `patch` applied (each value validated by the schema), and what actually changed. */
export function applyFix(settings: Settings, patch: Partial<Settings>): { settings: Settings; changes: SettingChange[] } {
  let out = settings;
  const changes: SettingChange[] = [];
  for (const name of Object.keys(patch) as SettingName[]) {
    const next = withSetting(out, name, patch[name]!);
    if (next[name] === out[name]) continue;
    changes.push({ name, label: SETTINGS[name].label, from: describeValue(name, out[name]), to: describeValue(name, next[name]) });
    out = next;
  }
  return { settings: out, changes };
}

/** A hint when `settings`' learning rate is outside the usual range of its optimizer; null when it is inside. */
export function learningRateHint(settings: Pick<Settings, 'optimizer' | 'learningRate'>): { text: string; rate: number } | null {
  const usual = USUAL_LEARNING_RATE[settings.optimizer];
  if (settings.learningRate >= usual.low && settings.learningRate <= usual.high) return null;
  return {
    text: `${optionLabel('optimizer', settings.optimizer)} usually wants lr ≈ ${fmtRate(usual.rate)} (${fmtRate(usual.low)}–${fmtRate(usual.high)}); this one is ${fmtRate(settings.learningRate)}.`,
    rate: usual.rate,
  };
}
