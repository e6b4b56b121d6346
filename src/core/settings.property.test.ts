import { randomSettings } from './testing/randomSettings';
import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { DEFAULT_SETTINGS, parseSettings, serializeSettings, SETTING_NAMES, SETTINGS, type SettingName } from './settings';

describe('URL round trip over the whole schema (property-based, seeded)', () => {
  const ITERATIONS = 3000;

  it(`parse(serialize(s)) = s with no rejections, for ${ITERATIONS} random valid settings`, () => {
    const rng = createRng(20260423);
    for (let i = 0; i < ITERATIONS; i++) {
      const s = randomSettings(rng, [0.05, 0.3, 1][i % 3]!);
      const query = serializeSettings(s);
      const parsed = parseSettings(`?${query}`);
      if (parsed.rejected.length > 0 || JSON.stringify(parsed.settings) !== JSON.stringify(s)) {
        // Report the smallest useful counterexample: the query and what came back.
        expect({ query, rejected: parsed.rejected, settings: parsed.settings }).toEqual({ query, rejected: [], settings: s });
      }
      // Serialisation is a fixed point, starts with the version, omits defaults, and keeps schema order.
      expect(serializeSettings(parsed.settings)).toBe(query);
      const keys = [...new URLSearchParams(query).keys()];
      expect(keys[0]).toBe('v');
      const order = SETTING_NAMES.map((n) => SETTINGS[n].key);
      const indices = keys.slice(1).map((k) => order.indexOf(k));
      expect(indices.every((v, j) => v >= 0 && (j === 0 || v > indices[j - 1]!))).toBe(true);
      for (const k of keys.slice(1)) {
        const name = SETTING_NAMES.find((n) => SETTINGS[n].key === k) as SettingName;
        expect(s[name]).not.toBe(SETTINGS[name].default);
      }
    }
  });

  it('random junk never throws and never yields an invalid setting', () => {
    const rng = createRng(7);
    const alphabet = [
      'a',
      '=',
      '&',
      '%',
      '1',
      '.',
      'e',
      '-',
      '<',
      '>',
      '"',
      ' ',
      '+',
      '%00',
      '%E0',
      'lr',
      'ds',
      'v',
      '0x',
      'NaN',
      '\u202e',
    ];
    for (let i = 0; i < 2000; i++) {
      let q = '?';
      const len = Math.floor(rng() * 60);
      for (let j = 0; j < len; j++) q += alphabet[Math.floor(rng() * alphabet.length)]!;
      const { settings } = parseSettings(q);
      // Whatever was accepted re-serialises and parses cleanly: the result is always valid.
      expect(parseSettings(serializeSettings(settings)).rejected).toEqual([]);
    }
  });
});

describe('bad URLs: each gives its own notice and keeps the default', () => {
  it.each([
    ['?ep=0', 'ep', /outside the range 1…200/],
    ['?ep=201', 'ep', /outside the range 1…200/],
    ['?n=-100', 'n', /outside the range 0…60,000/],
    ['?seed=2147483648', 'seed', /outside/],
    ['?lr=1e400', 'lr', /too large/],
    ['?lr=NaN', 'lr', /not a number/],
    ['?lr=Infinity', 'lr', /not a number/],
    ['?lr=1,5,0', 'lr', /not a number/],
    ['?lr=0.01abc', 'lr', /not a number/],
    ['?bs=1e1.5', 'bs', /not a number/],
    ['?ep=2.5', 'ep', /whole number/],
    ['?bn=2', 'bn', /not 0\/1/],
    ['?res=yes', 'res', /not 0\/1/],
    ['?act=RELU', 'act', /not one of relu/],
    ['?opt=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E', 'opt', /"<img src=x onerror=alert…" is not one of/],
    ['?v=2', 'v', /unknown settings version "2"/],
    ['?v=', 'v', /unknown settings version/],
    [`?lr=${'9'.repeat(65)}`, 'lr', /longer than 64 characters/],
    [`?${'k'.repeat(1000)}=1`, `${'k'.repeat(24)}…`, /unknown setting/],
    ['?autostart=1', 'autostart', /unknown setting/],
  ])('%s → %s: %s', (query, key, reason) => {
    const { settings, rejected } = parseSettings(query);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.key).toBe(key);
    expect(rejected[0]!.reason).toMatch(reason);
    expect(settings).toEqual(DEFAULT_SETTINGS);
  });

  it('a repeated key keeps the first value and says which value that is', () => {
    const { settings, rejected } = parseSettings('?ep=3&ep=9');
    expect(settings.epochs).toBe(3);
    expect(rejected).toEqual([{ key: 'ep', reason: 'Epochs: given 2 times ("3", "9"); using 3' }]);
  });

  it('an absurdly long address is ignored as a whole, with one notice', () => {
    const { settings, rejected } = parseSettings(`?ep=3&x=${'y'.repeat(5000)}`);
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatch(/too long/);
  });

  it('rejection texts stay short, whatever the input length', () => {
    const { rejected } = parseSettings(`?ds=${'<b>'.repeat(20)}&${'q'.repeat(3000)}=1`);
    for (const r of rejected) {
      expect(r.key.length).toBeLessThanOrEqual(25);
      expect(r.reason.length).toBeLessThan(200);
    }
  });
});
