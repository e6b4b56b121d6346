/**
 * The worker side of "see inside the network": holds the running (or last) model, answers the UI's
 * inspection requests between training steps, and takes snapshots at most every SNAPSHOT_MS while
 * training. Computes only what the UI has said it shows (`InspectWants`); with every panel closed a
 * run costs one argmax read per test evaluation and nothing else.
 */
import * as tf from '@tensorflow/tfjs';
import type { Subset } from '../core/data/batches';
import type { Preprocessing } from '../core/data/transforms';
import type { ExperimentObserver, ExperimentSetup } from '../core/experiment';
import { confidentMistakes, confusionMatrix, examplesOfPairs, topConfusedPairs } from '../core/inspect/confusion';
import { MNIST_SIZE } from '../core/inspect/drawing';
import {
  featureMaps,
  gatherImages,
  inputTensor,
  layerHistograms,
  planProbes,
  predictProbabilities,
  readFilters,
  type ProbePlan,
} from '../core/inspect/probe';
import {
  NO_WANTS,
  type ImageBlock,
  type InspectData,
  type InspectRequest,
  type InspectWants,
  type SnapshotTime,
} from '../core/inspect/types';
import type { BatchPoint, TestPredictions } from '../core/wire';

/**
 * Filters, histograms, feature maps and the drawn image's prediction are refreshed this often while
 * training. One snapshot with every panel open costs a forward pass of PROBE_IMAGES + 2 images and a
 * few small reads (~1–2 % of training time on WASM).
 */
export const SNAPSHOT_MS = 2000;
/** Gradient norms are measured inside a training step this often (when histograms are shown). */
export const GRADIENT_MS = 1000;
const TOP_PAIRS = 6;
const PER_PAIR = 4;
const CELL_LIMIT = 60;
const MISCLASSIFIED = 24;
/** Test images the activation histograms are computed on (the first ones: fixed for the whole run). */
const PROBE_IMAGES = 16;

export type InspectPost = (data: InspectData, runId: number | null, transfer: Transferable[]) => void;

interface Context {
  readonly runId: number;
  readonly model: tf.LayersModel;
  readonly plan: ProbePlan;
  readonly preprocessing: Preprocessing;
  readonly test: Subset;
  /** True label of each test position. */
  readonly truth: Uint8Array;
  readonly numClasses: number;
  readonly shape: { readonly height: number; readonly width: number; readonly channels: number };
  predictions: (TestPredictions & { readonly epoch: number }) | null;
  /** Misclassified report owed for the latest predictions (needs tfjs: sent at the next tick). */
  misclassifiedDue: boolean;
  time: SnapshotTime;
}

type Part = 'filters' | 'histograms' | 'featureMaps' | 'drawing';

export class Inspector {
  private wants: InspectWants = NO_WANTS;
  private ctx: Context | null = null;
  private lastSnapshot = -Infinity;
  private lastGradient = -Infinity;
  /** The last drawing (28×28 bytes), re-predicted at snapshots while the drawing panel is open. */
  private drawn: Uint8Array | null = null;
  private drawnRequest = 0;

  constructor(private readonly post: InspectPost) {}

  /** Forgets the model: call before it is disposed or the backend changes. */
  reset(): void {
    this.ctx = null;
    this.lastSnapshot = -Infinity;
    this.lastGradient = -Infinity;
  }

  /** Observer callbacks for a run, to merge into the experiment's observer. */
  hooks(
    runId: number,
    classNames: readonly string[],
  ): Required<Pick<ExperimentObserver, 'onSetup' | 'onTestPredictions' | 'gradientNormsDue' | 'onGradientNorms'>> {
    return {
      onSetup: (setup) => this.setup(runId, setup, classNames),
      onTestPredictions: (epoch, predictions) => {
        const ctx = this.ctx;
        if (!ctx || ctx.runId !== runId) return;
        ctx.predictions = { ...predictions, epoch };
        if (this.wants.confusion) this.sendConfusion(ctx);
        ctx.misclassifiedDue = true;
      },
      gradientNormsDue: () => {
        if (!this.wants.histograms) return false;
        const now = performance.now();
        if (now - this.lastGradient < GRADIENT_MS) return false;
        this.lastGradient = now;
        return true;
      },
      onGradientNorms: (layers, points) =>
        this.post(
          { kind: 'gradients', layers, points },
          runId,
          points.map((p) => p.norms.buffer as ArrayBuffer),
        ),
    };
  }

