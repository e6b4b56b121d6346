/**
 * Classroom links: the address-bar flags that shape the page rather than the experiment (presentation
 * mode, theme, embed view, which panels and controls show, which are locked). Defined once in
 * {@link FLAGS}, like the settings schema: parsing, serialising, the README table and the notice for
 * bad values all walk it. Pure (no DOM, no store), so Node tests import it.
 */
import { SETTING_NAMES, SETTINGS, type SettingName } from '../../core/settings';

export type Theme = 'auto' | 'light' | 'dark';

/** Panels a link can hide (`hide=charts,inside`). Setting keys (`lr`, `opt`, …) can be hidden too. */
export const PANELS = {
  settings: 'the settings panel (all controls)',
  presets: 'the preset bar near Train and the course experiments',
  charts: 'the loss and accuracy charts',
  model: 'the layer table',
  files: 'save and load the model',
  dataset: 'the CIFAR-10 upload box',
  'noise-matrix': 'the label-noise matrix',
  inside: 'the inside-the-network panels (confusion matrix, filters, …)',
  runs: 'repeat, sweep and the run history',
  race: 'the live race panel',
  network: 'the network at a glance',
  share: 'Copy link',
} as const;
export type PanelId = keyof typeof PANELS;
export const PANEL_IDS = Object.keys(PANELS) as PanelId[];

/** The panels `controls=0` hides: everything a student could change, leaving the run bar and what it shows. */
export const CONTROL_PANELS: readonly PanelId[] = ['settings', 'presets', 'files', 'dataset', 'runs', 'race', 'share'];

export interface ClassroomView {
  /** Presentation mode: large type, big run bar, charts filling the screen. */
  readonly present: boolean;
  readonly theme: Theme;
  /** Embed view for an iframe in slides: no page header, run bar and charts first. */
  readonly embed: boolean;
  /** Setting controls shown: all (null), none (`controls=0`: also hides the panels in CONTROL_PANELS), or only these. */
  readonly controls: readonly SettingName[] | 'none' | null;
  /** Hidden panels and setting controls. */
  readonly hide: { readonly panels: readonly PanelId[]; readonly settings: readonly SettingName[] };
  /** Locked settings (shown, not changeable; presets leave them alone); 'all' locks every one. */
  readonly lock: readonly SettingName[] | 'all';
}

export const DEFAULT_VIEW: ClassroomView = {
  present: false,
  theme: 'auto',
  embed: false,
  controls: null,
  hide: { panels: [], settings: [] },
  lock: [],
};

export interface FlagRejection {
  readonly key: string;
  readonly reason: string;
}

type Parsed<T> = { ok: true; value: T; rejected?: string[] } | { ok: false; reason: string };

interface FlagSpec<K extends keyof ClassroomView> {
  readonly field: K;
  readonly key: string;
  /** Other spellings read (never written). */
  readonly aliases?: readonly string[];
  /** Shown in the README table. */
  readonly values: string;
  readonly help: string;
  parse(raw: string): Parsed<ClassroomView[K]>;
  write(value: ClassroomView[K]): string;
}

const MAX_RAW = 512;
const BY_SETTING_KEY = new Map<string, SettingName>(SETTING_NAMES.map((n) => [SETTINGS[n].key, n]));
const short = (s: string) => (s.length > 24 ? `${s.slice(0, 24)}…` : s);

function bool(raw: string): Parsed<boolean> {
  if (raw === '1' || raw === 'true' || raw === '') return { ok: true, value: true };
  if (raw === '0' || raw === 'false') return { ok: true, value: false };
  return { ok: false, reason: `"${short(raw)}" is not 0/1` };
}

