/**
 * The note under a number field when its value means more than the digits say ("0" → "all (55,000)",
 * "capped at …", "off"). Pure functions, no UI.
 */
import type { SettingName, Settings } from './settings';

/** What the training will actually use for a setting whose typed value means more than it says. */
export interface ValueNote {
  readonly text: string;
  /** True when the value given is larger than what is used. */
  readonly capped: boolean;
}

/**
 * The note under the training-set and validation fields: "0" reads "all (55,000)", and a value the
 * dataset cannot supply says it is capped. `trainCount` is the dataset's official training-set size
 * (null when not known). Mirrors `splitTrainValidation` in data/batches.ts.
 */
export function sizeNote(
  name: 'trainSubset' | 'validationSize',
  settings: { readonly trainSubset: number; readonly validationSize: number },
  trainCount: number | null,
): ValueNote | null {
  const fmt = (n: number) => n.toLocaleString('en-US');
  if (trainCount === null)
    return name === 'trainSubset' && settings.trainSubset === 0 ? { text: 'all (the training set minus validation)', capped: false } : null;
  const validation = Math.max(0, Math.min(settings.validationSize, trainCount - 1));
  const rest = trainCount - validation;
  if (name === 'validationSize') {
    if (settings.validationSize === 0) return { text: 'none: no validation curve', capped: false };
    if (settings.validationSize > validation)
      return { text: `capped at ${fmt(validation)} (the training set has ${fmt(trainCount)})`, capped: true };
    return null;
  }
  if (settings.trainSubset === 0) return { text: `all (${fmt(rest)})`, capped: false };
  if (settings.trainSubset > rest)
    return { text: `capped at ${fmt(rest)}: ${fmt(trainCount)} training images minus ${fmt(validation)} for validation`, capped: true };
  return null;
}

/** Settings where 0 switches the feature off (their help says "0 = off"). */
const ZERO_IS_OFF: readonly SettingName[] = ['clipNorm', 'patience'];

/**
 * The note shown under a number field when its value means more than the digits say, or null:
 * sizes (see `sizeNote`) and "off" for the settings where 0 turns a feature off.
 */
export function valueNote(name: SettingName, settings: Settings, trainCount: number | null): ValueNote | null {
  if (name === 'trainSubset' || name === 'validationSize') return sizeNote(name, settings, trainCount);
  if (name === 'batchSize' && trainCount !== null) {
    // train.ts: a batch never holds more than the training examples there are.
    const rest = trainCount - Math.max(0, Math.min(settings.validationSize, trainCount - 1));
    const train = settings.trainSubset > 0 ? Math.min(settings.trainSubset, rest) : rest;
    if (settings.batchSize > train)
      return { text: `capped at ${train.toLocaleString('en-US')}: the whole training set in one batch`, capped: true };
    return null;
  }
  if (ZERO_IS_OFF.includes(name) && settings[name] === 0) return { text: 'off', capped: false };
  return null;
}
