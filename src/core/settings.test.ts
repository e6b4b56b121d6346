import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettings, serializeSettings, SETTING_NAMES, SETTINGS, type Settings } from './settings';

/** A valid non-default value for every setting, derived from the schema itself. */
function nonDefault(name: (typeof SETTING_NAMES)[number]): Settings[typeof name] {
  const spec = SETTINGS[name];
  switch (spec.kind) {
    case 'number': {
      const candidate = spec.integer ? Math.min(spec.max, spec.default + 1) : spec.default === spec.min ? spec.max : spec.min;
      return (candidate === spec.default ? spec.max : candidate) as never;
    }
    case 'enum':
      return spec.options.find((o) => o.value !== spec.default)!.value as never;
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
