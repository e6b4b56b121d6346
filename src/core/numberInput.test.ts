import { describe, expect, it } from 'vitest';
import { fieldProblem, normalizeNumberText, parseNumberInput, stepNumber } from './numberInput';
import { sizeNote, valueNote } from './valueNote';
import { DEFAULT_SETTINGS, parseSettings, SETTINGS } from './settings';

const lr = SETTINGS.learningRate; // log, 1e-6…10
const epochs = SETTINGS.epochs; // integer, 1…200
const n = SETTINGS.trainSubset; // integer, 0…60000, step 100
const mom = SETTINGS.momentum; // linear, 0…0.999, step 0.05

describe('parseNumberInput: what typed text commits', () => {
  it.each([
    ['0.01', 0.01],
    ['0,01', 0.01],
    [' 0,5 ', 0.5],
    ['1e-3', 0.001],
    ['1E-3', 0.001],
    ['.5', 0.5],
    ['+2', 2],
  ])('lr "%s" → %s', (text, value) => {
    expect(parseNumberInput(lr, text)).toEqual({ kind: 'ok', value });
  });

  it.each([
    ['30', 30],
    ['1,000', null], // above the maximum 200, but read as one thousand, not 1
    ['−5', null],
  ])('epochs "%s"', (text, value) => {
    const r = parseNumberInput(epochs, text);
    if (value === null) expect(r.kind).toBe('out-of-range');
    else expect(r).toEqual({ kind: 'ok', value });
  });

  it('whole-number fields read "55,000" and "55 000" as thousands, not 55', () => {
    expect(parseNumberInput(n, '55,000')).toEqual({ kind: 'ok', value: 55000 });
    expect(parseNumberInput(n, '55 000')).toEqual({ kind: 'ok', value: 55000 });
    expect(parseNumberInput(n, '1,234.0')).toEqual({ kind: 'ok', value: 1234 });
  });

  it.each(['', '-', '+', '0.', '5.', '0,', '.', '1e', '1e-', '2.5E+'])('"%s" is the start of a number: not committed', (text) => {
    expect(parseNumberInput(lr, text).kind).toBe('incomplete');
  });

  it.each(['abc', '0x10', '1..2', '1,2,3', '0.01abc', 'NaN', 'Infinity', '1e1.5', '1,234,5'])('"%s" is not a number', (text) => {
    const r = parseNumberInput(lr, text);
    expect(r.kind).toBe('invalid');
  });

  it('out of range is reported with the typed value and the bound, never clamped', () => {
    expect(parseNumberInput(epochs, '300')).toEqual({ kind: 'out-of-range', value: 300, reason: '300 is outside the range 1…200' });
    expect(parseNumberInput(lr, '50')).toMatchObject({ kind: 'out-of-range', value: 50, reason: '50 is outside the range 0.000001…10' });
    expect(parseNumberInput(epochs, '0')).toMatchObject({ kind: 'out-of-range', reason: '0 is outside the range 1…200' });
    expect(parseNumberInput(lr, '1e400')).toMatchObject({ kind: 'out-of-range', reason: expect.stringMatching(/too large/) });
  });

  it('a fraction in a whole-number field is refused, not rounded', () => {
    expect(parseNumberInput(epochs, '2.5')).toEqual({ kind: 'invalid', reason: '2.5 is not a whole number' });
    expect(parseNumberInput(epochs, '2,5')).toEqual({ kind: 'invalid', reason: '2.5 is not a whole number' });
  });

  it('-0 commits as 0', () => {
    const r = parseNumberInput(n, '-0');
    expect(r).toEqual({ kind: 'ok', value: 0 });
    expect(Object.is(r.kind === 'ok' && r.value, -0)).toBe(false);
  });

  it('normalizes locale forms and refuses commas that fit no reading', () => {
    expect(normalizeNumberText('−0,5', false)).toBe('-0.5');
    expect(normalizeNumberText('1,5', true)).toBe('1.5');
    expect(normalizeNumberText('1,50,0', false)).toBeNull();
  });

  it('the field message names the value still in use', () => {
    const r = parseNumberInput(epochs, '300');
    if (r.kind === 'ok') throw new Error('expected a problem');
    expect(fieldProblem(r, 30)).toBe('300 is outside the range 1…200 — using 30');
    expect(fieldProblem({ kind: 'incomplete', reason: 'empty' }, 0.01)).toBe('Empty — using 0.01');
    expect(fieldProblem({ kind: 'incomplete', reason: 'x' }, 0.01)).toBe('Not a complete number yet — using 0.01');
  });
});

