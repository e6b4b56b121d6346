/**
 * The training loop: framework-free, backend-agnostic, runs the same in a Web Worker and in Node.
 *
 * It never touches the UI. Progress goes out through the `TrainObserver` callbacks; pause and stop
 * come in through a `RunControl`. Per-batch metrics stay on the device and are read back in bulk,
 * asynchronously, a few times a second, so the GPU pipeline is not stalled by a read per batch.
 */
import * as tf from '@tensorflow/tfjs';
import { fillBatch, imageSize, type Subset } from './data/batches';
import { unitPreprocessing, type Augmentation, type Preprocessing } from './data/transforms';
import { getLearningRate, learningRateAt, setLearningRate } from './optimizers';
import { kernelNames, kernelVariables } from './model';
import { captureCheckpoint, type LoopPosition, type TrainCheckpoint } from './recovery';
import type { GradientNormPoint } from './inspect/types';
import { createRng, deriveSeed, permutation } from './rng';
import type { Settings } from './settings';
import { divergenceAdvice, DivergenceWatch, EXPLODE_FACTOR, fmtRate } from './verdict';
import type { BatchPoint, EpochMetrics, Evaluation, Progress, StepUnit, TestPredictions } from './wire';

export type { BatchPoint, EpochMetrics, Evaluation, Progress, StepUnit, TestPredictions } from './wire';
export { kernelNames } from './model';

export interface TrainObserver {
  onBatches(points: readonly BatchPoint[]): void;
  onProgress(progress: Progress): void;
  onEpoch(metrics: EpochMetrics): void;
  /**
   * The test set's predictions from the epoch's evaluation (by position in `test`), before `onEpoch`.
   * Comes from the same pass as the test accuracy; the arrays are the observer's to keep.
   */
  onTestPredictions?(epoch: number, predictions: TestPredictions): void;
  /** Asked before each step: measure per-layer gradient norms in this step? Absent: never. */
  gradientNormsDue?(step: number): boolean;
  /**
   * Gradient norms measured since the last flush (read in the same bulk read as the losses), one per
   * kernel in `layers` order (`kernelVariables` in model.ts).
   */
  onGradientNorms?(layers: readonly string[], points: readonly GradientNormPoint[]): void;
  /**
   * When present, the loop copies the weights and its position to host memory every
   * ~{@link CHECKPOINT_EVERY_MS} and at the end of every epoch's training, and hands each copy here: the
   * worker keeps the last one to resume from if the backend is lost (see recovery.ts). Absent: no
   * checkpoints, no cost.
   */
  onCheckpoint?(checkpoint: TrainCheckpoint): void;
}

/** Cooperative pause/stop/step, polled by the loop between steps. */
export class RunControl {
  private stopRequested = false;
  private resumeWaiter: (() => void) | null = null;
  private pausedFlag = false;

  get stopped(): boolean {
    return this.stopRequested;
  }
  get paused(): boolean {
    return this.pausedFlag;
  }
  stop(): void {
    this.stopRequested = true;
    this.resume();
  }
  pause(): void {
    this.pausedFlag = true;
  }
  resume(): void {
    this.stepping = null;
    this.go();
  }
  private go(): void {
    this.pausedFlag = false;
    this.resumeWaiter?.();
    this.resumeWaiter = null;
  }

  /** What a Step asked for: pause again after one batch, or at the end of the current epoch (after its evaluation). */
  private stepping: StepUnit | null = null;
  /**
   * Called by the loop whenever it stops at a pause, once the points of the steps taken have been
   * handed to the observer (e.g. to say "paused" after a Step).
   */
  onPaused: (() => void) | null = null;
  /** TensorFlow Playground's Step: run one batch (or to the end of the epoch), then pause again. */
  step(unit: StepUnit): void {
    this.stepping = unit;
    this.go();
  }
  /** The loop reports every step it took; a Step's budget running out pauses the run. */
  stepTaken(endOfEpoch: boolean): void {
    if (this.stepping === 'batch' || (this.stepping === 'epoch' && endOfEpoch)) {
      this.stepping = null;
      this.pausedFlag = true;
    }
  }
  /** Resolves immediately unless paused; otherwise when resumed or stopped. */
  waitWhilePaused(): Promise<void> {
    if (!this.pausedFlag) return Promise.resolve();
    return new Promise((resolve) => {
      this.resumeWaiter = resolve;
    });
  }

