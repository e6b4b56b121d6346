/**
 * One training run, put together from its parts: the step runner (one optimisation step), the
 * metrics buffer (per-batch metrics on the device, read in bulk), the progress meter (progress and
 * ETA), the epoch evaluation (validation / test, early stopping), host checkpoints and the divergence
 * guard. This class owns the loop: epochs of shuffled batches, flushes, pause / stop / Step, yields.
 */
import { fillBatch, imageSize } from '../data/batches';
import { unitPreprocessing, type Augmentation, type Preprocessing } from '../data/transforms';
import { createRng, deriveSeed, permutation, type Rng } from '../rng';
import type { BatchPoint, EpochMetrics } from '../wire';
import { Checkpoints, type LoopPlace, type RunState } from './checkpoints';
import { DivergenceGuard } from './divergence';
import { EarlyStopping, evaluateEpoch } from './epochEvaluation';
import { LearningRateSchedule } from './learningRate';
import { MetricsBuffer } from './metricsBuffer';
import { ProgressMeter } from './progressMeter';
import { macrotask } from './runControl';
import { StepRunner } from './stepRunner';
import type { TrainInput, TrainResult, TrainSettings } from './types';

/** Pending metrics are read at most this often (and at every epoch's end). */
const FLUSH_EVERY_MS = 250;
/** The loop lets pending messages (pause, stop) in at least this often. */
const YIELD_EVERY_MS = 40;

export class TrainingRun {
  private readonly now: () => number;
  private readonly yieldNow: () => Promise<void>;
  private readonly trainCount: number;
  private readonly batchesPerEpoch: number;
  private readonly shape: readonly number[];
  private readonly xBuf: Float32Array;
  private readonly yBuf: Float32Array;
  private readonly shuffleRng: Rng;
  private readonly preprocessing: Preprocessing;
  private readonly augmentation: Augmentation | null;
  private readonly runner: StepRunner;
  private readonly rate: LearningRateSchedule;
  private readonly early: EarlyStopping;
  private readonly buffer: MetricsBuffer;
  private readonly divergence: DivergenceGuard;
  private readonly meter: ProgressMeter;
  private readonly checkpoints: Checkpoints;
  private readonly history: EpochMetrics[];
  private step: number;
  private epoch = 0;
  private lastYield: number;
  private lastFlush: number;
  /** The sums behind the epoch's mean training loss and accuracy (over the steps flushed). */
  private tally = { lossSum: 0, accuracySum: 0, steps: 0 };

  constructor(private readonly input: TrainInput) {
    const { model, optimizer, observer, control, numClasses, settings, resume } = input;
    const { batchSize, epochs } = settings;
    const source = input.train.source;
    this.now = input.now ?? (() => performance.now());
    this.yieldNow = input.yieldNow ?? macrotask;
    this.trainCount = input.train.indices.length;
    this.batchesPerEpoch = Math.ceil(this.trainCount / batchSize);
    this.shape = [source.height, source.width, source.channels];
    this.xBuf = new Float32Array(batchSize * imageSize(source));
    this.yBuf = new Float32Array(batchSize * numClasses);
    this.shuffleRng = createRng(deriveSeed(settings.seed, 'shuffle'));
    this.preprocessing = input.preprocessing ?? unitPreprocessing(source.channels);
    this.augmentation = augmentationFor(settings);
    this.runner = new StepRunner(model, optimizer, settings.l2, settings.clipNorm);
    const totalSteps = this.batchesPerEpoch * epochs;
    this.rate = new LearningRateSchedule(optimizer, settings, this.batchesPerEpoch, totalSteps, resume?.learningRate ?? null);
    this.early = new EarlyStopping(input.validation ? settings.patience : 0, settings.restoreBest);
    if (resume) {
      this.early.bestEpoch = resume.bestEpoch;
      this.early.bestLoss = resume.bestLoss;
    }
    this.history = [...(resume?.history ?? [])];
    this.step = resume?.step ?? 0;
    // The clock is read in this order (fake clocks in tests count the calls).
    this.lastYield = this.now();
    this.buffer = new MetricsBuffer(this.runner.kernelLayers);
    this.lastFlush = this.now();
    this.meter = new ProgressMeter({ epochs, batchesPerEpoch: this.batchesPerEpoch, trainCount: this.trainCount }, this.now);
    this.divergence = new DivergenceGuard(numClasses, settings);
    this.checkpoints = new Checkpoints(model, optimizer, observer, control, this.now);
  }

