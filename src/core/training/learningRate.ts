/** The learning-rate schedule applied per step (learningRateAt in optimizers.ts says what each schedule is). */
import type * as tf from '@tensorflow/tfjs';
import { getLearningRate, learningRateAt, setLearningRate, type ScheduleSettings } from '../optimizers';
import type { Settings } from '../settings';

export class LearningRateSchedule {
  /** The rate of the last step taken (at the start: the resumed run's, else λ0). */
  current: number;
  private readonly schedule: ScheduleSettings;
  private readonly scheduled: boolean;

  /**
   * λ0 is what `optimizer` was built with; a constant schedule never touches it.
   * @param resumedRate the rate a resumed run had reached, or null.
   */
  constructor(
    private readonly optimizer: tf.Optimizer,
    settings: Pick<Settings, 'lrSchedule' | 'lrDecay' | 'lrGamma' | 'lrStepEpochs' | 'lrMin'>,
    private readonly batchesPerEpoch: number,
    private readonly totalSteps: number,
    resumedRate: number | null,
  ) {
    const baseRate = getLearningRate(optimizer);
    this.schedule = { ...settings, learningRate: baseRate };
    this.scheduled = settings.lrSchedule !== 'constant';
    this.current = resumedRate ?? baseRate;
    if (this.current !== baseRate) setLearningRate(optimizer, this.current);
  }

  /** Sets the optimizer's rate for global step `step` (1-based) when the schedule moves it. */
  at(step: number): void {
    if (!this.scheduled) return;
    const rate = learningRateAt(this.schedule, step, this.batchesPerEpoch, this.totalSteps);
    if (rate !== this.current) {
      setLearningRate(this.optimizer, rate);
      this.current = rate;
    }
  }
}