  private interruption: Error | null = null;
  private readonly interruptWaiters = new Set<(error: Error) => void>();

  /** The error the run was interrupted with (e.g. a lost backend), or null. */
  get interrupted(): Error | null {
    return this.interruption;
  }
  /**
   * Ends the run with `error` at its next await, even one that would never settle (a read from a
   * lost WebGL context hangs forever): every {@link guard}ed promise rejects with it.
   */
  interrupt(error: Error): void {
    this.interruption ??= error;
    for (const reject of this.interruptWaiters) reject(this.interruption);
    this.interruptWaiters.clear();
  }
  /** Forgets the interruption, so the same control can drive the resumed run. */
  clearInterruption(): void {
    this.interruption = null;
  }
  /** `promise`, unless the run is interrupted first: then the interruption's error. */
  guard<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.interruption) {
        promise.catch(() => undefined);
        reject(this.interruption);
        return;
      }
      this.interruptWaiters.add(reject);
      promise.then(
        (value) => {
          this.interruptWaiters.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.interruptWaiters.delete(reject);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}

/** Thrown when the loss stops being a finite number, or (with `divergenceStop`) explodes. */
export class DivergenceError extends Error {
  override readonly name = 'DivergenceError';
  /**
   * @param advice what probably caused it under the run's settings (see {@link divergenceAdvice});
   *   the generic learning-rate advice when absent.
   * @param startingLoss for a finite `loss`: the starting loss it exploded from.
   */
  constructor(
    readonly step: number,
    readonly loss: number,
    advice = 'The learning rate is probably too high for this optimizer; try a smaller one.',
    startingLoss?: number,
  ) {
    super(
      Number.isFinite(loss)
        ? `The loss climbed to ${fmtRate(loss)} at step ${step}, more than ${EXPLODE_FACTOR}× its starting value ${fmtRate(startingLoss ?? Number.NaN)}: training diverged. ${advice}`
        : `The loss became ${Number.isNaN(loss) ? 'NaN' : 'infinite'} at step ${step}: training diverged. ${advice}`,
    );
  }
}

export { divergenceAdvice } from './verdict';

/** The settings `train` reads; what is absent keeps its default (off / constant). */
export type TrainSettings = Pick<Settings, 'batchSize' | 'epochs' | 'seed'> &
  Partial<
    Pick<
      Settings,
      | 'lrSchedule'
      | 'lrDecay'
      | 'lrGamma'
      | 'lrStepEpochs'
      | 'lrMin'
      | 'l2'
      | 'clipNorm'
      | 'patience'
      | 'restoreBest'
      | 'randomErasing'
      | 'erasingAreaMin'
      | 'erasingAreaMax'
      | 'erasingAspectMin'
      | 'erasingAspectMax'
      | 'shift'
      | 'divergenceStop'
      // Read only to phrase the divergence message.
      | 'optimizer'
      | 'activation'
      | 'model'
      | 'initializer'
      | 'initScale'
      | 'batchNorm'
      | 'residual'
      | 'depth'
    >
  >;

export interface TrainInput {
  readonly model: tf.LayersModel;
  /** Its learning rate at the start is λ0 of the schedule. */
  readonly optimizer: tf.Optimizer;
  readonly train: Subset;
  readonly validation: Subset | null;
  readonly test: Subset;
  /** The test set as negatives, evaluated after every epoch next to `test`; absent/null: not evaluated. */
  readonly testNegative?: Subset | null;
  /** Pixel preprocessing of every subset (default: scale to [0, 1]). */
  readonly preprocessing?: Preprocessing;
  readonly numClasses: number;
  readonly settings: TrainSettings;
  readonly control: RunControl;
  readonly observer: TrainObserver;
  /** Lets pending messages (pause, stop) be handled; called every ~`yieldEveryMs`. */
  readonly yieldNow?: () => Promise<void>;
  /**
   * Continue a run from this checkpoint (its weights already restored into `model` and `optimizer`,
   * see `restoreCheckpoint`): same epoch, batch, step, learning rate and finished epochs.
   */
  readonly resume?: TrainCheckpoint | null;
  readonly now?: () => number;
}

export interface TrainResult {
  readonly epochsCompleted: number;
  readonly stopped: boolean;
  readonly history: readonly EpochMetrics[];
  /** Epoch with the lowest validation loss; null without a validation set. */
  readonly bestEpoch: number | null;
  /** Early stopping ended the run (patience ran out). */
  readonly stoppedEarly: boolean;
  /** The model's weights were reset to those after this epoch (restore-best); null when not. */
  readonly restoredEpoch: number | null;
}

/**
 * Early stopping on the validation loss: remembers the best epoch (and, with restore-best, a copy of
 * its weights) and says when `patience` epochs have passed without a lower loss. Owns its copy;
 * call `dispose`.
 */
export class EarlyStopping {
  bestEpoch: number | null = null;
  bestLoss = Infinity;
  private snapshot: tf.Tensor[] | null = null;
  private lastEpoch = 0;

  /** @param patience epochs without improvement before stopping; 0 = only track the best epoch. */
  constructor(
    readonly patience: number,
    readonly restoreBest: boolean,
  ) {}

  /** Records the validation loss after `epoch` (1-based); returns true when training should stop. */
  update(epoch: number, validationLoss: number, model: tf.LayersModel): boolean {
    this.lastEpoch = epoch;
    if (validationLoss < this.bestLoss) {
      this.bestLoss = validationLoss;
      this.bestEpoch = epoch;
      if (this.patience > 0 && this.restoreBest) {
        if (this.snapshot) tf.dispose(this.snapshot);
        this.snapshot = tf.tidy(() => model.getWeights().map((w) => w.clone()));
      }
    }
    if (this.patience <= 0) return false;
    // A loss that never improved (NaN from the start) counts from epoch 0.
    return epoch - (this.bestEpoch ?? 0) >= this.patience;
  }

  /** Puts the best epoch's weights back when they are not the current ones; returns that epoch or null. */
  restore(model: tf.LayersModel): number | null {
    if (!this.snapshot || this.bestEpoch === null || this.bestEpoch === this.lastEpoch) return null;
    model.setWeights(this.snapshot);
    return this.bestEpoch;
  }

  dispose(): void {
    if (this.snapshot) tf.dispose(this.snapshot);
    this.snapshot = null;
  }
}

const FLUSH_EVERY_MS = 250;
/** Host checkpoints (only with `onCheckpoint`): at most this often mid-epoch. */
export const CHECKPOINT_EVERY_MS = 5000;
const YIELD_EVERY_MS = 40;
const EVAL_BATCH = 500;

/** Yields to the event loop with a real macrotask (MessageChannel: no 4 ms timer clamping). */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Trains `model` for `settings.epochs` epochs of shuffled mini-batches, evaluating on the validation and
 * test subsets (and the negative test set, when given) after each epoch. Applies the learning-rate
 * schedule per step, L2 and gradient clipping, training-time augmentation, and early stopping on the
 * validation loss. Resolves when done, stopped or stopped early; rejects with DivergenceError on a NaN loss or (with `divergenceStop`) an exploding one.
 */
export async function train(input: TrainInput): Promise<TrainResult> {
  const { model, optimizer, control, observer, numClasses } = input;
  const settings = input.settings;
  const { batchSize, epochs } = settings;
  const now = input.now ?? (() => performance.now());
  const yieldNow = input.yieldNow ?? macrotask;
  const trainCount = input.train.indices.length;
  const pixels = imageSize(input.train.source);
  const shape = [input.train.source.height, input.train.source.width, input.train.source.channels];
  const batchesPerEpoch = Math.ceil(trainCount / batchSize);
  const totalSteps = batchesPerEpoch * epochs;
  const xBuf = new Float32Array(batchSize * pixels);
  const yBuf = new Float32Array(batchSize * numClasses);
  const shuffleRng = createRng(deriveSeed(input.settings.seed, 'shuffle'));
  const preprocessing = input.preprocessing ?? unitPreprocessing(input.train.source.channels);
  const erasing = settings.randomErasing ?? 0;
  const shift = settings.shift ?? 0;
  const range = (a = 0, b = 0): [number, number] => [Math.min(a, b), Math.max(a, b)];
  const augmentation: Augmentation | null =
    erasing > 0 || shift > 0
      ? {
          erasing,
          shift,
          ...(settings.erasingAreaMin !== undefined ? { area: range(settings.erasingAreaMin, settings.erasingAreaMax) } : {}),
          ...(settings.erasingAspectMin !== undefined ? { aspect: range(settings.erasingAspectMin, settings.erasingAspectMax) } : {}),
          rng: createRng(deriveSeed(settings.seed, 'augment')),
        }
      : null;
  const step_ = new StepRunner(model, optimizer, settings.l2 ?? 0, settings.clipNorm ?? 0);
  // λ0 is what the optimizer was built with; a constant schedule never touches it.
  const baseRate = getLearningRate(optimizer);
  const schedule = { ...settings, learningRate: baseRate };
  const scheduled = (settings.lrSchedule ?? 'constant') !== 'constant';
  const resume = input.resume ?? null;
  let currentRate = resume?.learningRate ?? baseRate;
  if (currentRate !== baseRate) setLearningRate(optimizer, currentRate);
  const early = new EarlyStopping(input.validation ? (settings.patience ?? 0) : 0, settings.restoreBest ?? true);
  if (resume) {
    early.bestEpoch = resume.bestEpoch;
    early.bestLoss = resume.bestLoss;
  }

  const history: EpochMetrics[] = [...(resume?.history ?? [])];
  let step = resume?.step ?? 0;
  let stoppedEarly = false;
  let lastYield = now();
  // [loss, accuracy] per step, still on the device; gradient norms of the steps that measured them.
  let pending: { step: number; epoch: number; learningRate: number; stats: tf.Tensor1D; norms: tf.Tensor1D | null }[] = [];
  let lastFlush = now();
  let epochLossSum = 0;
  let epochAccSum = 0;
  let epochSteps = 0;
  let rateWindow = { time: now(), examples: 0, rate: 0 };
  const watch = new DivergenceWatch(numClasses);

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const withNorms = batch.filter((p) => p.norms);
    const stacked = tf.tidy(() => {
      const stats = tf.stack(batch.map((p) => p.stats));
      return withNorms.length > 0 ? tf.concat([tf.reshape(stats, [-1]), ...withNorms.map((p) => p.norms!)]) : stats;
    });
    batch.forEach((p) => {
      p.stats.dispose();
      p.norms?.dispose();
    });
    let values: Float32Array | Int32Array | Uint8Array;
    try {
      values = await control.guard(stacked.data());
    } finally {
      stacked.dispose();
    }
    const points: BatchPoint[] = batch.map((p, i) => ({
      step: p.step,
      epoch: p.epoch,
      loss: values[2 * i]!,
      accuracy: values[2 * i + 1]!,
      learningRate: p.learningRate,
    }));
    if (withNorms.length > 0 && observer.onGradientNorms) {
      const k = step_.kernelLayers.length;
      const at = 2 * batch.length;
      observer.onGradientNorms(
        step_.kernelLayers,
        withNorms.map((p, j) => ({
          step: p.step,
          epoch: p.epoch,
          norms: Float32Array.from(values.subarray(at + j * k, at + (j + 1) * k) as Float32Array),
        })),
      );
    }
    // A NaN/∞ loss always ends the run; an exploding one too unless `divergenceStop` is off.
    const bad = points.findIndex((p) => watch.add(p.loss) && (!Number.isFinite(p.loss) || (settings.divergenceStop ?? true)));
    // The curve up to the divergence (with the exploded point itself) goes out first, so the student sees the blow-up.
    const good = bad < 0 ? points : points.slice(0, Number.isFinite(points[bad]!.loss) ? bad + 1 : bad);
    for (const p of good) {
      epochLossSum += p.loss;
      epochAccSum += p.accuracy;
      epochSteps += 1;
    }
    if (good.length > 0) observer.onBatches(good);
    const first = points[bad];
    if (first) {
      // Where it stopped, also when that is before the first progress report (lr 5 explodes in 3 steps).
      const at = good.at(-1) ?? first;
      const e = Math.floor((at.step - 1) / batchesPerEpoch) + 1;
      observer.onProgress({
        epoch: e,
        epochs,
        batch: at.step - (e - 1) * batchesPerEpoch,
        batchesPerEpoch,
        examplesPerSecond: rateWindow.rate || rateWindow.examples / Math.max(1e-3, (now() - rateWindow.time) / 1000),
        etaSeconds: 0,
      });
      throw new DivergenceError(first.step, first.loss, divergenceAdvice(settings, first.learningRate), watch.startingLoss);
    }
  };

  // Host checkpoints for recovery (only when the observer keeps them).
  let lastCheckpoint = now();
  // A holder, not a `let`: it is written inside the closure below.
  const taken: { last: TrainCheckpoint | null } = { last: null };
  const checkpoint = async (position: Omit<LoopPosition, 'learningRate' | 'history' | 'bestEpoch' | 'bestLoss'>): Promise<void> => {
    if (!observer.onCheckpoint) return;
    const full = { ...position, learningRate: currentRate, history: [...history], bestEpoch: early.bestEpoch, bestLoss: early.bestLoss };
    taken.last = await captureCheckpoint(model, optimizer, full, (p) => control.guard(p));
    observer.onCheckpoint(taken.last);
    lastCheckpoint = now();
  };
  const firstEpoch = resume?.epoch ?? 1;
  // The shuffle order of epoch e is the e-th permutation drawn: a resumed run draws the same ones.
  for (let e = 1; e < firstEpoch; e++) permutation(trainCount, shuffleRng);

  try {
    if (!resume) await checkpoint({ epoch: 1, batch: 0, step: 0, examples: 0, lossSum: 0, accuracySum: 0, steps: 0, seconds: 0 });
    for (let epoch = firstEpoch; epoch <= epochs && !control.stopped; epoch++) {
      const order = permutation(trainCount, shuffleRng);
      const resumed = resume?.epoch === epoch ? resume : null;
      const epochStart = now() - (resumed?.seconds ?? 0) * 1000;
      let examplesThisEpoch = resumed?.examples ?? 0;
      epochLossSum = resumed?.lossSum ?? 0;
      epochAccSum = resumed?.accuracySum ?? 0;
      epochSteps = resumed?.steps ?? 0;
      const position = (batch: number) => ({
        epoch,
        batch,
        step,
        examples: examplesThisEpoch,
        lossSum: epochLossSum,
        accuracySum: epochAccSum,
        steps: epochSteps,
        seconds: (now() - epochStart) / 1000,
      });

      for (let b = resumed?.batch ?? 0; b < batchesPerEpoch; b++) {
        if (control.paused) {
          await flush();
          if (b > 0) observer.onProgress({ epoch, epochs, batch: b, batchesPerEpoch, examplesPerSecond: rateWindow.rate, etaSeconds: 0 });
          control.onPaused?.();
          await control.guard(control.waitWhilePaused());
          rateWindow = { time: now(), examples: 0, rate: rateWindow.rate };
        }
        if (control.stopped) break;

        const start = b * batchSize;
        const size = Math.min(batchSize, trainCount - start);
        fillBatch(input.train, order, start, size, numClasses, xBuf, yBuf, preprocessing, augmentation);
        step += 1;
        if (scheduled) {
          const rate = learningRateAt(schedule, step, batchesPerEpoch, totalSteps);
          if (rate !== currentRate) {
            setLearningRate(optimizer, rate);
            currentRate = rate;
          }
        }
        const { stats, norms } = step_.run(xBuf, yBuf, size, shape, numClasses, observer.gradientNormsDue?.(step) ?? false);
        pending.push({ step, epoch: epoch - 1 + (b + 1) / batchesPerEpoch, learningRate: currentRate, stats, norms });
        examplesThisEpoch += size;
        rateWindow.examples += size;
        control.stepTaken(b === batchesPerEpoch - 1);

        const t = now();
        if (t - lastFlush >= FLUSH_EVERY_MS || b === batchesPerEpoch - 1) {
          await flush();
          const t2 = now();
          lastFlush = t2;
          const elapsed = (t2 - rateWindow.time) / 1000;
          if (elapsed > 0.5) rateWindow = { time: t2, examples: 0, rate: rateWindow.examples / elapsed };
          const rate = rateWindow.rate || examplesThisEpoch / Math.max(1e-3, (t2 - epochStart) / 1000);
          const remaining = (epochs - epoch) * trainCount + (trainCount - examplesThisEpoch);
          observer.onProgress({
            epoch,
            epochs,
            batch: b + 1,
            batchesPerEpoch,
            examplesPerSecond: rate,
            etaSeconds: rate > 0 ? remaining / rate : 0,
          });
          if (t2 - lastCheckpoint >= CHECKPOINT_EVERY_MS && b < batchesPerEpoch - 1) await checkpoint(position(b + 1));
        }
        if (t - lastYield >= YIELD_EVERY_MS) {
          await control.guard(yieldNow());
          lastYield = now();
        }
      }
      await flush();
      const trainSeconds = (now() - epochStart) / 1000;
      if (control.stopped && examplesThisEpoch < trainCount) {
        // The last report may be a few steps behind: say where the run really stopped.
        observer.onProgress({
          epoch,
          epochs,
          batch: step - (epoch - 1) * batchesPerEpoch,
          batchesPerEpoch,
          examplesPerSecond: rateWindow.rate,
          etaSeconds: 0,
        });
        break;
      }
      // Evaluation is long on a slow backend: a loss during it resumes right here.
      await checkpoint(position(batchesPerEpoch));

      const validation = input.validation ? await control.guard(evaluate(model, input.validation, numClasses, preprocessing)) : null;
      const predictions = observer.onTestPredictions
        ? { predicted: new Uint8Array(input.test.indices.length), confidence: new Float32Array(input.test.indices.length) }
        : undefined;
      const test = await control.guard(evaluate(model, input.test, numClasses, preprocessing, predictions));
      if (predictions) observer.onTestPredictions?.(epoch, predictions);
      const testNegative = input.testNegative ? await control.guard(evaluate(model, input.testNegative, numClasses, preprocessing)) : null;
      stoppedEarly = validation !== null && early.update(epoch, validation.loss, model) && epoch < epochs;
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: epochSteps > 0 ? epochLossSum / epochSteps : NaN,
        trainAccuracy: epochSteps > 0 ? epochAccSum / epochSteps : NaN,
        validation,
        test,
        testNegative,
        learningRate: currentRate,
        bestEpoch: early.bestEpoch,
        stoppedEarly,
        trainSeconds,
        examplesPerSecond: examplesThisEpoch / Math.max(trainSeconds, 1e-6),
      };
      history.push(metrics);
      observer.onEpoch(metrics);
      const last = taken.last;
      if (last?.epoch === epoch && last.batch === batchesPerEpoch) {
        // Evaluation leaves the weights alone: the same copy is the start of the next epoch.
        taken.last = {
          ...last,
          ...position(0),
          epoch: epoch + 1,
          examples: 0,
          lossSum: 0,
          accuracySum: 0,
          steps: 0,
          seconds: 0,
          history: [...history],
          bestEpoch: early.bestEpoch,
          bestLoss: early.bestLoss,
        };
        observer.onCheckpoint?.(taken.last);
      }
      await control.guard(yieldNow());
      lastYield = now();
      if (stoppedEarly) break;
    }
    const restoredEpoch = early.restore(model);
    return { epochsCompleted: history.length, stopped: control.stopped, history, bestEpoch: early.bestEpoch, stoppedEarly, restoredEpoch };
  } finally {
    pending.forEach((p) => {
      p.stats.dispose();
      p.norms?.dispose();
    });
    early.dispose();
  }
}

