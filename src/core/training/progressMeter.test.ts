/**
 * Progress and ETA: the throughput window (taken once it spans more than half a second; the epoch's
 * mean rate before that), the time left for the examples left in the run, pauses that do not count,
 * resumed epochs, and where a stopped or diverged run stood.
 */
import { describe, expect, it } from 'vitest';
import { ProgressMeter } from './progressMeter';

/** A clock the test moves by hand (ms). */
function clock() {
  const c = { t: 0, now: () => c.t };
  return c;
}

const shape = { epochs: 3, batchesPerEpoch: 10, trainCount: 1000 };

describe('progress meter', () => {
  it('before the first half second the epoch’s mean rate stands in; the ETA is the run’s examples left at that rate', () => {
    const c = clock();
    const meter = new ProgressMeter(shape, c.now);
    meter.startEpoch(1);
    meter.took(100);
    const p = meter.report(1, 200);
    expect(p).toEqual({ epoch: 1, epochs: 3, batch: 1, batchesPerEpoch: 10, examplesPerSecond: 500, etaSeconds: 2900 / 500 });
  });

  it('a window longer than half a second gives the rate; the next window starts at that report', () => {
    const c = clock();
    const meter = new ProgressMeter(shape, c.now);
    meter.startEpoch(1);
    meter.took(100);
    meter.took(100);
    expect(meter.report(2, 1000)).toMatchObject({ examplesPerSecond: 200, etaSeconds: 2800 / 200 });
    // 0.4 s later: too short for a new window, the last rate stands.
    meter.took(300);
    expect(meter.report(5, 1400)).toMatchObject({ batch: 5, examplesPerSecond: 200, etaSeconds: 2500 / 200 });
    // 1 s after the window's start: 300 examples.
    expect(meter.report(5, 2000)).toMatchObject({ examplesPerSecond: 300, etaSeconds: 2500 / 300 });
  });

  it('counts the later epochs in the time left', () => {
    const c = clock();
    c.t = 5000;
    const meter = new ProgressMeter(shape, c.now);
    meter.startEpoch(2);
    meter.took(500);
    // 500 examples left in epoch 2 and 1000 in epoch 3, at 500/s.
    expect(meter.report(5, 6000)).toMatchObject({ epoch: 2, examplesPerSecond: 500, etaSeconds: 3 });
  });

  it('no rate yet (no examples): no estimate rather than infinity', () => {
    const meter = new ProgressMeter(shape, () => 0);
    meter.startEpoch(1);
    expect(meter.report(0, 0)).toMatchObject({ examplesPerSecond: 0, etaSeconds: 0 });
  });

  it('a pause reports the last rate without an estimate, and the time paused does not count', () => {
    const c = clock();
    const meter = new ProgressMeter(shape, c.now);
    meter.startEpoch(1);
    meter.took(400);
    meter.report(4, 1000);
    expect(meter.paused(4)).toEqual({ epoch: 1, epochs: 3, batch: 4, batchesPerEpoch: 10, examplesPerSecond: 400, etaSeconds: 0 });
    c.t = 61_000;
    meter.resumed();
    meter.took(100);
    expect(meter.report(5, 61_800).examplesPerSecond).toBeCloseTo(125, 9);
  });

  it('a resumed epoch keeps its seconds and examples', () => {
    const c = clock();
    c.t = 100_000;
    const meter = new ProgressMeter(shape, c.now);
    meter.startEpoch(2, { seconds: 10, examples: 500 });
    expect(meter.examplesThisEpoch).toBe(500);
    c.t = 102_000;
    expect(meter.seconds()).toBe(12);
    // No window yet (0.4 s): the epoch's mean over its 10.4 s, the resumed part included.
    meter.took(100);
    const p = meter.report(6, 100_400);
    expect(p).toMatchObject({ epoch: 2, batch: 6 });
    expect(p.examplesPerSecond).toBeCloseTo(600 / 10.4, 9);
    expect(p.etaSeconds).toBeCloseTo(1400 / (600 / 10.4), 9);
  });

  it('says where a stopped run stood (its epoch) and where a diverged one did (from the global step)', () => {
    const c = clock();
    const meter = new ProgressMeter(shape, c.now);
    meter.startEpoch(2);
    expect(meter.stoppedAt(13)).toMatchObject({ epoch: 2, batch: 3, etaSeconds: 0 });
    // Nothing trained in the epoch yet: batch 0 of it, not the end of the last one.
    expect(meter.stoppedAt(10)).toMatchObject({ epoch: 2, batch: 0 });
    expect(meter.divergedAt(10)).toMatchObject({ epoch: 1, batch: 10, etaSeconds: 0 });
    expect(meter.divergedAt(25)).toMatchObject({ epoch: 3, batch: 5 });
    // Before the first window: the examples so far over the time since the window started.
    meter.took(64);
    c.t = 2000;
    expect(meter.divergedAt(11).examplesPerSecond).toBe(32);
  });
});
