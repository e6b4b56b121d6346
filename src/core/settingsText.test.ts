import { describe, expect, it } from 'vitest';
import { describeSettings } from './runRecord';
import { DEFAULT_SETTINGS } from './settings';
import { datasetName, formatSettingValue, settingChanges } from './settingsText';

describe('settings as people read them', () => {
  it('datasets and other choices by their labels, switches as on/off, numbers as typed', () => {
    expect(datasetName('mnist')).toBe('MNIST digits');
    expect(datasetName('cifar10')).toBe('CIFAR-10');
    expect(formatSettingValue('optimizer', 'adam')).toBe('Adam');
    expect(formatSettingValue('batchNorm', true)).toBe('on');
    expect(formatSettingValue('learningRate', 0.001)).toBe('0.001');
  });

  it('lists what changed between the run on screen and the form, in schema order', () => {
    const run = { ...DEFAULT_SETTINGS };
    const form = { ...DEFAULT_SETTINGS, epochs: 3, learningRate: 0.1, dataset: 'fashion' as const };
    expect(settingChanges(run, form)).toEqual([
      { name: 'dataset', label: 'Dataset', from: 'MNIST digits', to: 'Fashion-MNIST' },
      { name: 'learningRate', label: 'Learning rate', from: '0.01', to: '0.1' },
      { name: 'epochs', label: 'Epochs', from: '5', to: '3' },
    ]);
    expect(settingChanges(run, { ...run })).toEqual([]);
  });

  it('run legends name the dataset by its label, other settings as in the address', () => {
    expect(describeSettings({ ...DEFAULT_SETTINGS, dataset: 'fashion', learningRate: 0.1 }, ['dataset', 'learningRate'])).toBe(
      'ds=Fashion-MNIST lr=0.1',
    );
  });
});