/** A comma list: every item through `item`; unknown items are reported one by one and the rest kept. */
function list<T>(raw: string, item: (s: string) => T | null, what: string): Parsed<T[]> {
  const out: T[] = [];
  const rejected: string[] = [];
  for (const part of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const v = item(part);
    if (v === null) rejected.push(`"${short(part)}" is not ${what}`);
    else if (!out.includes(v)) out.push(v);
  }
  // Nothing usable: the flag is ignored as a whole (an empty `controls=` list would hide every knob).
  if (out.length === 0) return { ok: false, reason: rejected.length ? rejected.join('; ') : 'empty list' };
  return { ok: true, value: out, rejected };
}

const settingKey = (s: string): SettingName | null => BY_SETTING_KEY.get(s) ?? null;
/** Panel ids and setting keys never coincide (a unit test checks), so one list can name both. */
const panelOrSetting = (s: string): { panel: PanelId } | { setting: SettingName } | null => {
  if (PANEL_IDS.includes(s as PanelId)) return { panel: s as PanelId };
  const setting = settingKey(s);
  return setting ? { setting } : null;
};

export const FLAGS: { readonly [K in keyof ClassroomView]: FlagSpec<K> } = {
  present: {
    field: 'present',
    key: 'present',
    aliases: ['lecture'],
    values: '1 / 0',
    help: 'presentation mode: large type, a big run bar, charts filling the screen (also `lecture=1`; key P)',
    parse: bool,
    write: (v) => (v ? '1' : '0'),
  },
  theme: {
    field: 'theme',
    key: 'theme',
    values: 'light / dark / auto',
    help: 'colour theme; auto follows the system setting (key T)',
    parse: (raw) =>
      raw === 'light' || raw === 'dark' || raw === 'auto'
        ? { ok: true, value: raw }
        : { ok: false, reason: `"${short(raw)}" is not one of light, dark, auto` },
    write: (v) => v,
  },
  embed: {
    field: 'embed',
    key: 'embed',
    values: '1 / 0',
    help: 'embed view for an iframe in slides: no page header, the run bar and charts first',
    parse: bool,
    write: (v) => (v ? '1' : '0'),
  },
  controls: {
    field: 'controls',
    key: 'controls',
    values: '1 / 0 / setting keys',
    help: '0 hides every control (settings, presets, history, files, Copy link); a list of setting keys (`controls=lr,opt`) shows only those knobs, keeps every other setting at the link’s value and hides the presets',
    parse: (raw) => {
      if (raw === '1') return { ok: true, value: null };
      if (raw === '0') return { ok: true, value: 'none' };
      return list(raw, settingKey, 'a setting key');
    },
    write: (v) => (v === null ? '1' : v === 'none' ? '0' : v.map((n) => SETTINGS[n].key).join(',')),
  },
  hide: {
    field: 'hide',
    key: 'hide',
    values: 'panel ids / setting keys',
    help: `hides panels (${PANEL_IDS.join(', ')}) or single controls by their setting key`,
    parse: (raw) => {
      const items = list(raw, panelOrSetting, `a panel (${PANEL_IDS.join(', ')}) or a setting key`);
      if (!items.ok) return items;
      const panels = [...new Set(items.value.flatMap((i) => ('panel' in i ? [i.panel] : [])))];
      const settings = [...new Set(items.value.flatMap((i) => ('setting' in i ? [i.setting] : [])))];
      return { ok: true, value: { panels, settings }, ...(items.rejected ? { rejected: items.rejected } : {}) };
    },
    write: (v) => [...v.panels, ...v.settings.map((n) => SETTINGS[n].key)].join(','),
  },
  lock: {
    field: 'lock',
    key: 'lock',
    values: 'setting keys / all',
    help: 'shows these settings but does not let them change (presets leave them alone too); `all` locks every setting',
    parse: (raw) => (raw === 'all' ? { ok: true, value: 'all' } : list(raw, settingKey, 'a setting key')),
    write: (v) => (v === 'all' ? 'all' : v.map((n) => SETTINGS[n].key).join(',')),
  },
};

const FLAG_LIST = Object.values(FLAGS) as FlagSpec<keyof ClassroomView>[];