  async run(): Promise<TrainResult> {
    const { control, resume, settings, model } = this.input;
    const firstEpoch = resume?.epoch ?? 1;
    // The shuffle order of epoch e is the e-th permutation drawn: a resumed run draws the same ones.
    for (let e = 1; e < firstEpoch; e++) permutation(this.trainCount, this.shuffleRng);
    if (!resume) await this.checkpoint({ epoch: 1, batch: 0, step: 0, examples: 0, lossSum: 0, accuracySum: 0, steps: 0, seconds: 0 });
    let stoppedEarly = false;
    for (let epoch = firstEpoch; epoch <= settings.epochs && !control.stopped; epoch++) {
      const trainSeconds = await this.trainEpoch(epoch);
      if (trainSeconds === null) break;
      stoppedEarly = await this.endEpoch(epoch, trainSeconds);
      if (stoppedEarly) break;
    }
    const restoredEpoch = this.early.restore(model);
    const { history, early } = this;
    return { epochsCompleted: history.length, stopped: control.stopped, history, bestEpoch: early.bestEpoch, stoppedEarly, restoredEpoch };
  }

  /** Frees what the run holds on the device: metrics not read yet, the restore-best copy. */
  dispose(): void {
    this.buffer.dispose();
    this.early.dispose();
  }

  /** Trains epoch `epoch`'s batches; returns its training seconds, or null when the run stopped in it. */
  private async trainEpoch(epoch: number): Promise<number | null> {
    const { control, observer, resume } = this.input;
    const order = permutation(this.trainCount, this.shuffleRng);
    const resumed = resume?.epoch === epoch ? resume : null;
    this.epoch = epoch;
    this.meter.startEpoch(epoch, resumed);
    this.tally = { lossSum: resumed?.lossSum ?? 0, accuracySum: resumed?.accuracySum ?? 0, steps: resumed?.steps ?? 0 };
    for (let b = resumed?.batch ?? 0; b < this.batchesPerEpoch; b++) {
      if (control.paused) await this.pause(b);
      if (control.stopped) break;
      this.trainBatch(b, order);
      await this.afterBatch(b);
    }
    await this.flush();
    const trainSeconds = this.meter.seconds();
    if (control.stopped && this.meter.examplesThisEpoch < this.trainCount) {
      // The last report may be a few steps behind: say where the run really stopped.
      observer.onProgress(this.meter.stoppedAt(this.step));
      return null;
    }
    return trainSeconds;
  }

  /** At a pause before batch `b`: the points so far go out, then the loop waits for resume, Step or stop. */
  private async pause(b: number): Promise<void> {
    const { control, observer } = this.input;
    await this.flush();
    if (b > 0) observer.onProgress(this.meter.paused(b));
    control.onPaused?.();
    await control.guard(control.waitWhilePaused());
    this.meter.resumed();
  }

  /** One step on batch `b` of the epoch's shuffled `order`; its metrics stay on the device. */
  private trainBatch(b: number, order: Uint32Array): void {
    const { observer, control, numClasses, settings } = this.input;
    const start = b * settings.batchSize;
    const size = Math.min(settings.batchSize, this.trainCount - start);
    fillBatch(this.input.train, order, start, size, numClasses, this.xBuf, this.yBuf, this.preprocessing, this.augmentation);
    this.step += 1;
    this.rate.at(this.step);
    const withNorms = observer.gradientNormsDue?.(this.step) ?? false;
    const { stats, norms } = this.runner.run(this.xBuf, this.yBuf, size, this.shape, numClasses, withNorms);
    const epoch = this.epoch - 1 + (b + 1) / this.batchesPerEpoch;
    this.buffer.push({ step: this.step, epoch, learningRate: this.rate.current }, stats, norms);
    this.meter.took(size);
    control.stepTaken(b === this.batchesPerEpoch - 1);
  }

  /** After batch `b`: a flush with its progress report (and a checkpoint when due) when it is time, a yield when it is time. */
  private async afterBatch(b: number): Promise<void> {
    const { control, observer } = this.input;
    const last = b === this.batchesPerEpoch - 1;
    const t = this.now();
    if (t - this.lastFlush >= FLUSH_EVERY_MS || last) {
      await this.flush();
      const t2 = this.now();
      this.lastFlush = t2;
      observer.onProgress(this.meter.report(b + 1, t2));
      if (this.checkpoints.due(t2) && !last) await this.checkpoint(this.position(b + 1));
    }
    if (t - this.lastYield >= YIELD_EVERY_MS) {
      await control.guard(this.yieldNow());
      this.lastYield = this.now();
    }
  }

