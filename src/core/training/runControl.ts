/**
 * How a run is driven from outside while it trains: cooperative pause / stop / Step and the
 * interruption of a lost backend ({@link RunControl}), and the real macrotask the loop yields with.
 */
import type { StepUnit } from '../wire';

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