/**
 * One optimizer step per call. Without L2 and clipping it is `optimizer.minimize`; with either, the
 * gradients are taken with `tf.variableGrads`, adjusted ({@link adjustGradients}) and applied.
 */
class StepRunner {
  private readonly vars: tf.Variable[];
  private readonly kernels: ReadonlySet<string>;
  private readonly kernelVars: tf.Variable[];
  /** Layer names of the gradient norms, in order. */
  readonly kernelLayers: string[];
  constructor(
    private readonly model: tf.LayersModel,
    private readonly optimizer: tf.Optimizer,
    private readonly l2: number,
    private readonly clipNorm: number,
  ) {
    this.vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.kernels = kernelNames(model);
    const kernels = kernelVariables(model);
    this.kernelVars = kernels.map((k) => k.variable);
    this.kernelLayers = kernels.map((k) => k.layer);
  }

  /**
   * Returns [loss, accuracy] as a device tensor the caller disposes, and with `withNorms` the
   * ‖∂loss/∂W‖₂ of every kernel (of the loss alone, before L2 and clipping), also on the device. The
   * norms come from the step's own gradients: `minimize` is variableGrads + applyGradients, so
   * taking that path on a measuring step changes nothing in the update.
   */
  run(
    xBuf: Float32Array,
    yBuf: Float32Array,
    size: number,
    shape: number[],
    numClasses: number,
    withNorms = false,
  ): { stats: tf.Tensor1D; norms: tf.Tensor1D | null } {
    const { model, optimizer } = this;
    let norms: tf.Tensor1D | null = null;
    const stats = tf.tidy(() => {
      const x = tf.tensor4d(xBuf.subarray(0, size * shape[0]! * shape[1]! * shape[2]!), [size, shape[0]!, shape[1]!, shape[2]!]);
      const y = tf.tensor2d(yBuf.subarray(0, size * numClasses), [size, numClasses]);
      const kept: { accuracy?: tf.Scalar } = {};
      const lossFn = (): tf.Scalar => {
        const logits = model.apply(x, { training: true }) as tf.Tensor2D;
        kept.accuracy = tf.keep(batchAccuracy(logits, y));
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
      };
      let loss: tf.Scalar | null;
      if (this.l2 === 0 && this.clipNorm === 0 && !withNorms) {
        loss = optimizer.minimize(lossFn, true);
      } else {
        const { value, grads } = tf.variableGrads(lossFn, this.vars);
        if (withNorms)
          norms = tf.keep(tf.stack(this.kernelVars.map((v) => (grads[v.name] ? tf.norm(grads[v.name]!) : tf.scalar(0)))) as tf.Tensor1D);
        optimizer.applyGradients(adjustGradients(grads, this.vars, this.kernels, this.l2, this.clipNorm));
        loss = value;
      }
      const acc = kept.accuracy;
      if (!loss || !acc) throw new Error('optimizer returned no loss');
      const stats = tf.stack([loss, acc]) as tf.Tensor1D;
      // tf.keep exempts `acc` from every enclosing tidy, so it has to go by hand.
      acc.dispose();
      return stats;
    });
    return { stats, norms };
  }
}

