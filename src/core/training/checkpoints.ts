/**
 * Host checkpoints for recovery from a lost backend (recovery.ts), taken only when the observer keeps
 * them: every ~{@link CHECKPOINT_EVERY_MS} mid-epoch, at the end of every epoch's training, and once
 * before the first step.
 */
import type * as tf from '@tensorflow/tfjs';
import { captureCheckpoint, type LoopPosition, type TrainCheckpoint } from '../recovery';
import type { RunControl } from './runControl';
import type { TrainObserver } from './types';

/** Host checkpoints (only with `onCheckpoint`): at most this often mid-epoch. */
export const CHECKPOINT_EVERY_MS = 5000;

/** Where the loop stands in its epoch (what a checkpoint adds to it is the run's state: {@link RunState}). */
export type LoopPlace = Omit<LoopPosition, keyof RunState>;
/** The run's state a checkpoint keeps beside the loop's place. */
export type RunState = Pick<LoopPosition, 'learningRate' | 'history' | 'bestEpoch' | 'bestLoss'>;

export class Checkpoints {
  /** The last checkpoint handed to the observer, or null. */
  private last: TrainCheckpoint | null = null;
  private lastTime: number;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly optimizer: tf.Optimizer,
    private readonly observer: Pick<TrainObserver, 'onCheckpoint'>,
    private readonly control: Pick<RunControl, 'guard'>,
    private readonly now: () => number,
  ) {
    this.lastTime = now();
  }

  /** A mid-epoch checkpoint is due at time `t`. */
  due(t: number): boolean {
    return t - this.lastTime >= CHECKPOINT_EVERY_MS;
  }

  /** Copies the weights and the position to host memory and hands the copy to the observer; nothing without `onCheckpoint`. */
  async take(place: LoopPlace, state: () => RunState): Promise<void> {
    if (!this.observer.onCheckpoint) return;
    const position: LoopPosition = { ...place, ...state() };
    this.last = await captureCheckpoint(this.model, this.optimizer, position, (p) => this.control.guard(p));
    this.observer.onCheckpoint(this.last);
    this.lastTime = this.now();
  }

  /**
   * After epoch `epoch`'s evaluation: when the last checkpoint is the one at the end of its training,
   * it is also the start of the next epoch (evaluation leaves the weights alone), so it goes out again
   * with the position `next` gives (no second copy of the weights).
   */
  carryOver(epoch: number, batchesPerEpoch: number, next: () => Partial<LoopPosition>): void {
    const last = this.last;
    if (last?.epoch !== epoch || last.batch !== batchesPerEpoch) return;
    this.last = { ...last, ...next() };
    this.observer.onCheckpoint?.(this.last);
  }
}
