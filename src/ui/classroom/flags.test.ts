import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSettings, SETTING_NAMES, SETTINGS } from '../../core/settings';
import { controlShown, DEFAULT_VIEW, flagTable, PANEL_IDS, panelShown, parseView, serializeView, settingLocked } from './flags';

describe('classroom flags', () => {
  it('reads every flag, and the rest goes to the settings codec without rejection', () => {
    const { view, rest, rejected } = parseView('v=1&lr=0.1&present=1&theme=dark&embed=1&controls=lr,opt&hide=charts,seed&lock=bs');
    expect(rejected).toEqual([]);
    expect(view).toEqual({
      present: true,
      theme: 'dark',
      embed: true,
      controls: ['learningRate', 'optimizer'],
      hide: { panels: ['charts'], settings: ['seed'] },
      lock: ['batchSize'],
    });
    expect(rest).toBe('v=1&lr=0.1');
    expect(parseSettings(rest).rejected).toEqual([]);
  });

  it('lecture=1 is presentation mode; controls=0 hides every control panel; lock=all locks every setting', () => {
    const { view } = parseView('lecture=1&controls=0&lock=all');
    expect(view.present).toBe(true);
    expect(panelShown(view, 'settings')).toBe(false);
    expect(panelShown(view, 'presets')).toBe(false);
    expect(panelShown(view, 'charts')).toBe(true);
    expect(SETTING_NAMES.every((n) => settingLocked(view, n) && !controlShown(view, n))).toBe(true);
  });

  it.each([
    ['present=yes', 'present', '"yes" is not 0/1; ignored'],
    ['theme=purple', 'theme', '"purple" is not one of light, dark, auto; ignored'],
    ['embed=2', 'embed', '"2" is not 0/1; ignored'],
    ['lock=', 'lock', 'empty list; ignored'],
    ['hide=charts&hide=inside', 'hide', 'given more than once; the first value is used'],
  ])('%s → a notice for %s', (query, key, reason) => {
    const { rejected, view } = parseView(query);
    expect(rejected).toEqual([{ key, reason }]);
    if (!query.startsWith('hide')) expect(view).toEqual(DEFAULT_VIEW);
  });

  it('unknown items of a list are reported one by one; the known ones still apply', () => {
    const { view, rejected } = parseView('hide=charts,bogus,lr&lock=lr,zz&controls=opt,nope');
    expect(view.hide).toEqual({ panels: ['charts'], settings: ['learningRate'] });
    expect(view.lock).toEqual(['learningRate']);
    expect(view.controls).toEqual(['optimizer']);
    expect(rejected.map((r) => r.key)).toEqual(['hide', 'lock', 'controls']);
    expect(rejected[0]!.reason).toMatch(/^"bogus" is not a panel \(settings, presets, charts.*\) or a setting key; left out$/);
    expect(rejected[1]!.reason).toBe('"zz" is not a setting key; left out');
  });

  it('a controls list shows only its knobs and locks the others', () => {
    const { view } = parseView('controls=lr');
    expect(controlShown(view, 'learningRate')).toBe(true);
    expect(controlShown(view, 'optimizer')).toBe(false);
    expect(settingLocked(view, 'learningRate')).toBe(false);
    expect(settingLocked(view, 'optimizer')).toBe(true);
    expect(panelShown(view, 'settings')).toBe(true);
    expect(panelShown(view, 'presets')).toBe(false);
  });

  it('round-trips through serializeView; defaults write nothing', () => {
    expect(serializeView(DEFAULT_VIEW)).toBe('');
    const query = 'present=1&theme=dark&controls=lr,opt&hide=charts,seed&lock=bs';
    expect(serializeView(parseView(query).view)).toBe(query);
    expect(parseView(serializeView(parseView('lecture=1&lock=all&controls=0').view)).view).toEqual(
      parseView('present=1&lock=all&controls=0').view,
    );
  });

  it('panel ids and setting keys never coincide (one hide list names both)', () => {
    const keys = new Set(SETTING_NAMES.map((n) => SETTINGS[n].key));
    expect(PANEL_IDS.filter((p) => keys.has(p))).toEqual([]);
  });

  it('the README documents every flag, as the table says', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const line of flagTable().split('\n')) expect(readme).toContain(line);
  });
});
