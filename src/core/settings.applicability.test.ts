/**
 * Which settings apply under the others: the rules live on the schema entries (`requires`). A table of
 * every rule (each reason, and a case where the setting applies); settings without rules apply under
 * any settings; the enum id lists are their options. When the rules moved into the schema they were
 * first compared with a frozen copy of the old `inapplicableReason` over 4000 seeded random settings
 * (see the history of this file: "Settings applicability: a frozen copy of inapplicableReason…").
 */
import { randomSettings } from './testing/randomSettings';
import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import {
  ACTIVATIONS,
  BACKEND_CHOICES,
  DATASETS,
  DEFAULT_SETTINGS,
  inapplicableReason,
  INITIALIZERS,
  LR_SCHEDULES,
  MODELS,
  NEGATIVE_MODES,
  NORMALIZATIONS,
  OPTIMIZERS,
  SCALED_INITIALIZERS,
  SETTING_NAMES,
  SETTINGS,
  type SettingName,
  type Settings,
  type SettingSpec,
} from './settings';

const CLASSIC = /fixed 1998 design/;

/** [setting, settings changed from the defaults, the reason given (null: it applies)]. */
const RULES: readonly (readonly [SettingName, Partial<Settings>, RegExp | null])[] = [
  ['depth', {}, /depth experiment/],
  ['depth', { model: 'deep' }, null],
  ['residual', { model: 'mlp' }, /depth experiment/],
  ['residual', { model: 'deep' }, null],
  ['batchNorm', { model: 'lenet5-classic' }, CLASSIC],
  ['batchNorm', { model: 'mlp' }, null],
  ['batchNormMomentum', { model: 'lenet5-classic', batchNorm: true }, CLASSIC],
  ['batchNormMomentum', { batchNorm: false }, /batch normalisation is on/],
  ['batchNormMomentum', { batchNorm: true }, null],
  ['activation', { model: 'lenet5-classic' }, CLASSIC],
  ['activation', { model: 'deep' }, null],
  ['leakyAlpha', { model: 'lenet5-classic', activation: 'leaky-relu' }, CLASSIC],
  ['leakyAlpha', { activation: 'elu' }, /Leaky ReLU activation/],
  ['leakyAlpha', { activation: 'leaky-relu' }, null],
  ['eluAlpha', { model: 'lenet5-classic', activation: 'elu' }, CLASSIC],
  ['eluAlpha', { activation: 'leaky-relu' }, /ELU activation/],
  ['eluAlpha', { activation: 'elu' }, null],
  ['pooling', { model: 'lenet5-classic' }, CLASSIC],
  ['pooling', { model: 'mlp' }, /no pooling/],
  ['pooling', { model: 'deep' }, null],
  ['widthMultiplier', { model: 'lenet5-classic' }, CLASSIC],
  ['widthMultiplier', { model: 'mlp' }, /no conv layers/],
  ['widthMultiplier', {}, null],
  ...INITIALIZERS.map(
    (initializer) =>
      [
        'initScale',
        { initializer },
        SCALED_INITIALIZERS.includes(initializer) ? null : /truncated normal, normal, uniform and constant/,
      ] as const,
  ),
  ...OPTIMIZERS.flatMap((optimizer) => [
    ['momentum', { optimizer }, optimizer === 'momentum' || optimizer === 'nesterov' ? null : /SGD \+ momentum and Nesterov/] as const,
    ['beta1', { optimizer }, optimizer === 'adam' ? null : /Only used by Adam/] as const,
    ['beta2', { optimizer }, optimizer === 'adam' ? null : /Only used by Adam/] as const,
    ['rho', { optimizer }, optimizer === 'rmsprop' ? null : /Only used by RMSprop/] as const,
    ['epsilon', { optimizer }, optimizer === 'adam' || optimizer === 'rmsprop' ? null : /Only Adam and RMSprop take an ε/] as const,
    ['adagradInit', { optimizer }, optimizer === 'adagrad' ? null : /Only used by AdaGrad/] as const,
  ]),
  ...LR_SCHEDULES.flatMap((lrSchedule) => [
    ['lrDecay', { lrSchedule }, lrSchedule === 'time' ? null : /time-decay schedule/] as const,
    ['lrGamma', { lrSchedule }, lrSchedule === 'exponential' || lrSchedule === 'step' ? null : /exponential and step/] as const,
    ['lrStepEpochs', { lrSchedule }, lrSchedule === 'step' ? null : /step schedule/] as const,
    ['lrMin', { lrSchedule }, lrSchedule === 'cosine' ? null : /cosine schedule/] as const,
  ]),
  ['lrMin', { lrSchedule: 'cosine', learningRate: 0.1, lrMin: 0.1 }, /below the learning rate/],
  ['lrMin', { lrSchedule: 'cosine', learningRate: 0.1, lrMin: 0.099 }, null],
  ...(['erasingAreaMin', 'erasingAreaMax', 'erasingAspectMin', 'erasingAspectMax'] as const).flatMap((name) => [
    [name, { randomErasing: 0 }, /random erasing is on/] as const,
    [name, { randomErasing: 0.5 }, null] as const,
  ]),
  ['erasingAreaMin', { randomErasing: 0.5, erasingAreaMin: 0.4, erasingAreaMax: 0.3 }, /minimum area is above/],
  ['erasingAreaMax', { randomErasing: 0.5, erasingAreaMin: 0.4, erasingAreaMax: 0.3 }, /minimum area is above/],
  ['erasingAreaMax', { randomErasing: 0.5, erasingAreaMin: 0.3, erasingAreaMax: 0.3 }, null],
  ['erasingAspectMin', { randomErasing: 0.5, erasingAspectMin: 2, erasingAspectMax: 1 }, /minimum aspect is above/],
  ['erasingAspectMax', { randomErasing: 0.5, erasingAspectMin: 2, erasingAspectMax: 1 }, /minimum aspect is above/],
  ['erasingAspectMin', { randomErasing: 0.5, erasingAspectMin: 1, erasingAspectMax: 1 }, null],
  ['patience', { validationSize: 0 }, /set Validation examples above 0/],
  ['patience', {}, null],
  ['restoreBest', { patience: 0 }, /patience above 0/],
  ['restoreBest', { patience: 0, validationSize: 0 }, /patience above 0/],
  ['restoreBest', { patience: 3, validationSize: 0 }, /set Validation examples above 0/],
  ['restoreBest', { patience: 3 }, null],
];

