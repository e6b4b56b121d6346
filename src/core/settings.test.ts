import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, inapplicableReason, parseSettings, serializeSettings, SETTING_NAMES, SETTINGS, type Settings } from './settings';

/** A valid non-default value for every setting, derived from the schema itself. */
function nonDefault(name: (typeof SETTING_NAMES)[number]): Settings[typeof name] {
  const spec = SETTINGS[name];
  switch (spec.kind) {
    case 'number': {
      const candidate = spec.integer ? Math.min(spec.max, spec.default + 1) : spec.default === spec.min ? spec.max : spec.min;
      return candidate === spec.default ? spec.max : candidate;
    }
    case 'enum':
      return spec.options.find((o) => o.value !== spec.default)!.value;
    case 'boolean':
      return !spec.default;
  }
}

describe('settings URL codec', () => {
  it('defaults serialise to just the version key', () => {
    expect(serializeSettings(DEFAULT_SETTINGS)).toBe('v=1');
  });

  it('round-trips every setting, one at a time and all together', () => {
    const all: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const name of SETTING_NAMES) {
      const value = nonDefault(name);
      all[name] = value;
      const one = { ...DEFAULT_SETTINGS, [name]: value } as Settings;
      const query = serializeSettings(one);
      expect(query).toContain(`${SETTINGS[name].key}=`);
      const parsed = parseSettings(`?${query}`);
      expect(parsed.rejected).toEqual([]);
      expect(parsed.settings).toEqual(one);
    }
    const parsed = parseSettings(serializeSettings(all as Settings));
    expect(parsed.settings).toEqual(all);
  });

  it('keeps schema order and omits defaults', () => {
    const s = { ...DEFAULT_SETTINGS, seed: 42, dataset: 'fashion', learningRate: 0.001 } as Settings;
    expect(serializeSettings(s)).toBe('v=1&ds=fashion&lr=0.001&seed=42');
  });

  it.each([
    ['?lr=abc', 'lr', /not a number/],
    ['?lr=1e9', 'lr', /outside/],
    ['?bs=12.5', 'bs', /whole number/],
    ['?bs=0x10', 'bs', /not a number/],
    ['?ds=imagenet', 'ds', /not one of/],
    ['?zzz=1', 'zzz', /unknown setting/],
    ['?ep=', 'ep', /not a number/],
    [`?opt=${'a'.repeat(500)}`, 'opt', /longer than/],
    ['?ds=<script>alert(1)</script>', 'ds', /not one of/],
    ['?v=99', 'v', /unknown settings version/],
  ])('a bad URL part (%s) is rejected with its own reason and the default kept', (query, key, reason) => {
    const { settings, rejected } = parseSettings(query);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.key).toBe(key);
    expect(rejected[0]!.reason).toMatch(reason);
    expect(settings).toEqual(DEFAULT_SETTINGS);
  });

  it('applies the valid parts of a partly bad URL', () => {
    const { settings, rejected } = parseSettings('?ds=fashion&lr=-1&ep=3&bogus=x');
    expect(settings.dataset).toBe('fashion');
    expect(settings.epochs).toBe(3);
    expect(settings.learningRate).toBe(DEFAULT_SETTINGS.learningRate);
    expect(rejected.map((r) => r.key)).toEqual(['lr', 'bogus']);
  });

  it('never throws on absurd input', () => {
    expect(() => parseSettings('?' + '%'.repeat(10_000))).not.toThrow();
    expect(() => parseSettings('%E0%A4%A')).not.toThrow();
    expect(parseSettings('x'.repeat(5000)).rejected[0]!.reason).toMatch(/too long/);
  });
});

describe('settings that do not apply', () => {
  const s = (over: Partial<Settings>): Settings => ({ ...DEFAULT_SETTINGS, ...over });

  it('defaults train the homework LeNet-5: SGD + momentum 0.9, lr 0.01, batch 32, ReLU, Glorot uniform, nothing else', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      model: 'lenet5',
      optimizer: 'momentum',
      momentum: 0.9,
      learningRate: 0.01,
      batchSize: 32,
      activation: 'relu',
      initializer: 'glorot-uniform',
      biasInit: 0,
      pooling: 'max',
      batchNorm: false,
      dropout: 0,
      l2: 0,
      clipNorm: 0,
      lrSchedule: 'constant',
      patience: 0,
      labelNoise: 0,
      negatives: 'none',
      normalization: 'unit',
      randomErasing: 0,
      shift: 0,
      widthMultiplier: 1,
    });
  });

  it.each([
    ['momentum', { optimizer: 'adam' }, /momentum/],
    ['beta1', { optimizer: 'sgd' }, /Adam/],
    ['rho', { optimizer: 'adam' }, /RMSprop/],
    ['epsilon', { optimizer: 'adagrad' }, /AdaGrad uses/],
    ['adagradInit', { optimizer: 'rmsprop' }, /AdaGrad/],
    ['depth', { model: 'lenet5' }, /depth experiment/],
    ['residual', { model: 'mlp' }, /depth experiment/],
    ['activation', { model: 'lenet5-classic' }, /1998/],
    ['batchNorm', { model: 'lenet5-classic' }, /1998/],
    ['batchNormMomentum', { batchNorm: false }, /batch normalisation is on/],
    ['batchNormMomentum', { model: 'lenet5-classic', batchNorm: true }, /1998/],
    ['pooling', { model: 'mlp' }, /no pooling/],
    ['widthMultiplier', { model: 'mlp' }, /no conv/],
    ['initScale', { initializer: 'he-normal' }, /truncated normal/],
    ['lrDecay', { lrSchedule: 'cosine' }, /time-decay/],
    ['lrGamma', { lrSchedule: 'time' }, /exponential and step/],
    ['lrStepEpochs', { lrSchedule: 'exponential' }, /step schedule/],
    ['patience', { validationSize: 0 }, /Validation examples/],
    ['restoreBest', { patience: 0 }, /patience above 0/],
    ['restoreBest', { patience: 3, validationSize: 0 }, /Validation examples/],
  ] as const)('%s is explained as inapplicable under %j', (name, over, reason) => {
    expect(inapplicableReason(name, s(over as Partial<Settings>))).toMatch(reason);
  });

  it.each([
    ['momentum', { optimizer: 'nesterov' }],
    ['beta2', { optimizer: 'adam' }],
    ['epsilon', { optimizer: 'rmsprop' }],
    ['depth', { model: 'deep' }],
    ['batchNormMomentum', { batchNorm: true }],
    ['activation', { model: 'mlp' }],
    ['pooling', { model: 'deep' }],
    ['initScale', { initializer: 'constant' }],
    ['lrGamma', { lrSchedule: 'step' }],
    ['restoreBest', { patience: 2 }],
    ['dropout', { model: 'lenet5-classic' }],
  ] as const)('%s applies under %j', (name, over) => {
    expect(inapplicableReason(name, s(over as Partial<Settings>))).toBeNull();
  });

  it('every setting has a unique URL key and a help line', () => {
    const keys = SETTING_NAMES.map((n) => SETTINGS[n].key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const n of SETTING_NAMES) expect(SETTINGS[n].help.length).toBeGreaterThan(10);
  });

  it('booleans serialise as 1/0 and parse from 1/0/true/false', () => {
    expect(serializeSettings({ ...DEFAULT_SETTINGS, batchNorm: true, restoreBest: false })).toBe('v=1&bn=1&restore=0');
    expect(parseSettings('?bn=true&res=1').settings).toMatchObject({ batchNorm: true, residual: true });
    expect(parseSettings('?bn=yes').rejected[0]!.reason).toMatch(/not 0\/1/);
  });
});