  /** Remembers where training is, to stamp snapshots. */
  noteBatches(points: readonly BatchPoint[]): void {
    const last = points.at(-1);
    if (this.ctx && last) this.ctx.time = { step: last.step, epoch: last.epoch };
  }

  /** Called from the training loop's yield (~every 40 ms): sends what is due. */
  async tick(): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    if (ctx.misclassifiedDue && this.wants.misclassified) await this.sendMisclassified(ctx);
    if (performance.now() - this.lastSnapshot < SNAPSHOT_MS || this.wantedParts().length === 0) return;
    this.lastSnapshot = performance.now();
    await this.snapshot(ctx, this.wantedParts());
  }

  /** After a run: one last snapshot of the final model. */
  async finish(): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    if (ctx.misclassifiedDue && this.wants.misclassified) await this.sendMisclassified(ctx);
    await this.snapshot(ctx, this.wantedParts());
  }

  handle(request: InspectRequest): void {
    switch (request.kind) {
      case 'wants':
        this.setWants(request.wants);
        return;
      case 'cell':
        if (this.ctx?.runId === request.runId) this.sendCell(this.ctx, request.truth, request.predicted);
        return;
      case 'predict':
        this.drawn = request.pixels;
        this.drawnRequest = request.requestId;
        void this.sendPrediction(this.ctx);
        if (this.ctx && this.wants.featureMaps?.kind === 'drawn') void this.snapshot(this.ctx, ['featureMaps']);
        return;
      default: {
        const unknown: never = request;
        console.warn('inspector: unknown request', unknown);
      }
    }
  }

  private setup(runId: number, setup: ExperimentSetup, classNames: readonly string[]): void {
    const { model, preprocessing, test, numClasses } = setup;
    const plan = planProbes(model);
    const labels = test.labels ?? test.source.labels;
    const truth = Uint8Array.from(test.indices, (i) => labels[i]!);
    const { height, width, channels } = test.source;
    this.ctx = {
      runId,
      model,
      plan,
      preprocessing,
      test,
      truth,
      numClasses,
      shape: { height, width, channels },
      predictions: null,
      misclassifiedDue: false,
      time: { step: 0, epoch: 0 },
    };
    this.lastSnapshot = -Infinity;
    this.lastGradient = -Infinity;
    this.post({ kind: 'anatomy', anatomy: plan.anatomy, classNames }, runId, []);
  }

  private setWants(next: InspectWants): void {
    const before = this.wants;
    this.wants = next;
    const ctx = this.ctx;
    if (!ctx) return;
    // What was just opened shows the current state at once (training or not).
    if (next.confusion && !before.confusion) this.sendConfusion(ctx);
    if (next.misclassified && !before.misclassified && ctx.predictions) ctx.misclassifiedDue = true;
    const parts: Part[] = [];
    if (next.filters && !before.filters) parts.push('filters');
    if (next.histograms && !before.histograms) parts.push('histograms');
    if (next.featureMaps && JSON.stringify(next.featureMaps) !== JSON.stringify(before.featureMaps)) parts.push('featureMaps');
    if (next.drawing && !before.drawing && this.drawn) parts.push('drawing');
    void (async () => {
      if (ctx.misclassifiedDue && next.misclassified) await this.sendMisclassified(ctx);
      if (parts.length > 0) await this.snapshot(ctx, parts);
    })();
  }

  private wantedParts(): Part[] {
    const w = this.wants;
    const parts: Part[] = [];
    if (w.filters) parts.push('filters');
    if (w.histograms) parts.push('histograms');
    if (w.featureMaps) parts.push('featureMaps');
    if (w.drawing && this.drawn) parts.push('drawing');
    return parts;
  }

  private async snapshot(ctx: Context, parts: readonly Part[]): Promise<void> {
    const time = ctx.time;
    try {
      for (const part of parts) {
        // A new run may have started (and disposed this model) while a read was pending.
        if (this.ctx !== ctx) return;
        switch (part) {
          case 'filters': {
            const snapshot = await readFilters(ctx.plan, time);
            if (snapshot && this.ctx === ctx)
              this.post({ kind: 'filters', snapshot }, ctx.runId, [
                snapshot.weights.buffer as ArrayBuffer,
                snapshot.bias.buffer as ArrayBuffer,
              ]);
            break;
          }
          case 'histograms': {
            const count = Math.min(PROBE_IMAGES, ctx.test.indices.length);
            const x = inputTensor(ctx.test.source.images, ctx.test.indices.subarray(0, count), ctx.shape, ctx.preprocessing);
            try {
              const snapshot = await layerHistograms(ctx.model, ctx.plan, x, time);
              if (this.ctx === ctx)
                this.post(
                  { kind: 'histograms', snapshot },
                  ctx.runId,
                  [...snapshot.activations, ...snapshot.weights].map((h) => h.counts.buffer as ArrayBuffer),
                );
            } finally {
              x.dispose();
            }
            break;
          }
          case 'featureMaps':
            await this.sendFeatureMaps(ctx, time);
            break;
          case 'drawing':
            await this.sendPrediction(ctx);
            break;
          default: {
            const unknown: never = part;
            throw new Error(`unknown part ${String(unknown)}`);
          }
        }
      }
    } catch (error) {
      // Inspection must never take training down: report and carry on.
      console.warn('inspection snapshot failed', error);
    }
  }

  private image(ctx: Context, index: number): ImageBlock {
    const example = ctx.test.indices[index]!;
    return { count: 1, ...ctx.shape, pixels: gatherImages(ctx.test.source.images, [example], ctx.shape) };
  }

  private sendConfusion(ctx: Context): void {
    const p = ctx.predictions;
    if (!p) return;
    const k = ctx.numClasses;
    const matrix = confusionMatrix(ctx.truth, p.predicted, k);
    const pairs = topConfusedPairs(matrix, k, TOP_PAIRS);
    const pairExamples = examplesOfPairs(ctx.truth, p.predicted, pairs, PER_PAIR, k);
    const flat = pairExamples.flat().map((i) => ctx.test.indices[i]!);
    const thumbnails: ImageBlock = { count: flat.length, ...ctx.shape, pixels: gatherImages(ctx.test.source.images, flat, ctx.shape) };
    this.post(
      { kind: 'confusion', report: { epoch: p.epoch, numClasses: k, matrix, total: ctx.truth.length, pairs, pairExamples, thumbnails } },
      ctx.runId,
      [matrix.buffer, thumbnails.pixels.buffer as ArrayBuffer],
    );
  }

  private sendCell(ctx: Context, truth: number, predicted: number): void {
    const p = ctx.predictions;
    if (!p) return;
    const positions: number[] = [];
    let count = 0;
    for (let i = 0; i < ctx.truth.length; i++)
      if (ctx.truth[i] === truth && p.predicted[i] === predicted) {
        count += 1;
        if (positions.length < CELL_LIMIT) positions.push(i);
      }
    const indices = Uint32Array.from(positions);
    const images: ImageBlock = {
      count: positions.length,
      ...ctx.shape,
      pixels: gatherImages(
        ctx.test.source.images,
        positions.map((i) => ctx.test.indices[i]!),
        ctx.shape,
      ),
    };
    this.post({ kind: 'cell', cell: { epoch: p.epoch, truth, predicted, count, indices, images } }, ctx.runId, [
      indices.buffer,
      images.pixels.buffer as ArrayBuffer,
    ]);
  }

  private async sendMisclassified(ctx: Context): Promise<void> {
    const p = ctx.predictions;
    ctx.misclassifiedDue = false;
    if (!p) return;
    const positions = confidentMistakes(ctx.truth, p.predicted, p.confidence, MISCLASSIFIED);
    let totalWrong = 0;
    for (let i = 0; i < ctx.truth.length; i++) if (ctx.truth[i] !== p.predicted[i]) totalWrong += 1;
    const examples = positions.map((i) => ctx.test.indices[i]!);
    let probabilities: Float32Array = new Float32Array(0);
    if (examples.length > 0) {
      const x = inputTensor(ctx.test.source.images, examples, ctx.shape, ctx.preprocessing);
      try {
        probabilities = await predictProbabilities(ctx.model, x);
      } catch (error) {
        console.warn('misclassified probabilities failed', error);
        return;
      } finally {
        x.dispose();
      }
    }
    if (this.ctx !== ctx) return;
    const report = {
      epoch: p.epoch,
      totalWrong,
      indices: Uint32Array.from(positions),
      truth: Uint8Array.from(positions, (i) => ctx.truth[i]!),
      predicted: Uint8Array.from(positions, (i) => p.predicted[i]!),
      probabilities,
      numClasses: ctx.numClasses,
      images: { count: examples.length, ...ctx.shape, pixels: gatherImages(ctx.test.source.images, examples, ctx.shape) },
    };
    this.post({ kind: 'misclassified', report }, ctx.runId, [
      report.indices.buffer,
      report.truth.buffer,
      report.predicted.buffer,
      probabilities.buffer,
      report.images.pixels.buffer as ArrayBuffer,
    ]);
  }

  /** Why a drawing cannot be fed to this run's model, or null when it can. */
  private drawingProblem(ctx: Context | null): string | null {
    if (!ctx) return 'Train a model first: the prediction comes from the current (or last) run.';
    const { height, width, channels } = ctx.shape;
    if (height !== MNIST_SIZE || width !== MNIST_SIZE || channels !== 1)
      return `This run's images are ${height}×${width}×${channels}; drawing works with the 28×28 grey datasets (MNIST, Fashion-MNIST).`;
    return null;
  }

  private async sendPrediction(ctx: Context | null): Promise<void> {
    const requestId = this.drawnRequest;
    const drawn = this.drawn;
    if (!drawn) return;
    const time = ctx?.time ?? { step: 0, epoch: 0 };
    const problem = this.drawingProblem(ctx);
    if (problem || !ctx) {
      this.post({ kind: 'prediction', prediction: { ...time, requestId, probabilities: null, message: problem } }, ctx?.runId ?? null, []);
      return;
    }
    const x = inputTensor(drawn, [0], ctx.shape, ctx.preprocessing);
    try {
      const probabilities = await predictProbabilities(ctx.model, x);
      if (this.ctx === ctx)
        this.post({ kind: 'prediction', prediction: { ...time, requestId, probabilities, message: null } }, ctx.runId, [
          probabilities.buffer,
        ]);
    } catch (error) {
      this.post(
        { kind: 'prediction', prediction: { ...time, requestId, probabilities: null, message: `Prediction failed: ${String(error)}` } },
        ctx.runId,
        [],
      );
    } finally {
      x.dispose();
    }
  }

  private async sendFeatureMaps(ctx: Context, time: SnapshotTime): Promise<void> {
    const source = this.wants.featureMaps;
    if (!source) return;
    if (ctx.plan.featurePoints.length === 0) {
      this.post(
        { kind: 'feature-maps-unavailable', message: ctx.plan.anatomy.noConvReason ?? 'This model has no convolutional layers.' },
        ctx.runId,
        [],
      );
      return;
    }
    let input: ImageBlock;
    let label: number | null = null;
    if (source.kind === 'drawn') {
      const problem = this.drawingProblem(ctx);
      if (problem || !this.drawn) {
        this.post({ kind: 'feature-maps-unavailable', message: problem ?? 'Draw something in the drawing pad first.' }, ctx.runId, []);
        return;
      }
      input = { count: 1, ...ctx.shape, pixels: this.drawn.slice() };
    } else {
      const index = Math.min(Math.max(0, Math.floor(source.index)), ctx.test.indices.length - 1);
      input = this.image(ctx, index);
      label = ctx.truth[index]!;
    }
    const x = inputTensor(input.pixels, [0], ctx.shape, ctx.preprocessing);
    try {
      const { layers, probabilities } = await featureMaps(ctx.model, ctx.plan, x);
      if (this.ctx !== ctx) return;
      this.post({ kind: 'feature-maps', maps: { ...time, source, input, label, probabilities, layers } }, ctx.runId, [
        input.pixels.buffer as ArrayBuffer,
        probabilities.buffer,
        ...layers.map((l) => l.values.buffer as ArrayBuffer),
      ]);
    } finally {
      x.dispose();
    }
  }
}