describe('stepNumber: arrow keys and the spinner', () => {
  it('log-scale knobs step along 1-2-5: 0.01 → 0.02 → 0.05 → 0.1, and back', () => {
    const up = [0.01];
    for (let i = 0; i < 3; i++) up.push(stepNumber(lr, up.at(-1)!, 1));
    expect(up).toEqual([0.01, 0.02, 0.05, 0.1]);
    const down = [0.1];
    for (let i = 0; i < 3; i++) down.push(stepNumber(lr, down.at(-1)!, -1));
    expect(down).toEqual([0.1, 0.05, 0.02, 0.01]);
  });

  it('a value between grid points goes to the next grid point in that direction', () => {
    expect(stepNumber(lr, 0.003, 1)).toBe(0.005);
    expect(stepNumber(lr, 0.003, -1)).toBe(0.002);
    expect(stepNumber(lr, 0.0123, 1)).toBe(0.02);
  });

  it('log steps stay in range; PageUp/PageDown move a decade', () => {
    expect(stepNumber(lr, 10, 1)).toBe(10);
    expect(stepNumber(lr, 5, 1)).toBe(10);
    expect(stepNumber(lr, 1e-6, -1)).toBe(1e-6);
    expect(stepNumber(lr, 0.01, 1, true)).toBe(0.1);
    expect(stepNumber(lr, 0.003, -1, true)).toBe(0.0003);
    expect(stepNumber(SETTINGS.epsilon, 1e-7, 1)).toBe(2e-7);
  });

  it('linear knobs step by their step to the next multiple, without float noise, within range', () => {
    expect(stepNumber(mom, 0.9, 1)).toBe(0.95);
    expect(stepNumber(mom, 0.95, 1)).toBe(0.999);
    expect(stepNumber(mom, 0.37, 1)).toBe(0.4);
    expect(stepNumber(mom, 0.37, -1)).toBe(0.35);
    expect(stepNumber(mom, 0, -1)).toBe(0);
    expect(stepNumber(epochs, 5, 1)).toBe(6);
    expect(stepNumber(epochs, 5, 1, true)).toBe(10);
    expect(stepNumber(epochs, 10, 1, true)).toBe(20);
    expect(stepNumber(n, 0, 1)).toBe(100);
    expect(stepNumber(SETTINGS.l2, 0.0001, 1)).toBe(0.0002);
  });
});

describe('value notes: what a special or capped value really means', () => {
  const s = (o: Partial<typeof DEFAULT_SETTINGS>) => ({ ...DEFAULT_SETTINGS, ...o });

  it('0 training examples reads "all (55,000)" on MNIST with 5,000 for validation', () => {
    expect(valueNote('trainSubset', s({ trainSubset: 0, validationSize: 5000 }), 60000)).toEqual({ text: 'all (55,000)', capped: false });
    expect(valueNote('trainSubset', s({ trainSubset: 0, validationSize: 0 }), 50000)).toEqual({ text: 'all (50,000)', capped: false });
  });

  it('more training examples than the split leaves says it is capped, and at what', () => {
    const note = valueNote('trainSubset', s({ trainSubset: 60000, validationSize: 5000 }), 60000);
    expect(note?.capped).toBe(true);
    expect(note?.text).toMatch(/^capped at 55,000/);
    expect(valueNote('trainSubset', s({ trainSubset: 3000 }), 60000)).toBeNull();
  });

  it('the validation size is capped one below the training set (as the split does)', () => {
    expect(sizeNote('validationSize', { trainSubset: 0, validationSize: 20000 }, 600)).toEqual({
      text: 'capped at 599 (the training set has 600)',
      capped: true,
    });
    expect(sizeNote('validationSize', { trainSubset: 0, validationSize: 0 }, 600)?.text).toMatch(/none/);
  });

  it('a batch larger than the training set says it is capped at the set', () => {
    expect(valueNote('batchSize', s({ batchSize: 2048, trainSubset: 1000 }), 60000)).toEqual({
      text: 'capped at 1,000: the whole training set in one batch',
      capped: true,
    });
    expect(valueNote('batchSize', s({ batchSize: 1000, trainSubset: 1000 }), 60000)).toBeNull();
  });

  it('settings where 0 switches a feature off say "off"', () => {
    expect(valueNote('patience', s({ patience: 0 }), 60000)?.text).toBe('off');
    expect(valueNote('clipNorm', s({ clipNorm: 0 }), 60000)?.text).toBe('off');
    expect(valueNote('patience', s({ patience: 3 }), 60000)).toBeNull();
    expect(valueNote('learningRate', s({}), 60000)).toBeNull();
  });
});

describe('the URL uses the same parser', () => {
  it('a decimal comma in an address is read as a decimal point', () => {
    expect(parseSettings('?lr=0,05').settings.learningRate).toBe(0.05);
  });

  it('a key given twice reports the value actually used', () => {
    const { settings, rejected } = parseSettings('?lr=0.1&lr=0.5');
    expect(settings.learningRate).toBe(0.1);
    expect(rejected).toEqual([{ key: 'lr', reason: 'Learning rate: given 2 times ("0.1", "0.5"); using 0.1' }]);
  });

  it('when the first of repeated values is invalid, the first valid one is used and named', () => {
    const { settings, rejected } = parseSettings('?ep=abc&ep=7&ep=9');
    expect(settings.epochs).toBe(7);
    expect(rejected[0]!.reason).toMatch(/given 3 times .*; using 7$/);
  });

  it('when no repeated value is valid, the notice names the default', () => {
    const { settings, rejected } = parseSettings('?ep=0&ep=999');
    expect(settings.epochs).toBe(DEFAULT_SETTINGS.epochs);
    expect(rejected[0]!.reason).toMatch(/using the default 5$/);
  });
});
