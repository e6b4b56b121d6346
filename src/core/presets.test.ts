import { describe, expect, it } from 'vitest';
import { measuredVariant } from './measured';
import { PRESETS, presetQuery, presetSettings } from './presets';
import { coerce, parseSettings, SETTINGS, type SettingName } from './settings';

describe('presets', () => {
  it('have unique ids and an explanation', () => {
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
    for (const p of PRESETS) {
      expect(p.explanation.length).toBeGreaterThan(80);
      expect(p.variants.length).toBeGreaterThan(0);
      expect(new Set(p.variants.map((v) => v.id)).size).toBe(p.variants.length);
    }
  });

  it('every variant’s settings coerce without rejection and survive the URL', () => {
    for (const p of PRESETS) {
      for (const v of p.variants) {
        for (const [name, value] of Object.entries(v.settings)) {
          const spec = SETTINGS[name as SettingName];
          expect(spec, `${p.id}/${v.id}: ${name}`).toBeDefined();
          expect(coerce(spec, String(value)), `${p.id}/${v.id}: ${name}=${String(value)}`).toEqual({ ok: true, value });
        }
        const parsed = parseSettings(`?${presetQuery(v)}`);
        expect(parsed.rejected, `${p.id}/${v.id}`).toEqual([]);
        expect(parsed.settings).toEqual(presetSettings(v));
      }
    }
  });

  it('variants of a comparison differ from each other', () => {
    for (const p of PRESETS) {
      const queries = p.variants.map(presetQuery);
      expect(new Set(queries).size, p.id).toBe(queries.length);
    }
  });

  it('covers the experiments of the course material', () => {
    const ids = PRESETS.map((p) => p.id);
    for (const id of [
      'negatives',
      'label-noise',
      'optimizers',
      'init',
      'activations',
      'cnn-vs-mlp',
      'depth',
      'bn-short',
      'sgd-table',
      'fashion',
      'regularization',
    ])
      expect(ids).toContain(id);
  });

  it('every variant has numbers measured with its current settings (npm run experiments), beside the course’s', () => {
    for (const p of PRESETS) {
      expect(p.homework.length, p.id).toBeGreaterThan(20);
      for (const v of p.variants) {
        const m = measuredVariant(p, v);
        expect(m, `${p.id}/${v.id}: settings changed since the last npm run experiments`).not.toBeNull();
        expect(
          m!.metrics.some((x) => x.n > 0 && x.mean !== null),
          `${p.id}/${v.id}`,
        ).toBe(true);
      }
    }
  });
});