  /** Reads the pending metrics and hands them out; throws DivergenceError after the points up to a divergence. */
  private async flush(): Promise<void> {
    const { observer, control } = this.input;
    const { points, gradientNorms } = await this.buffer.flush((read) => control.guard(read));
    if (gradientNorms.length > 0 && observer.onGradientNorms) observer.onGradientNorms(this.buffer.kernelLayers, gradientNorms);
    const { good, diverged } = this.divergence.check(points);
    this.count(good);
    if (good.length > 0) observer.onBatches(good);
    if (diverged) {
      // Where it stopped, also when that is before the first progress report.
      observer.onProgress(this.meter.divergedAt((good.at(-1) ?? diverged).step));
      throw this.divergence.error(diverged);
    }
  }

  private count(points: readonly BatchPoint[]): void {
    for (const p of points) {
      this.tally.lossSum += p.loss;
      this.tally.accuracySum += p.accuracy;
      this.tally.steps += 1;
    }
  }

  /** After epoch `epoch`'s training: checkpoint, evaluation, its metrics; returns true when early stopping ends the run. */
  private async endEpoch(epoch: number, trainSeconds: number): Promise<boolean> {
    const { control, observer, model, settings } = this.input;
    const { early, history, tally } = this;
    // Evaluation is long on a slow backend: a loss during it resumes right here.
    await this.checkpoint(this.position(this.batchesPerEpoch));
    const { validation, test, testNegative } = await evaluateEpoch(this.input, this.preprocessing, epoch, observer, control);
    const stoppedEarly = validation !== null && early.update(epoch, validation.loss, model) && epoch < settings.epochs;
    const metrics: EpochMetrics = {
      epoch,
      trainLoss: tally.steps > 0 ? tally.lossSum / tally.steps : NaN,
      trainAccuracy: tally.steps > 0 ? tally.accuracySum / tally.steps : NaN,
      validation,
      test,
      testNegative,
      learningRate: this.rate.current,
      bestEpoch: early.bestEpoch,
      stoppedEarly,
      trainSeconds,
      examplesPerSecond: this.meter.examplesThisEpoch / Math.max(trainSeconds, 1e-6),
    };
    history.push(metrics);
    observer.onEpoch(metrics);
    this.checkpoints.carryOver(epoch, this.batchesPerEpoch, () => ({
      ...this.position(0),
      epoch: epoch + 1,
      examples: 0,
      lossSum: 0,
      accuracySum: 0,
      steps: 0,
      seconds: 0,
      history: [...history],
      bestEpoch: early.bestEpoch,
      bestLoss: early.bestLoss,
    }));
    await control.guard(this.yieldNow());
    this.lastYield = this.now();
    return stoppedEarly;
  }

  /** Where the loop stands after `batch` batches of the current epoch (reads the clock). */
  private position(batch: number): LoopPlace {
    const { epoch, step, tally } = this;
    return { epoch, batch, step, examples: this.meter.examplesThisEpoch, ...tally, seconds: this.meter.seconds() };
  }

  private runState(): RunState {
    return { learningRate: this.rate.current, history: [...this.history], bestEpoch: this.early.bestEpoch, bestLoss: this.early.bestLoss };
  }

  private checkpoint(place: LoopPlace): Promise<void> {
    return this.checkpoints.take(place, () => this.runState());
  }
}

/** Training-time augmentation (random erasing, shifts) with its own seeded stream; null when both are off. */
function augmentationFor(settings: TrainSettings): Augmentation | null {
  const { randomErasing: erasing, shift } = settings;
  if (!(erasing > 0 || shift > 0)) return null;
  const range = (a: number, b: number): [number, number] => [Math.min(a, b), Math.max(a, b)];
  return {
    erasing,
    shift,
    area: range(settings.erasingAreaMin, settings.erasingAreaMax),
    aspect: range(settings.erasingAspectMin, settings.erasingAspectMax),
    rng: createRng(deriveSeed(settings.seed, 'augment')),
  };
}