export interface ParsedView {
  readonly view: ClassroomView;
  /** The query without the classroom flags, for the settings codec. */
  readonly rest: string;
  readonly rejected: readonly FlagRejection[];
}

/**
 * Splits the classroom flags off a query string and validates them. Never throws: valid flags apply,
 * each bad value is reported (and its default kept), unknown items of a list are reported one by one.
 */
export function parseView(query: string): ParsedView {
  if (query.length > 4096) return { view: DEFAULT_VIEW, rest: query, rejected: [] };
  const params = new URLSearchParams(query);
  const rest = new URLSearchParams();
  const view: Record<string, unknown> = { ...DEFAULT_VIEW };
  const rejected: FlagRejection[] = [];
  const seen = new Set<string>();
  for (const [key, raw] of params) {
    const spec = FLAG_LIST.find((f) => f.key === key || f.aliases?.includes(key));
    if (!spec) {
      rest.append(key, raw);
      continue;
    }
    if (seen.has(spec.field)) {
      rejected.push({ key, reason: 'given more than once; the first value is used' });
      continue;
    }
    seen.add(spec.field);
    const result = raw.length > MAX_RAW ? ({ ok: false, reason: `value longer than ${MAX_RAW} characters` } as const) : spec.parse(raw);
    if (!result.ok) {
      rejected.push({ key, reason: `${result.reason}; ignored` });
      continue;
    }
    view[spec.field] = result.value;
    for (const reason of result.rejected ?? []) rejected.push({ key, reason: `${reason}; left out` });
  }
  return { view: view as unknown as ClassroomView, rest: rest.toString(), rejected };
}

/** The flags that differ from the defaults, as a query string in table order (empty when none). */
export function serializeView(view: ClassroomView): string {
  const params = new URLSearchParams();
  for (const spec of FLAG_LIST) {
    const value = view[spec.field];
    const written = spec.write(value);
    if (written !== spec.write(DEFAULT_VIEW[spec.field])) params.set(spec.key, written);
  }
  // Commas stay readable in a link (`hide=charts,lr`).
  return params.toString().replace(/%2C/g, ',');
}

/** Whether a panel shows under `view`. */
export function panelShown(view: ClassroomView, panel: PanelId): boolean {
  if (view.hide.panels.includes(panel)) return false;
  if (view.controls === 'none' && CONTROL_PANELS.includes(panel)) return false;
  // An exercise link (`controls=lr`) keeps everything but its knobs: presets would change nothing else.
  if (Array.isArray(view.controls) && panel === 'presets') return false;
  return true;
}

/**
 * Whether the settings panel shows: not when hidden; in presentation and embed views only when the
 * link chose controls (`controls=lr,opt`): the instructor shows what they chose.
 */
export function settingsPanelShown(view: ClassroomView): boolean {
  if (!panelShown(view, 'settings')) return false;
  return !(view.present || view.embed) || Array.isArray(view.controls);
}

/** Whether a setting's control shows under `view`. */
export function controlShown(view: ClassroomView, name: SettingName): boolean {
  if (view.hide.settings.includes(name)) return false;
  if (Array.isArray(view.controls)) return view.controls.includes(name);
  return view.controls !== 'none';
}

/**
 * Whether a setting is locked: named in `lock` (or `lock=all`), or left out of a `controls=` list
 * (an exercise link keeps everything but its knobs at the link's values).
 */
export function settingLocked(view: ClassroomView, name: SettingName): boolean {
  if (view.lock === 'all' || view.lock.includes(name)) return true;
  return Array.isArray(view.controls) && !view.controls.includes(name);
}

/** One line per flag, for the README (kept in step by a unit test). */
export function flagTable(): string {
  return FLAG_LIST.map(
    (f) => `| \`${f.key}\`${f.aliases ? ` (${f.aliases.map((a) => `\`${a}\``).join(', ')})` : ''} | ${f.values} | ${f.help} |`,
  ).join('\n');
}