/**
 * The gradients after L2 and clipping: g + 2λw for every variable named in `kernels` (the gradient
 * of λ‖w‖²), then, when `clipNorm` > 0 and the global norm ‖g‖ = √(Σ‖g_i‖²) exceeds it, every g_i
 * scaled by clipNorm/‖g‖. Call inside a tidy.
 */
export function adjustGradients(
  grads: tf.NamedTensorMap,
  vars: readonly tf.Variable[],
  kernels: ReadonlySet<string>,
  l2: number,
  clipNorm: number,
): tf.NamedTensorMap {
  let out: tf.NamedTensorMap = grads;
  if (l2 > 0) {
    out = {};
    for (const v of vars) {
      const g = grads[v.name];
      if (!g) continue;
      out[v.name] = kernels.has(v.name) ? tf.add(g, tf.mul(v, 2 * l2)) : g;
    }
  }
  if (clipNorm > 0) {
    const names = Object.keys(out);
    const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(out[n]!)))));
    const factor = tf.div(clipNorm, tf.maximum(norm, clipNorm));
    const clipped: tf.NamedTensorMap = {};
    for (const n of names) clipped[n] = tf.mul(out[n]!, factor);
    out = clipped;
  }
  return out;
}

function batchAccuracy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(oneHot, 1)), 'float32'));
}

