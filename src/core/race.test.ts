import { describe, expect, it } from 'vitest';
import { MAX_RACE_LANES, parseRaceSpec, planAgainst, planFromPreset, raceLabels, serializeRaceSpec } from './race';
import { DEFAULT_SETTINGS, parseSettings, serializeSettings } from './settings';

describe('race plans', () => {
  it('labels each variant by what differs from the others', () => {
    const plan = planAgainst(DEFAULT_SETTINGS, 'activation', ['relu', 'sigmoid']);
    expect(plan.variants.map((v) => v.label)).toEqual(['act=relu', 'act=sigmoid']);
    expect(plan.variants[1]!.settings).toEqual({ ...DEFAULT_SETTINGS, activation: 'sigmoid' });
  });

  it('never races the base twice and keeps at most four lanes', () => {
    const plan = planAgainst(DEFAULT_SETTINGS, 'labelNoise', [0, 0.2, 0.4, 0.6, 0.8]);
    expect(plan.variants.map((v) => v.settings.labelNoise)).toEqual([0, 0.2, 0.4, 0.6]);
    expect(plan.variants).toHaveLength(MAX_RACE_LANES);
  });

  it('takes a preset’s chosen variants with their labels', () => {
    const plan = planFromPreset('optimizers', ['sgd', 'adam']);
    expect(plan?.variants.map((v) => v.label)).toEqual(['SGD', 'Adam']);
    expect(plan?.variants[1]!.settings.optimizer).toBe('adam');
    expect(planFromPreset('no-such-preset')).toBeNull();
  });

  it('names identical variants by number', () => {
    expect(raceLabels([DEFAULT_SETTINGS, DEFAULT_SETTINGS])).toEqual(['#1', '#2']);
  });
});

describe('race= in the address', () => {
  it('reads overrides of the rest of the address, several per variant', () => {
    const base = parseSettings('lr=0.05&n=1000').settings;
    const { plan, rejected } = parseRaceSpec('opt:sgd;opt:adam,lr:0.001', base);
    expect(rejected).toEqual([]);
    expect(plan?.variants.map((v) => [v.settings.optimizer, v.settings.learningRate, v.settings.trainSubset])).toEqual([
      ['sgd', 0.05, 1000],
      ['adam', 0.001, 1000],
    ]);
    expect(plan?.variants.map((v) => v.label)).toEqual(['opt=sgd lr=0.05', 'opt=adam lr=0.001']);
    expect(plan?.title).toBe('Race: Optimizer + Learning rate');
  });

  it('reads a preset id', () => {
    const { plan, rejected } = parseRaceSpec('optimizers');
    expect(rejected).toEqual([]);
    expect(plan?.variants.map((v) => v.label)).toEqual(['SGD', 'momentum 0.9', 'RMSprop', 'Adam']);
  });

  it('races the first four of a larger preset and says so', () => {
    const { plan, rejected } = parseRaceSpec('activations');
    expect(plan?.variants).toHaveLength(4);
    expect(rejected[0]?.reason).toMatch(/5 variants; the first 4 race/);
  });

  it('leaves out a variant with an unknown key or a bad value, and reports each', () => {
    const { plan, rejected } = parseRaceSpec('act:relu;act:sigmoid;zzz:1;lr:-3;act:tanh');
    expect(plan?.variants.map((v) => v.settings.activation)).toEqual(['relu', 'sigmoid', 'tanh']);
    expect(rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^variant 3: "zzz" is not a setting/),
      expect.stringMatching(/^variant 4: Learning rate: -3 is outside/),
    ]);
  });

  it('gives no race with fewer than two usable variants, or more than four', () => {
    expect(parseRaceSpec('act:relu').plan).toBeNull();
    expect(parseRaceSpec('act:nope;act:relu').rejected.at(-1)?.reason).toMatch(/needs 2 to 4 variants \(1 usable\)/);
    const five = parseRaceSpec('noise:0;noise:0.2;noise:0.4;noise:0.6;noise:0.8');
    expect(five.plan?.variants).toHaveLength(4);
    expect(five.rejected[0]?.reason).toMatch(/variant 5: at most 4/);
    expect(parseRaceSpec('x'.repeat(700)).plan).toBeNull();
  });

  it('round-trips: the link of a plan opens the same plan', () => {
    const plan = planFromPreset('optimizers')!;
    const base = serializeSettings(plan.variants[0]!.settings);
    const spec = serializeRaceSpec(plan);
    const again = parseRaceSpec(spec, parseSettings(base).settings);
    expect(again.rejected).toEqual([]);
    expect(again.plan?.variants.map((v) => v.settings)).toEqual(plan.variants.map((v) => v.settings));
  });
});
