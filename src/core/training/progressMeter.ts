/**
 * Progress and throughput of a run: where it stands (epoch, batch) and how fast it goes, measured
 * over a window of at least half a second, and the time left at that rate (evaluation excluded).
 * Reads the run's clock only where the loop did before it was split out (fake clocks in tests count
 * the calls).
 */
import type { Progress } from '../wire';

/** The shape of a run, fixed at its start. */
export interface RunShape {
  readonly epochs: number;
  readonly batchesPerEpoch: number;
  /** Training examples per epoch. */
  readonly trainCount: number;
}

/** A throughput window: examples since `time`, and the rate the previous window measured. */
interface RateWindow {
  readonly time: number;
  examples: number;
  readonly rate: number;
}

/** The window's shortest span before its rate is taken, in seconds. */
const RATE_WINDOW_S = 0.5;

export class ProgressMeter {
  private window: RateWindow;
  private epoch = 1;
  private epochStart = 0;
  private examples = 0;

  constructor(
    private readonly run: RunShape,
    private readonly now: () => number,
  ) {
    this.window = { time: now(), examples: 0, rate: 0 };
  }

  /** Starts `epoch` (1-based); a resumed epoch keeps the seconds and examples it already had. */
  startEpoch(epoch: number, resumed?: { readonly seconds: number; readonly examples: number } | null): void {
    this.epoch = epoch;
    this.epochStart = this.now() - (resumed?.seconds ?? 0) * 1000;
    this.examples = resumed?.examples ?? 0;
  }

  /** Examples of the current epoch trained so far. */
  get examplesThisEpoch(): number {
    return this.examples;
  }

  /** A step trained `examples` more. */
  took(examples: number): void {
    this.examples += examples;
    this.window.examples += examples;
  }

  /** Seconds spent training the current epoch (reads the clock). */
  seconds(): number {
    return (this.now() - this.epochStart) / 1000;
  }

  /**
   * The progress report after `batch` batches of the epoch, at time `t`: a window older than half a
   * second gives the new rate (before the first one, the epoch's mean rate stands in); the time left
   * is the examples left in the run at that rate.
   */
  report(batch: number, t: number): Progress {
    const elapsed = (t - this.window.time) / 1000;
    if (elapsed > RATE_WINDOW_S) this.window = { time: t, examples: 0, rate: this.window.examples / elapsed };
    const rate = this.window.rate || this.examples / Math.max(1e-3, (t - this.epochStart) / 1000);
    const { epochs, trainCount } = this.run;
    const remaining = (epochs - this.epoch) * trainCount + (trainCount - this.examples);
    return this.at(this.epoch, batch, rate, rate > 0 ? remaining / rate : 0);
  }

  /** At a pause after `batch` batches of the epoch: the last rate, no estimate. */
  paused(batch: number): Progress {
    return this.at(this.epoch, batch, this.window.rate, 0);
  }

  /** The run goes on after a pause: the time paused does not count (reads the clock). */
  resumed(): void {
    this.window = { time: this.now(), examples: 0, rate: this.window.rate };
  }

  /** Where a stopped run really stopped: global step `step`, in the current epoch. */
  stoppedAt(step: number): Progress {
    return this.at(this.epoch, step - (this.epoch - 1) * this.run.batchesPerEpoch, this.window.rate, 0);
  }

  /**
   * Where a diverged run stopped: after global step `step`, also before the first report (lr 5
   * explodes in 3 steps), so without a rate yet the current window's stands in.
   */
  divergedAt(step: number): Progress {
    const { batchesPerEpoch } = this.run;
    const epoch = Math.floor((step - 1) / batchesPerEpoch) + 1;
    const rate = this.window.rate || this.window.examples / Math.max(1e-3, (this.now() - this.window.time) / 1000);
    return this.at(epoch, step - (epoch - 1) * batchesPerEpoch, rate, 0);
  }

  private at(epoch: number, batch: number, examplesPerSecond: number, etaSeconds: number): Progress {
    const { epochs, batchesPerEpoch } = this.run;
    return { epoch, epochs, batch, batchesPerEpoch, examplesPerSecond, etaSeconds };
  }
}