describe('setting applicability (rules on the schema entries)', () => {
  it.each(RULES)('%s under %j: %s', (name, changed, reason) => {
    const actual = inapplicableReason(name, { ...DEFAULT_SETTINGS, ...changed });
    if (reason === null) expect(actual).toBeNull();
    else expect(actual).toMatch(reason);
  });

  it('the table covers every rule: each reason of each entry, and a case where the setting applies', () => {
    for (const name of SETTING_NAMES) {
      const spec: SettingSpec = SETTINGS[name];
      const rows = RULES.filter(([n]) => n === name);
      const given = new Set(rows.map(([, changed]) => inapplicableReason(name, { ...DEFAULT_SETTINGS, ...changed })));
      const reasons = (spec.requires ?? []).map((r) => r.reason);
      if (reasons.length === 0) {
        expect(rows, name).toEqual([]);
        continue;
      }
      expect([...given].sort(), name).toEqual([null, ...new Set(reasons)].sort());
    }
  });

  it('a setting without rules applies under any settings (4000 seeded random settings)', () => {
    const rng = createRng(20261130);
    const free = SETTING_NAMES.filter((name) => !(SETTINGS[name] as SettingSpec).requires);
    expect(free).toEqual(expect.arrayContaining(['dataset', 'learningRate', 'optimizer', 'dropout', 'l2', 'seed']));
    for (let i = 0; i < 4000; i++) {
      const s = randomSettings(rng, [0.1, 0.4, 1][i % 3]!);
      for (const name of free) if (inapplicableReason(name, s) !== null) expect.fail(`${name} inapplicable under ${JSON.stringify(s)}`);
    }
  });

  it('the id lists are the options of their schema entry, in order', () => {
    const values = (spec: SettingSpec) => (spec.kind === 'enum' ? spec.options.map((o) => o.value) : []);
    expect(DATASETS).toEqual(values(SETTINGS.dataset));
    expect(OPTIMIZERS).toEqual(values(SETTINGS.optimizer));
    expect(MODELS).toEqual(values(SETTINGS.model));
    expect(ACTIVATIONS).toEqual(values(SETTINGS.activation));
    expect(INITIALIZERS).toEqual(values(SETTINGS.initializer));
    expect(LR_SCHEDULES).toEqual(values(SETTINGS.lrSchedule));
    expect(NEGATIVE_MODES).toEqual(values(SETTINGS.negatives));
    expect(NORMALIZATIONS).toEqual(values(SETTINGS.normalization));
    expect(BACKEND_CHOICES).toEqual(values(SETTINGS.backend));
    expect(OPTIMIZERS).toEqual(['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam']);
    for (const init of SCALED_INITIALIZERS) expect(INITIALIZERS).toContain(init);
  });
});