/**
 * Mean cross-entropy and accuracy of `model` on `subset` (through `preprocessing`), accumulated in JS
 * doubles. With `out`, also fills in each example's predicted class and its probability (by position
 * in `subset`), read in the same bulk read as the sums: no second pass.
 */
export async function evaluate(
  model: tf.LayersModel,
  subset: Subset,
  numClasses: number,
  preprocessing?: Preprocessing,
  out?: TestPredictions,
): Promise<Evaluation> {
  const count = subset.indices.length;
  const { height, width, channels } = subset.source;
  const pixels = imageSize(subset.source);
  const size = Math.min(EVAL_BATCH, count);
  const xBuf = new Float32Array(size * pixels);
  const yBuf = new Float32Array(size * numClasses);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < count; start += size) {
    const n = Math.min(size, count - start);
    fillBatch(subset, null, start, n, numClasses, xBuf, yBuf, preprocessing);
    const sums = tf.tidy(() => {
      const x = tf.tensor4d(xBuf.subarray(0, n * pixels), [n, height, width, channels]);
      const y = tf.tensor2d(yBuf.subarray(0, n * numClasses), [n, numClasses]);
      const logits = model.predict(x) as tf.Tensor2D;
      const lossTotal = tf.sum(tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.NONE));
      const predicted = tf.argMax(logits, 1);
      const hits = tf.sum(tf.cast(tf.equal(predicted, tf.argMax(y, 1)), 'float32'));
      const both = tf.stack([lossTotal, hits]);
      return out ? tf.concat([both, tf.cast(predicted, 'float32'), tf.max(tf.softmax(logits), 1)]) : both;
    });
    const values = await sums.data();
    sums.dispose();
    // A real yield per batch: on WASM/CPU `data()` settles as a microtask, and a long evaluation would
    // otherwise hold off the worker's heartbeat and pause/stop messages for seconds.
    await macrotask();
    lossSum += values[0]!;
    correct += values[1]!;
    if (out) {
      for (let i = 0; i < n; i++) {
        out.predicted[start + i] = values[2 + i]!;
        out.confidence[start + i] = values[2 + n + i]!;
      }
    }
  }
  return { loss: lossSum / count, accuracy: correct / count };
}
