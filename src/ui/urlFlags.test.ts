import { describe, expect, it } from 'vitest';
import { parseSettings } from '../core/settings';
import { takeAutostart } from './urlFlags';

describe('autostart flag', () => {
  it.each([
    ['?ep=2&autostart=1', true, 'ep=2'],
    ['?autostart=1', true, ''],
    ['?autostart=0&ep=2', false, 'ep=2'],
    ['?ep=2', false, '?ep=2'],
    ['', false, ''],
  ])('%s → autostart %s, settings query %j', (search, autostart, query) => {
    expect(takeAutostart(search)).toEqual({ autostart, query });
  });

  it('is not a setting: the rest parses without rejection', () => {
    expect(parseSettings(takeAutostart('?v=1&ep=2&autostart=1').query).rejected).toEqual([]);
  });
});
