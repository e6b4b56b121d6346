/**
 * Which settings apply under the others: the rules live on the schema entries (`requires`). This file
 * pins them against a frozen copy of the rules as they were written before they moved into the schema
 * (a property-style comparison over seeded random settings), and keeps a table of the rules themselves.
 */
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from './rng';
import {
  DEFAULT_SETTINGS,
  inapplicableReason,
  SETTING_NAMES,
  SETTINGS,
  type OptimizerId,
  type SettingName,
  type Settings,
  type SettingSpec,
} from './settings';

// ---- Frozen copy of `inapplicableReason` before the rules moved into the schema (commit 1399532). ----
const LEGACY_SCALED_INITIALIZERS: readonly string[] = ['truncated-normal', 'random-normal', 'random-uniform', 'constant'];
const LEGACY_OPTIMIZER_KNOBS: Partial<Record<SettingName, { readonly uses: readonly OptimizerId[]; readonly reason: string }>> = {
  momentum: { uses: ['momentum', 'nesterov'], reason: 'Only used by SGD + momentum and Nesterov.' },
  beta1: { uses: ['adam'], reason: 'Only used by Adam.' },
  beta2: { uses: ['adam'], reason: 'Only used by Adam.' },
  rho: { uses: ['rmsprop'], reason: 'Only used by RMSprop.' },
  epsilon: { uses: ['adam', 'rmsprop'], reason: 'Only Adam and RMSprop take an ε (AdaGrad uses the backend’s own).' },
  adagradInit: { uses: ['adagrad'], reason: 'Only used by AdaGrad.' },
};
const LEGACY_CLASSIC_FIXED =
  'LeNet-5 classic is the fixed 1998 design (scaled tanh, average pooling, no batch norm); choose LeNet-5 (modern) to change it.';

function legacyInapplicableReason(name: SettingName, settings: Settings): string | null {
  const optimizerKnob = LEGACY_OPTIMIZER_KNOBS[name];
  if (optimizerKnob) return optimizerKnob.uses.includes(settings.optimizer) ? null : optimizerKnob.reason;
  const model = settings.model;
  switch (name) {
    case 'depth':
    case 'residual':
      return model === 'deep' ? null : 'Only used by the depth experiment model.';
    case 'activation':
    case 'batchNorm':
      return model === 'lenet5-classic' ? LEGACY_CLASSIC_FIXED : null;
    case 'batchNormMomentum':
      if (model === 'lenet5-classic') return LEGACY_CLASSIC_FIXED;
      return settings.batchNorm ? null : 'Only used when batch normalisation is on.';
    case 'pooling':
      if (model === 'lenet5-classic') return LEGACY_CLASSIC_FIXED;
      return model === 'mlp' ? 'The MLP has no pooling layers.' : null;
    case 'widthMultiplier':
      if (model === 'lenet5-classic') return LEGACY_CLASSIC_FIXED;
      return model === 'mlp' ? 'The MLP has no conv layers.' : null;
    case 'initScale':
      return LEGACY_SCALED_INITIALIZERS.includes(settings.initializer)
        ? null
        : 'Only used by the truncated normal, normal, uniform and constant initialisations.';
    case 'lrDecay':
      return settings.lrSchedule === 'time' ? null : 'Only used by the time-decay schedule.';
    case 'lrMin':
      if (settings.lrSchedule !== 'cosine') return 'Only used by the cosine schedule.';
      return settings.lrMin < settings.learningRate ? null : 'Must be below the learning rate, or the rate would rise.';
    case 'leakyAlpha':
      if (model === 'lenet5-classic') return LEGACY_CLASSIC_FIXED;
      return settings.activation === 'leaky-relu' ? null : 'Only used by the Leaky ReLU activation.';
    case 'eluAlpha':
      if (model === 'lenet5-classic') return LEGACY_CLASSIC_FIXED;
      return settings.activation === 'elu' ? null : 'Only used by the ELU activation.';
    case 'erasingAreaMin':
    case 'erasingAreaMax':
      if (settings.randomErasing === 0) return 'Only used when random erasing is on.';
      return settings.erasingAreaMin <= settings.erasingAreaMax
        ? null
        : 'The minimum area is above the maximum: the two are swapped when training.';
    case 'erasingAspectMin':
    case 'erasingAspectMax':
      if (settings.randomErasing === 0) return 'Only used when random erasing is on.';
      return settings.erasingAspectMin <= settings.erasingAspectMax
        ? null
        : 'The minimum aspect is above the maximum: the two are swapped when training.';
    case 'lrGamma':
      return settings.lrSchedule === 'exponential' || settings.lrSchedule === 'step'
        ? null
        : 'Only used by the exponential and step schedules.';
    case 'lrStepEpochs':
      return settings.lrSchedule === 'step' ? null : 'Only used by the step schedule.';
    case 'patience':
      return settings.validationSize > 0 ? null : 'Early stopping watches the validation loss: set Validation examples above 0.';
    case 'restoreBest':
      if (settings.patience === 0) return 'Only used when early stopping is on (patience above 0).';
      return settings.validationSize > 0 ? null : 'Early stopping watches the validation loss: set Validation examples above 0.';
    default:
      return null;
  }
}
// ---- end of the frozen copy ----

/** A random valid value of one spec: its edges, its default, values across its range. */
function randomValue(spec: SettingSpec, rng: Rng): number | string | boolean {
  switch (spec.kind) {
    case 'boolean':
      return rng() < 0.5;
    case 'enum':
      return spec.options[Math.floor(rng() * spec.options.length)]!.value;
    case 'number': {
      const r = rng();
      if (r < 0.15) return spec.min;
      if (r < 0.3) return spec.max;
      if (r < 0.5) return spec.default;
      const x = spec.min + rng() * (spec.max - spec.min);
      return spec.integer ? Math.round(x) : x;
    }
  }
}

function randomSettings(rng: Rng, density: number): Settings {
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const name of SETTING_NAMES) if (rng() < density) out[name] = randomValue(SETTINGS[name], rng);
  return out as Settings;
}

describe('setting applicability (rules on the schema entries)', () => {
  it('matches the rules as first written, for every setting, over 4000 seeded random settings', () => {
    const rng = createRng(20261130);
    const seen = new Map<SettingName, Set<string | null>>();
    const mismatches: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const s = randomSettings(rng, [0.1, 0.4, 1][i % 3]!);
      for (const name of SETTING_NAMES) {
        const expected = legacyInapplicableReason(name, s);
        const actual = inapplicableReason(name, s);
        if (actual !== expected && mismatches.length < 5) mismatches.push(`${name}: ${actual} ≠ ${expected} under ${JSON.stringify(s)}`);
        if (!seen.has(name)) seen.set(name, new Set());
        seen.get(name)!.add(expected);
      }
    }
    expect(mismatches).toEqual([]);
    // The sample reached every reason of every rule, and the "applies" case of each.
    const reasons = (name: SettingName) => [...(seen.get(name) ?? [])];
    expect(reasons('lrMin')).toEqual(
      expect.arrayContaining([null, 'Only used by the cosine schedule.', 'Must be below the learning rate, or the rate would rise.']),
    );
    expect(reasons('restoreBest')).toHaveLength(3);
    expect(reasons('erasingAreaMax')).toHaveLength(3);
    expect(reasons('erasingAspectMin')).toHaveLength(3);
    expect(reasons('batchNormMomentum')).toHaveLength(3);
    expect(reasons('leakyAlpha')).toHaveLength(3);
    for (const name of SETTING_NAMES)
      if (legacyInapplicableReason(name, DEFAULT_SETTINGS) === null) expect(reasons(name), name).toContain(null);
  });
});
