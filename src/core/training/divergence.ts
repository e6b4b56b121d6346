/**
 * The divergence guard: a NaN / ∞ loss always ends the run, an exploding finite one too unless
 * `divergenceStop` is off ({@link DivergenceWatch} in verdict.ts says what "exploding" means).
 */
import { fmtRate } from '../format';
import { divergenceAdvice, DivergenceWatch, EXPLODE_FACTOR } from '../verdict';
import type { BatchPoint } from '../wire';
import type { TrainSettings } from './types';

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

/** Watches every point's loss, in step order. */
export class DivergenceGuard {
  private readonly watch: DivergenceWatch;

  constructor(
    numClasses: number,
    private readonly settings: TrainSettings,
  ) {
    this.watch = new DivergenceWatch(numClasses);
  }

  /**
   * The points that go out (up to the divergence, with an exploded finite point itself, so the student
   * sees the blow-up) and the first point that ends the run, or null.
   */
  check(points: readonly BatchPoint[]): { good: readonly BatchPoint[]; diverged: BatchPoint | null } {
    const bad = points.findIndex((p) => this.watch.add(p.loss) && (!Number.isFinite(p.loss) || this.settings.divergenceStop));
    if (bad < 0) return { good: points, diverged: null };
    const diverged = points[bad]!;
    return { good: points.slice(0, Number.isFinite(diverged.loss) ? bad + 1 : bad), diverged };
  }

  /** The error that ends the run at `point`, with the likely causes under the run's settings. */
  error(point: BatchPoint): DivergenceError {
    return new DivergenceError(point.step, point.loss, divergenceAdvice(this.settings, point.learningRate), this.watch.startingLoss);
  }
}
